import { defineConfig } from "@playwright/test";

// End-to-end against a real gateway with the demo tenant, started here: the client is
// built, then `klustera demo --reset --serve --fake-midtrans` (private PostgreSQL under
// target/e2e-klustera, a fake Midtrans Snap in the same process). Debian's chromium
// drives the pages; no browser is downloaded. Access tokens live 20 s, so every session
// refreshes silently while it runs. E2E_BASE_URL skips the start-up and uses a
// gateway already running.
const port = Number(process.env.E2E_PORT ?? 18080);
const external = process.env.E2E_BASE_URL;

export default defineConfig({
  testDir: "e2e",
  timeout: 90_000,
  expect: { timeout: 20_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [["list"]],
  use: {
    baseURL: external ?? `http://demo.localhost:${port}`,
    browserName: "chromium",
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
    viewport: { width: 360, height: 780 },
    locale: "id-ID",
    trace: "off",
  },
  webServer: external
    ? undefined
    : {
        command: "npm run build && cd .. && cargo run --quiet -- demo --reset --serve --fake-midtrans --no-web-build --units 20 --residents 40",
        url: `http://127.0.0.1:${port}/health`,
        env: {
          KLUSTERA_BIND: `127.0.0.1:${port}`,
          // Short-lived access tokens: sessions refresh several times per test (e2e 6).
          KLUSTERA_ACCESS_TOKEN_SECS: "20",
          KLUSTERA_DATA_DIR: "target/e2e-klustera",
          KLUSTERA_LOG_FORMAT: "json",
          RUST_LOG: "warn",
        },
        timeout: 900_000,
        reuseExistingServer: false,
        stdout: "ignore",
        stderr: "pipe",
      },
});
