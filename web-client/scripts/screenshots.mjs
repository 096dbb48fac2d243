// README screenshots: the resident home on a 360 px phone and the manager dashboard at
// 1280 px, against a running demo (`klustera demo --serve --fake-midtrans`; BASE, default
// http://demo.localhost:8080). Writes docs/resident-home.png and docs/manager-dashboard.png.
import { chromium } from "@playwright/test";

const base = process.env.BASE ?? "http://demo.localhost:8080";
const docs = new URL("../../docs/", import.meta.url).pathname;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });

async function shoot(identifier, viewport, file, ready) {
  // Reduced motion: charts draw at once, so the picture is of where they settle.
  const context = await browser.newContext({ viewport, deviceScaleFactor: 2, locale: "id-ID", reducedMotion: "reduce" });
  const page = await context.newPage();
  await page.goto(base);
  await page.getByLabel("Email atau nomor HP").fill(identifier);
  await page.getByLabel("Kata sandi").fill("demo-pass-2024");
  await page.getByRole("button", { name: "Masuk" }).click();
  await page.getByRole("navigation").waitFor();
  await ready(page);
  await page.screenshot({ path: `${docs}${file}`, fullPage: true, animations: "disabled" });
  await context.close();
}

await shoot("+6281200000001", { width: 360, height: 780 }, "resident-home.png", async (page) => {
  await page.getByTestId("total-due").waitFor();
});
await shoot("manager@demo.test", { width: 1280, height: 900 }, "manager-dashboard.png", async (page) => {
  await page.getByTestId("collection-rate").waitFor();
  // The collection chart (Chart.js) draws once the page is idle; the aging ring is SVG.
  await page.locator("canvas").waitFor();
  await page.locator("svg[role=img] circle[data-segment]").first().waitFor();
});
await browser.close();
