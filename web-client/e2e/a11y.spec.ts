import { expect, test, type Page } from "@playwright/test";
import { MANAGER, RESIDENT, expectAccessible, signedIn } from "./support";

const RESIDENT_PAGES = ["/", "/bills", "/polls", "/complaints", "/complaints/new", "/announcements", "/profile"];
const MANAGER_PAGES = ["/", "/units", "/residents", "/billing", "/bills", "/complaints", "/polls", "/announcements", "/settings"];

async function visitAll(page: Page, paths: string[]) {
  for (const path of paths) {
    await page.goto(path);
    await expect(page.locator("main h1")).toBeVisible();
    await expect(page.getByText(/^(Memuat…|Loading…)$/)).toHaveCount(0);
    await expectAccessible(page);
  }
}

async function toEnglish(page: Page) {
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
}

test("the resident portal has no serious accessibility violations, in both languages", async ({ browser }) => {
  const page = await signedIn(browser, RESIDENT);
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
