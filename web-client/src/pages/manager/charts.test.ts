import { describe, expect, it } from "vitest";
import { ringSegments } from "./charts";

describe("ringSegments", () => {
  it("splits the ring by share, each segment starting where the one before ends", () => {
    const s = ringSegments([300, 100, 0, 0, 600], 100);
    expect(s.map((x) => x.dash)).toEqual([30, 10, 0, 0, 60]);
    expect(s.map((x) => x.start)).toEqual([0, 30, 40, 40, 40]);
  });

  it("draws nothing when nothing is owed, and never a negative segment", () => {
    expect(ringSegments([0, 0], 100)).toEqual([
      { dash: 0, start: 0 },
      { dash: 0, start: 0 },
    ]);
    expect(ringSegments([-5, 5], 100).map((x) => x.dash)).toEqual([0, 100]);
  });
});
