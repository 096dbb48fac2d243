import { expect, test } from "@playwright/test";
import { COURT, RESIDENT, SECOND_RESIDENT, bookCourt, cancelCourtBookings, ensureCourt, ensureSecondResident, expectAccessible, loopback, signedIn, toEnglish } from "./support";

test("a resident books tomorrow's court at a quoted price, then cancels and the slot is free again", async ({ browser, request, baseURL }) => {
  await ensureCourt(request, baseURL ?? "");
  const resident = await signedIn(browser, RESIDENT);
  await resident.getByText("Lainnya").click();
  await resident.getByRole("link", { name: "Booking" }).click();
  await cancelCourtBookings(resident); // left over from an earlier run on the same data
  await resident.getByRole("link", { name: new RegExp(COURT) }).click();
  await expect(resident.getByRole("heading", { level: 1, name: COURT })).toBeVisible();

  await resident.getByRole("radio").nth(1).click();
  const slot = resident.getByTestId("slot-19:00");
  await expect(slot).toBeEnabled();
  await slot.click();
  await expect(slot).toHaveAttribute("aria-pressed", "true");
  await expect(resident.getByTestId("quote")).toContainText(/Rp\s50\.000/);
  await resident.getByLabel("Lama pemakaian").selectOption("120");
  await expect(resident.getByTestId("quote")).toContainText(/Rp\s100\.000/);
  await expectAccessible(resident);
  await resident.getByRole("button", { name: "Pesan", exact: true }).click();
  await expect(resident.getByTestId("booked")).toBeVisible();
  // Taken now, with the next hour (a two-hour booking).
  await expect(slot).toBeDisabled();
  await expect(resident.getByTestId("slot-20:00")).toBeDisabled();

  // The home page lists it among the household's upcoming bookings.
  await resident.getByRole("link", { name: "Beranda" }).first().click();
  await expect(resident.getByTestId("next-bookings")).toContainText(COURT);
  await expectAccessible(resident);

  await resident.getByTestId("next-bookings").getByRole("link", { name: new RegExp(COURT) }).click();
  const mine = resident.getByTestId("my-bookings");
  await expect(mine).toContainText(COURT);
  await expectAccessible(resident);
  await cancelCourtBookings(resident);
  await expect(mine.getByText("Dibatalkan").first()).toBeVisible();

  await resident.getByRole("link", { name: new RegExp(COURT) }).click();
  await resident.getByRole("radio").nth(1).click();
  await expect(resident.getByTestId("slot-19:00")).toBeEnabled();
});


test("a resident books a slot and a second resident sees that slot disappear live", async ({ browser, request, baseURL }) => {
  await ensureCourt(request, baseURL ?? "");
  await ensureSecondResident(request, baseURL ?? "");
  const first = await signedIn(browser, RESIDENT);
  const second = await signedIn(browser, SECOND_RESIDENT);
  for (const page of [first, second]) {
    await page.goto("/bookings");
    await cancelCourtBookings(page);
    await page.getByRole("link", { name: new RegExp(COURT) }).click();
    // The day after tomorrow, 10:00.
    await page.getByRole("radio").nth(2).click();
    await expect(page.getByTestId("slot-10:00")).toBeEnabled();
  }

  await first.getByTestId("slot-10:00").click();
  await first.getByRole("button", { name: "Pesan", exact: true }).click();
  await expect(first.getByTestId("booked")).toBeVisible();

  // No reload: the slot goes as the booking commits, and comes back when it is cancelled.
  await expect(second.getByTestId("slot-10:00")).toBeDisabled();
  await expect(second.getByTestId("slot-11:00")).toBeEnabled();
  await first.getByRole("link", { name: "Booking saya" }).click();
  await cancelCourtBookings(first);
  await expect(second.getByTestId("slot-10:00")).toBeEnabled();
});

