import { expect, type Browser, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const PASSWORD = "demo-pass-2024";
export const RESIDENT = "+6281200000001";
export const MANAGER = "manager@demo.test";

/** Signs in on the estate's sign-in page (Bahasa Indonesia, the default). */
export async function signIn(page: Page, identifier: string): Promise<void> {
  await page.goto("/");
  await expect(page.getByTestId("estate-name")).toHaveText("Perumahan Demo Asri");
  await page.getByLabel("Email atau nomor HP").fill(identifier);
  await page.getByLabel("Kata sandi").fill(PASSWORD);
  await page.getByRole("button", { name: "Masuk" }).click();
  await expect(page.getByRole("navigation")).toBeVisible();
}

export async function signedIn(browser: Browser, identifier: string, viewport = { width: 360, height: 780 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await signIn(page, identifier);
  return page;
}

/** No serious or critical accessibility violations on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    `axe on ${page.url()}`,
  ).toEqual([]);
}
