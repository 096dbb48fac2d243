// Money and dates as people in Indonesia read them. Rupiah are whole numbers (the API's
// `Rupiah` scalar is an integer), always written the Indonesian way, whatever the UI
// language: `Rp 1.250.000`. Instants are shown in the estate's time zone, not the
// browser's; calendar dates (`NaiveDate`) have no zone and are shown as they are.

const rupiah = new Intl.NumberFormat("id-ID", {
  style: "currency",
  currency: "IDR",
  minimumFractionDigits: 0,
  maximumFractionDigits: 0,
});

/** `1250000` -> `Rp 1.250.000` (with a no-break space after `Rp`). */
export function formatRupiah(amount: number): string {
  return rupiah.format(amount);
}

function localeOf(language: string): string {
  return language.startsWith("en") ? "en-GB" : "id-ID";
}

/** An instant (RFC 3339) as a date and time in `timeZone`. */
export function formatDateTime(iso: string, timeZone: string, language: string): string {
  return new Intl.DateTimeFormat(localeOf(language), {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  }).format(new Date(iso));
}

/** An instant (RFC 3339) as a calendar date in `timeZone`. */
export function formatInstantDate(iso: string, timeZone: string, language: string): string {
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: "medium", timeZone }).format(
    new Date(iso),
  );
}

/** A calendar date (`YYYY-MM-DD`), zone-free. */
export function formatDate(date: string, language: string): string {
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** A billing period (`YYYY-MM`) as `November 2026`. */
export function formatPeriod(period: string, language: string): string {
  return new Intl.DateTimeFormat(localeOf(language), {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(`${period}-01T00:00:00Z`));
}

/** The period (`YYYY-MM`) of an instant in `timeZone`. */
export function periodOf(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    year: "numeric",
    month: "2-digit",
    timeZone,
  }).formatToParts(instant);
  const year = parts.find((p) => p.type === "year")?.value ?? "1970";
  const month = parts.find((p) => p.type === "month")?.value ?? "01";
  return `${year}-${month}`;
}

/** The `n` periods up to and including `period`, oldest first. */
export function periodsUpTo(period: string, n: number): string[] {
  const [y, m] = period.split("-").map(Number) as [number, number];
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i -= 1) {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`);
  }
  return out;
}

/** Basis points as a percentage: `1100` -> `11%`. */
export function formatBasisPoints(bp: number, language: string): string {
  return new Intl.NumberFormat(localeOf(language), { style: "percent", maximumFractionDigits: 2 }).format(
    bp / 10000,
  );
}

/** A local `datetime-local` input value (in `timeZone`) as an RFC 3339 instant. */
export function zonedInputToIso(value: string, timeZone: string): string {
  // The offset of `timeZone` at that wall time: format the naive UTC reading back in the
  // zone and take the difference (exact for the fixed-offset Indonesian zones).
  const naive = new Date(`${value}:00Z`);
  const shown = new Date(
    new Intl.DateTimeFormat("sv-SE", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .format(naive)
      .replace(" ", "T") + "Z",
  );
  const offset = shown.getTime() - naive.getTime();
  return new Date(naive.getTime() - offset).toISOString();
}

/** The calendar date (`YYYY-MM-DD`) of an instant in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone }).format(instant);
}

/** `date` (`YYYY-MM-DD`) plus `days`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** An instant's wall-clock time in `timeZone`: `18:30`. */
export function formatTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone }).format(new Date(iso));
}

/** An instant as the wall-clock reading in `timeZone`, without offset: `2026-03-02T18:00:00`. */
export function wallClockOf(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  })
    .format(new Date(iso))
    .replace(" ", "T");
}

/** The window a household's upcoming bookings are read over: from a day ago (a booking
 * running now) to the 31 days the API allows, as of `now` (milliseconds). */
export function upcomingWindow(now: number): { from: string; to: string } {
  const day = 86_400_000;
  return { from: new Date(now - day).toISOString(), to: new Date(now + 30 * day).toISOString() };
}