test("a resident pays a held booking through Midtrans and sees it CONFIRMED without reloading", async ({ browser, request, baseURL }) => {
  await ensureCourt(request, baseURL ?? "");
  const resident = await signedIn(browser, RESIDENT);
  await resident.goto("/bookings");
  await cancelCourtBookings(resident);
  // Three days ahead, 15:00: a paid court holds the slot until it is paid.
  await bookCourt(resident, 3, "15:00");
  await expect(resident.getByTestId("booked")).toHaveText("Booking ditahan sampai dibayar.");

  await resident.getByRole("link", { name: "Booking saya" }).click();
  const mine = resident.getByTestId("my-bookings");
  const payName = new RegExp(`^Bayar booking ${COURT} Rp`);
  const pay = mine.getByRole("button", { name: payName });
  await expect(pay).toHaveCount(1);
  // The booking's row (the demo household has other bookings, some confirmed).
  const id = await mine.getByRole("listitem").filter({ has: resident.getByRole("button", { name: payName }) }).getAttribute("data-booking");
  const status = mine.locator(`li[data-booking="${id}"] [data-status]`);
  await expect(status).toHaveAttribute("data-status", "PENDING_PAYMENT");
  await expect(status).toHaveText("Menunggu bayar");
  await expectAccessible(resident);
  // A mark on this document: still there at the end means the page never reloaded.
  await resident.evaluate(() => Object.assign(window, { e2eStayed: true }));

  const [snap] = await Promise.all([resident.waitForEvent("popup"), pay.click()]);
  await snap.waitForLoadState();
  await snap.getByRole("button", { name: "Bayar" }).click();

  await expect(status).toHaveAttribute("data-status", "CONFIRMED");
  await expect(status).toHaveText("Terkonfirmasi");
  await expect(pay).toHaveCount(0);
  expect(await resident.evaluate(() => (window as unknown as { e2eStayed?: boolean }).e2eStayed)).toBe(true);
  await cancelCourtBookings(resident);
});

test("a resident makes a private calendar link of the household's bookings, copies it, replaces it and turns it off", async ({ browser, request, baseURL }) => {
  await ensureCourt(request, baseURL ?? "");
  const resident = await signedIn(browser, RESIDENT);
  await resident.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await resident.goto("/bookings");
  await cancelCourtBookings(resident);
  await bookCourt(resident, 4, "08:00");

  await resident.getByRole("link", { name: "Booking saya" }).click();
  const card = resident.getByRole("region", { name: "Tautan kalender" });
  await expect(card.getByLabel("Tautan kalender Anda")).toHaveCount(0);
  await card.getByRole("button", { name: "Buat tautan kalender" }).click();
  const link = card.getByLabel("Tautan kalender Anda");
  await expect(link).toHaveValue(/^http:\/\/demo\.localhost:\d+\/calendar\/demo\.[^/]+\.ics$/);
  await expect(card.getByRole("status")).toHaveText("Tautan kalender dibuat.");
  const first = await link.inputValue();
  await expect(card.getByRole("link", { name: "Buka di aplikasi kalender" })).toHaveAttribute("href", first.replace(/^http:/, "webcal:"));
  await expectAccessible(resident);

  await card.getByRole("button", { name: "Salin tautan" }).click();
  await expect(card.getByRole("status")).toHaveText("Tautan disalin.");
  expect(await resident.evaluate(() => navigator.clipboard.readText())).toBe(first);

  // The link is the household's bookings as iCalendar, the one just made among them.
  const feed = await request.get(loopback(first));
  expect(feed.status()).toBe(200);
  expect(feed.headers()["content-type"]).toContain("text/calendar");
  expect(await feed.text()).toContain(`SUMMARY:${COURT}`);

  // A new link replaces the old one.
  await card.getByRole("button", { name: "Ganti dengan tautan baru" }).click();
  await expect(card.getByRole("status")).toHaveText("Tautan baru dibuat; tautan lama tidak berlaku lagi.");
  await expect(link).not.toHaveValue(first);
  const second = await link.inputValue();
  expect((await request.get(loopback(first))).status()).toBe(404);
  expect((await request.get(loopback(second))).status()).toBe(200);

  // Turned off: the link is gone from the page and from the server.
  await card.getByRole("button", { name: "Matikan tautan" }).click();
  await expect(card.getByRole("status")).toHaveText("Tautan kalender dimatikan.");
  await expect(link).toHaveCount(0);
  expect((await request.get(loopback(second))).status()).toBe(404);
  await card.getByRole("button", { name: "Matikan tautan" }).click();
  await expect(card.getByRole("status")).toHaveText("Tidak ada tautan kalender yang aktif.");

  // The same in English, with a link shown.
  await toEnglish(resident);
  const english = resident.getByRole("region", { name: "Calendar link" });
  await english.getByRole("button", { name: "Make a calendar link" }).click();
  await expect(english.getByLabel("Your calendar link")).toHaveValue(/\/calendar\/demo\.[^/]+\.ics$/);
  await expect(english.getByRole("status")).toHaveText("Calendar link made.");
  await expectAccessible(resident);
  await english.getByRole("button", { name: "Turn off link" }).click();
  await expect(english.getByRole("status")).toHaveText("Calendar link turned off.");
  await resident.getByRole("button", { name: "Bahasa Indonesia" }).click();
  await cancelCourtBookings(resident);
});
