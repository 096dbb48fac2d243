import { expect, test } from "@playwright/test";
import { MANAGER, RESIDENT, ensureBills, expectAccessible, signIn, signedIn } from "./support";

test("a resident pays a bill through Midtrans and sees it PAID without reloading", async ({ page, request, baseURL }) => {
  await ensureBills(request, baseURL ?? "");
  await signIn(page, RESIDENT);
  await expect(page.getByTestId("total-due")).not.toHaveText("Rp\u00a00");
  await expectAccessible(page);
  await page.getByRole("link", { name: /Belum dibayar/ }).first().click();
  const status = page.getByTestId("bill-status");
  await expect(status).toHaveAttribute("data-status", "UNPAID");
  await expectAccessible(page);

  const [snap] = await Promise.all([page.waitForEvent("popup"), page.getByRole("button", { name: /^Bayar/ }).click()]);
  await snap.waitForLoadState();
  await snap.getByRole("button", { name: "Bayar" }).click();

  await expect(status).toHaveAttribute("data-status", "PAID");
  await expect(status).toHaveText("Lunas");
  await expect(page.getByTestId("bill-outstanding")).toHaveText("Rp\u00a00");
  await expect(page.getByText("Midtrans ·")).toBeVisible();
});

test("the manager's tally changes live when a resident votes", async ({ browser }) => {
  const title = `Pengecatan gerbang ${Date.now()}`;
  const manager = await signedIn(browser, MANAGER, { width: 1280, height: 900 });
  await manager.getByRole("link", { name: "Voting" }).click();
  await manager.getByLabel("Judul").fill(title);
  await manager.getByLabel("Ditutup pada").fill("2030-01-01T10:00");
  await manager.getByRole("button", { name: "Buat", exact: true }).click();
  await manager.getByRole("link", { name: new RegExp(title) }).click();
  await expect(manager.getByTestId("votes-Setuju")).toHaveText("0");
  await expectAccessible(manager);

  const resident = await signedIn(browser, RESIDENT);
  await resident.getByRole("link", { name: "Voting" }).click();
  await resident.getByRole("link", { name: new RegExp(title) }).click();
  await expectAccessible(resident);
  await resident.getByRole("button", { name: "Setuju", exact: true }).click();
  await expect(resident.getByText("Suara Anda: Setuju")).toBeVisible();

  await expect(manager.getByTestId("votes-Setuju")).toHaveText("1");
  await expect(manager.getByTestId("tally-total")).toHaveText("1 suara");
});

test("a complaint raises the manager's counter live, and the resident sees RESOLVED live", async ({ browser }) => {
  const manager = await signedIn(browser, MANAGER, { width: 1280, height: 900 });
  const open = manager.getByTestId("counter-open");
  await expect(open).toHaveText(/\d+/);
  const before = Number(await open.textContent());
  await expectAccessible(manager);

  const resident = await signedIn(browser, RESIDENT);
  const title = `Lampu jalan mati ${Date.now()}`;
  await resident.goto("/complaints/new");
  await resident.getByLabel("Judul").fill(title);
  await resident.getByLabel("Uraian").fill("Sejak kemarin malam di depan blok A.");
  await expectAccessible(resident);
  await resident.getByRole("button", { name: "Kirim keluhan" }).click();
  const status = resident.getByTestId("complaint-status");
  await expect(status).toHaveAttribute("data-status", "OPEN");

  await expect(open).toHaveText(String(before + 1));

  await manager.getByRole("link", { name: "Keluhan" }).click();
  await manager.getByRole("link", { name: new RegExp(title) }).click();
  await manager.getByRole("button", { name: "Mulai proses" }).click();
  await expect(manager.getByTestId("complaint-status")).toHaveAttribute("data-status", "IN_PROGRESS");
  await expect(status).toHaveAttribute("data-status", "IN_PROGRESS");
  await manager.getByRole("button", { name: "Tandai selesai" }).click();

  await expect(status).toHaveAttribute("data-status", "RESOLVED");
  await expect(status).toHaveText("Selesai");
});
