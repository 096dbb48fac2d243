import { expect, test, type Page } from "@playwright/test";
import { COURT, MANAGER, RESIDENT, SECURITY, ensureBills, ensureCourt, expectAccessible, signedIn, toEnglish } from "./support";

const RESIDENT_PAGES = ["/", "/bills", "/polls", "/bookings", "/complaints", "/complaints/new", "/announcements", "/profile"];
const MANAGER_PAGES = ["/", "/units", "/residents", "/billing", "/bills", "/complaints", "/polls", "/bookings", "/announcements", "/settings"];
const SECURITY_PAGES = ["/", "/bookings"];

async function visitAll(page: Page, paths: string[]) {
  for (const path of paths) {
    await page.goto(path);
    await expect(page.locator("main h1")).toBeVisible();
    await expect(page.getByText(/^(Memuat…|Loading…)$/)).toHaveCount(0);
    await expectAccessible(page);
  }
}

// Each sweep runs axe on every page twice (both languages): more than the default 90 s on
// a busy machine.
test.describe.configure({ timeout: 180_000 });

test.beforeAll(async ({ request, baseURL }) => {
  await ensureCourt(request, baseURL ?? "");
});

test("the resident portal has no serious accessibility violations, in both languages", async ({ browser }) => {
  const page = await signedIn(browser, RESIDENT);
  // A facility's booking page too.
  await page.goto("/bookings");
  const court = await page.getByRole("link", { name: new RegExp(COURT) }).getAttribute("href");
  RESIDENT_PAGES.push(court!);
  await visitAll(page, RESIDENT_PAGES);
  await toEnglish(page);
  await visitAll(page, RESIDENT_PAGES);
});

test("the manager dashboard has no serious accessibility violations, in both languages", async ({ browser }) => {
  const page = await signedIn(browser, MANAGER, { width: 1280, height: 900 });
  await visitAll(page, MANAGER_PAGES);
  await toEnglish(page);
  await visitAll(page, MANAGER_PAGES);
});

test("security staff's pages have no serious accessibility violations, in both languages", async ({ browser }) => {
  const page = await signedIn(browser, SECURITY);
  await visitAll(page, SECURITY_PAGES);
  await toEnglish(page);
  await visitAll(page, SECURITY_PAGES);
});

test("on a 360 px phone the menu fits the screen and reaches every page", async ({ browser, request, baseURL }) => {
  await ensureBills(request, baseURL ?? "");
  for (const [who, pages, loaded] of [
    [RESIDENT, 7, "total-due"],
    [MANAGER, 9, "collection-rate"],
  ] as const) {
    const page = await signedIn(browser, who);
    const nav = page.getByRole("navigation");
    // Measured with the first page's figures (and the manager's chart) in: nothing on it
    // may widen the page past the screen.
    await expect(page.getByTestId(loaded)).toBeVisible();
    if (who === MANAGER) await expect(page.locator("canvas")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await nav.evaluate((n) => n.scrollWidth <= n.clientWidth)).toBe(true);
    await nav.getByText("Lainnya").click();
    await expect(nav.getByRole("link")).toHaveCount(pages);
    for (const link of await nav.getByRole("link").all()) await expect(link).toBeVisible();
    await expectAccessible(page);
    await nav.getByRole("link").last().click();
    // Navigating closes the menu.
    await expect(nav.getByRole("link")).toHaveCount(3);
    await page.context().close();
  }
});

test("the sign-in page is accessible and a reload keeps the session (cookie)", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.getByTestId("estate-name")).toHaveText("Perumahan Demo Asri");
  await expectAccessible(page);
  await page.getByLabel("Email atau nomor HP").fill(RESIDENT);
  await page.getByLabel("Kata sandi").fill("salah-sekali");
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("alert")).toHaveText("Email/nomor HP atau kata sandi salah.");
  await page.getByLabel("Kata sandi").fill("demo-pass-2024");
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("navigation")).toBeVisible();
  // The refresh token is not readable by scripts.
  expect(await page.evaluate(() => document.cookie)).not.toContain("klustera_refresh");
  const cookies = await context.cookies();
  const refresh = cookies.find((c) => c.name === "klustera_refresh");
  expect(refresh?.httpOnly).toBe(true);
  expect(refresh?.sameSite).toBe("Strict");
  await page.reload();
  await expect(page.getByRole("navigation")).toBeVisible();
  await page.getByRole("button", { name: "Keluar" }).first().click();
  await expect(page.getByTestId("estate-name")).toBeVisible();
  expect((await context.cookies()).find((c) => c.name === "klustera_refresh")).toBeUndefined();
});
