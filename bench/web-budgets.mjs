// Web client budgets (figures, not a gate): the resident portal's initial JavaScript,
// gzipped, and Lighthouse performance and accessibility of the resident home and the
// manager dashboard at 360 px and on a desktop viewport. See bench/web-budgets.sh.
//
// Expects the built client in web-client/dist and a gateway serving it with the demo
// tenant at $BASE (http://demo.localhost:<port>). Starts Chromium with a DevTools port,
// signs in through it with Playwright, then runs the Lighthouse CLI against that browser
// with storage kept, so it measures the signed-in pages (the session is the
// HttpOnly refresh cookie; each load trades it for an access token, as a reload does).
import { createRequire } from "node:module";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const client = join(root, "web-client");
const { chromium } = createRequire(join(client, "package.json"))("@playwright/test");
const base = process.env.BASE ?? "http://demo.localhost:18090";
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const lighthouse = process.env.LIGHTHOUSE ?? "lighthouse@12";
const out = join(root, "bench", "out", "web");
const PASSWORD = "demo-pass-2024";

// ---- initial JavaScript -------------------------------------------------------------
// What the first page of a resident loads before it renders: index.html's module
// script and its modulepreloads (every other chunk is a lazy route).
const dist = join(client, "dist");
const html = readFileSync(join(dist, "index.html"), "utf8");
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const initialGz = initial.reduce((sum, f) => sum + gz(f), 0);
const allJs = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js"));
const js = {
  initialFiles: initial,
  initialGzipKB: +(initialGz / 1024).toFixed(1),
  budgetKB: 200,
  allChunksGzipKB: +(allJs.reduce((s, f) => s + gz(`assets/${f}`), 0) / 1024).toFixed(1),
};
console.log(`initial JS (resident portal): ${js.initialGzipKB} KB gzipped (budget ${js.budgetKB} KB; all chunks ${js.allChunksGzipKB} KB)`);

// ---- Lighthouse -----------------------------------------------------------------------
// Chromium runs on its own (Lighthouse drives it over its DevTools port); Playwright signs
// in through the same port and disconnects before Lighthouse starts.
async function signedInBrowser(identifier, port) {
  const profile = mkdtempSync(join(tmpdir(), "klustera-lh-"));
  const browser = spawn(chromiumPath, ["--headless", "--no-sandbox", `--remote-debugging-port=${port}`, `--user-data-dir=${profile}`, "--no-first-run", "about:blank"], {
    stdio: "ignore",
  });
  let cdp;
  for (let i = 0; i < 100 && !cdp; i += 1) {
    cdp = await chromium.connectOverCDP(`http://127.0.0.1:${port}`).catch(() => new Promise((r) => setTimeout(() => r(undefined), 100)));
  }
  if (!cdp) throw new Error(`chromium did not open port ${port}`);
  const page = await cdp.contexts()[0].newPage();
  await page.goto(base);
  await page.getByLabel(/Email atau nomor HP/).fill(identifier);
  await page.getByLabel(/Kata sandi/).fill(PASSWORD);
  await page.getByRole("button", { name: "Masuk" }).click();
  await page.getByRole("navigation").waitFor();
  await page.close();
  await cdp.close();
  // Chromium still writes its profile as it exits: remove it once the process is gone.
  const exited = new Promise((resolve) => browser.once("exit", resolve));
  const close = async () => {
    browser.kill();
    await exited;
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  };
  return { close };
}

const VIEWPORTS = {
  mobile360: [
    "--form-factor=mobile",
    "--screenEmulation.mobile",
    "--screenEmulation.width=360",
    "--screenEmulation.height=780",
    "--screenEmulation.deviceScaleFactor=2",
  ],
  desktop: ["--preset=desktop"],
};

function audit(name, port, viewport) {
  const report = join(out, `${name}-${viewport}.json`);
  execFileSync(
    "npx",
    [
      "--yes",
      lighthouse,
      `${base}/`,
      `--port=${port}`,
      "--disable-storage-reset",
      "--only-categories=performance,accessibility",
      "--output=json",
      `--output-path=${report}`,
      "--quiet",
      "--max-wait-for-load=60000",
      ...VIEWPORTS[viewport],
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  const lhr = JSON.parse(readFileSync(report, "utf8"));
  const score = (c) => Math.round(lhr.categories[c].score * 100);
  const metric = (a) => lhr.audits[a]?.displayValue ?? "";
  return {
    page: name,
    viewport,
    performance: score("performance"),
    accessibility: score("accessibility"),
    fcp: metric("first-contentful-paint"),
    lcp: metric("largest-contentful-paint"),
    tbt: metric("total-blocking-time"),
    cls: metric("cumulative-layout-shift"),
    // Lighthouse's measure of this machine's speed during the run (higher is faster): a
    // busy machine scores low, and its blocking time is then inflated accordingly.
    benchmarkIndex: lhr.environment?.benchmarkIndex,
  };
}

// ONLY=manager-dashboard:mobile360 (page, viewport or page:viewport, comma-separated)
// audits only those: for repeated runs of one page on a busy machine.
const only = (process.env.ONLY ?? "").split(",").filter(Boolean);
const wanted = (page, viewport) => only.length === 0 || only.some((o) => [page, viewport, `${page}:${viewport}`].includes(o));

execFileSync("mkdir", ["-p", out]);
const results = [];
for (const [name, identifier, port] of [
  ["resident-home", "+6281200000001", 9301],
  ["manager-dashboard", "manager@demo.test", 9302],
]) {
  if (!Object.keys(VIEWPORTS).some((v) => wanted(name, v))) continue;
  const { close } = await signedInBrowser(identifier, port);
  try {
    for (const viewport of Object.keys(VIEWPORTS).filter((v) => wanted(name, v))) {
      const r = audit(name, port, viewport);
      results.push(r);
      console.log(`${r.page} ${r.viewport}: performance ${r.performance}, accessibility ${r.accessibility} (FCP ${r.fcp}, LCP ${r.lcp}, TBT ${r.tbt}, CLS ${r.cls}; benchmark index ${r.benchmarkIndex})`);
    }
  } finally {
    await close();
  }
}
writeFileSync(join(out, "summary.json"), JSON.stringify({ js, lighthouse: results }, null, 2));
const missed = results.filter((r) => r.performance < 90 || r.accessibility < 95);
console.log(missed.length ? `below target (performance >= 90, accessibility >= 95): ${missed.map((r) => `${r.page} ${r.viewport}`).join(", ")}` : "all Lighthouse targets met");
