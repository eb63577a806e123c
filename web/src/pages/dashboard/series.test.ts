import { describe, expect, it } from "vitest";
import { direction, isRange, summarize, toSeries } from "./series";

const p = (time: string, value: number) => ({ time, value, currency: "USD", unpriced: [] });

describe("toSeries", () => {
  it("sorts ascending and converts to UTC seconds", () => {
    const s = toSeries([p("2026-01-02T00:00:00Z", 2), p("2026-01-01T00:00:00Z", 1)]);
    expect(s).toEqual([
      { time: Date.UTC(2026, 0, 1) / 1000, value: 1 },
      { time: Date.UTC(2026, 0, 2) / 1000, value: 2 },
    ]);
  });

  it("keeps one point per second, the later snapshot winning", () => {
    const s = toSeries([p("2026-01-01T00:00:00.100Z", 1), p("2026-01-01T00:00:00.900Z", 5)]);
    expect(s).toEqual([{ time: Date.UTC(2026, 0, 1) / 1000, value: 5 }]);
  });

  it("drops invalid times and values, and reads numeric strings", () => {
    const s = toSeries([p("nope", 1), p("2026-01-01T00:00:00Z", Number.NaN), { ...p("2026-01-01T00:00:01Z", 0), value: "12.5" as unknown as number }]);
    expect(s).toEqual([{ time: Date.UTC(2026, 0, 1) / 1000 + 1, value: 12.5 }]);
  });
});

describe("summarize", () => {
  it("gives first, last, extremes and change", () => {
    expect(summarize([{ time: 1, value: 100 }, { time: 2, value: 80 }, { time: 3, value: 110 }])).toEqual({
      first: 100,
      last: 110,
      min: 80,
      max: 110,
      change: 10,
      changePercent: 10,
    });
  });
  it("has no percent from zero and nothing for no points", () => {
    expect(summarize([{ time: 1, value: 0 }, { time: 2, value: 5 }])!.changePercent).toBeNull();
    expect(summarize([])).toBeNull();
  });
});

describe("direction and ranges", () => {
  it("names the direction", () => {
    expect(direction(1)).toBe("up");
    expect(direction(-0.01)).toBe("down");
    expect(direction(0)).toBe("flat");
    expect(direction(null)).toBe("unknown");
  });
  it("knows the API's ranges", () => {
    expect(isRange("7d")).toBe(true);
    expect(isRange("2w")).toBe(false);
    expect(isRange(null)).toBe(false);
  });
});
