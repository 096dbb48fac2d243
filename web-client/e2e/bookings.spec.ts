import { expect, test } from "@playwright/test";
import { COURT, RESIDENT, SECOND_RESIDENT, cancelCourtBookings, ensureCourt, ensureSecondResident, expectAccessible, signedIn } from "./support";

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

  await resident.getByRole("link", { name: "Booking saya" }).click();
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
