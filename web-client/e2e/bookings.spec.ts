import { expect, test, type Page } from "@playwright/test";
import { COURT, RESIDENT, ensureCourt, expectAccessible, signedIn } from "./support";

test("a resident books tomorrow's court at a quoted price, then cancels and the slot is free again", async ({ browser, request, baseURL }) => {
  await ensureCourt(request, baseURL ?? "");
  const resident = await signedIn(browser, RESIDENT);
  await resident.getByText("Lainnya").click();
  await resident.getByRole("link", { name: "Booking" }).click();
  await cancelAll(resident); // left over from an earlier run on the same data
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
  await cancelAll(resident);
  await expect(mine.getByText("Dibatalkan").first()).toBeVisible();

  await resident.getByRole("link", { name: new RegExp(COURT) }).click();
  await resident.getByRole("radio").nth(1).click();
  await expect(resident.getByTestId("slot-19:00")).toBeEnabled();
});

/** Cancels the resident's court bookings listed under "my bookings". */
async function cancelAll(page: Page) {
  const cancels = page.getByTestId("my-bookings").getByRole("button", { name: new RegExp(`Batalkan booking ${COURT}`) });
  await expect(page.getByRole("heading", { name: "Booking saya" })).toBeVisible();
  await expect(page.getByText(/^(Memuat…|Loading…)$/)).toHaveCount(0);
  for (let n = await cancels.count(); n > 0; n -= 1) {
    await cancels.first().click();
    await expect(cancels).toHaveCount(n - 1);
  }
}
