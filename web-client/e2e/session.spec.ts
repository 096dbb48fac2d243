import { expect, test } from "@playwright/test";
import { MANAGER, RESIDENT, signIn, signedIn } from "./support";

// The e2e gateway issues access tokens for ACCESS_TOKEN_SECS (playwright.config.ts), so a
// session outlives its first token within the test.
test("a token expiring mid-session is refreshed silently and live views keep updating", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
  const resident = await context.newPage();
  const login = resident.waitForResponse((r) => r.url().endsWith("/graphql") && /mutation Login\b/.test(r.request().postData() ?? ""));
  await signIn(resident, RESIDENT);
  const firstExpiry = ((await (await login).json()) as { data: { login: { accessTokenExpiresAt: number } } }).data.login
    .accessTokenExpiresAt;

  const title = `Pagar rusak ${Date.now()}`;
  await resident.goto("/complaints/new");
  await resident.getByLabel("Judul").fill(title);
  await resident.getByRole("button", { name: "Kirim keluhan" }).click();
  const status = resident.getByTestId("complaint-status");
  await expect(status).toHaveAttribute("data-status", "OPEN");

  // From here on the page keeps its one socket: a socket closed for an expired token
  // would show as a new one.
  let sockets = 0;
  resident.on("websocket", () => sockets++);
  const refreshed = resident.waitForResponse(
    (r) => r.url().endsWith("/graphql") && /mutation Refresh\b/.test(r.request().postData() ?? ""),
    { timeout: 60_000 },
  );
  expect((await (await refreshed).json()).data.refreshToken.accessToken).toBeTruthy();
  // Past the first token's expiry (the gateway would close a socket still on it).
  await expect.poll(() => Date.now() / 1000, { timeout: 60_000 }).toBeGreaterThan(firstExpiry + 1);

  const manager = await signedIn(browser, MANAGER, { width: 1280, height: 900 });
  await manager.getByRole("link", { name: "Keluhan" }).click();
  await manager.getByRole("link", { name: new RegExp(title) }).click();
  await manager.getByRole("button", { name: "Mulai proses" }).click();

  await expect(status).toHaveAttribute("data-status", "IN_PROGRESS");
  expect(sockets).toBe(0);
  await expect(resident.getByTestId("connection")).toHaveCount(0);
  // Queries go on with the new token, still signed in.
  await resident.getByRole("link", { name: "Tagihan" }).click();
  await expect(resident.getByRole("heading", { level: 1, name: "Tagihan" })).toBeVisible();
  await expect(resident.getByRole("alert")).toHaveCount(0);
});
