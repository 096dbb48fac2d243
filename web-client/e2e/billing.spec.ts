import { expect, test } from "@playwright/test";
import { readSheet } from "read-excel-file/node";
import { MANAGER, expectAccessible, signedIn } from "./support";

/** Last month in the estate's time zone, `YYYY-MM`. */
function lastMonth(): string {
  const [y, m] = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", timeZone: "Asia/Jakarta" })
    .format(new Date())
    .split("-")
    .map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 2, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

test("the manager generates a month's bills, watches the progress bar finish and downloads the XLSX", async ({ browser }) => {
  const period = lastMonth();
  const manager = await signedIn(browser, MANAGER, { width: 1280, height: 900 });
  await manager.getByRole("link", { name: "Penagihan" }).click();

  const generate = manager.getByRole("region", { name: "Buat tagihan bulanan" });
  await generate.getByLabel("Periode").fill(period);
  await generate.getByRole("button", { name: "Buat tagihan" }).click();
  const status = generate.getByTestId("generate-status");
  // Every unit of the demo estate (20) counted, then done.
  await expect(status).toContainText("Selesai");
  await expect(status).toContainText("20 dari 20 unit");
  const progress = generate.getByRole("progressbar", { name: "Kemajuan pembuatan tagihan" });
  await expect(progress).toHaveAttribute("max", "20");
  await expect(progress).toHaveAttribute("value", "20");
  await expectAccessible(manager);

  const exporting = manager.getByRole("region", { name: "Unduh tagihan" });
  await exporting.getByLabel("Periode").fill(period);
  const [download] = await Promise.all([
    manager.waitForEvent("download"),
    exporting.getByRole("button", { name: "Unduh Excel (XLSX)" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`tagihan-${period}.xlsx`);
  const rows = await readSheet(await download.path());
  expect(rows[0]).toEqual(expect.arrayContaining(["block", "unit", "period", "status", "total", "outstanding"]));
  const body = rows.slice(1);
  expect(body).toHaveLength(20);
  const periodColumn = rows[0]!.indexOf("period");
  expect(new Set(body.map((r) => r[periodColumn]))).toEqual(new Set([period]));
});
