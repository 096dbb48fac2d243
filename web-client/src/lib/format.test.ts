import { describe, expect, it } from "vitest";
import {
  addDays,
  formatDate,
  formatDateTime,
  formatPeriod,
  formatRupiah,
  formatTime,
  localDateOf,
  periodOf,
  periodsUpTo,
  wallClockOf,
  zonedInputToIso,
} from "./format";

describe("formatRupiah", () => {
  it("writes rupiah the Indonesian way", () => {
    expect(formatRupiah(1250000)).toBe("Rp\u00a01.250.000");
    expect(formatRupiah(0)).toBe("Rp\u00a00");
  });
});

describe("dates", () => {
  it("shows an instant in the estate's time zone, not the browser's", () => {
    // 23:30 UTC is already the next day in Jakarta (UTC+7) and in Jayapura (UTC+9).
    expect(formatDateTime("2026-11-01T23:30:00Z", "Asia/Jakarta", "id")).toContain("06.30");
    expect(formatDateTime("2026-11-01T23:30:00Z", "Asia/Jayapura", "en")).toContain("08:30");
    expect(formatDateTime("2026-11-01T23:30:00Z", "Asia/Jakarta", "id")).toContain("2 Nov 2026");
  });

  it("keeps calendar dates as they are", () => {
    expect(formatDate("2026-11-10", "id")).toBe("10 Nov 2026");
    expect(formatPeriod("2026-11", "id")).toBe("November 2026");
    expect(formatPeriod("2026-11", "en")).toBe("November 2026");
  });

  it("takes the period of an instant in the estate's zone", () => {
    expect(periodOf(new Date("2026-10-31T18:00:00Z"), "Asia/Jakarta")).toBe("2026-11");
    expect(periodOf(new Date("2026-10-31T16:00:00Z"), "Asia/Jakarta")).toBe("2026-10");
  });

  it("lists the months up to a period across a year", () => {
    expect(periodsUpTo("2026-02", 3)).toEqual(["2025-12", "2026-01", "2026-02"]);
  });

  it("reads a wall time in the estate's zone", () => {
    expect(zonedInputToIso("2026-11-02T09:00", "Asia/Makassar")).toBe("2026-11-02T01:00:00.000Z");
  });
});

describe("booking times", () => {
  it("reads dates and wall clocks in the estate's zone", () => {
    // 23:30 UTC is already the next day in Jayapura (WIT, +09:00).
    expect(localDateOf(new Date("2026-03-01T23:30:00Z"), "Asia/Jayapura")).toBe("2026-03-02");
    expect(formatTime("2026-03-01T23:30:00Z", "Asia/Jayapura")).toBe("08:30");
    expect(wallClockOf("2026-03-01T23:30:00Z", "Asia/Jakarta")).toBe("2026-03-02T06:30:00");
    expect(addDays("2026-02-27", 2)).toBe("2026-03-01");
  });
});
