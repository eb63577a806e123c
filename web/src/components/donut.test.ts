import { describe, expect, it } from "vitest";
import { arcPath, donutSlices, foldSmall, PALETTE } from "./donut";

describe("foldSmall", () => {
  it("sorts by value and drops zero, negative and non-finite entries", () => {
    const out = foldSmall([
      { key: "A", value: 1 },
      { key: "B", value: 3 },
      { key: "Z", value: 0 },
      { key: "N", value: -2 },
      { key: "X", value: Number.NaN },
    ]);
    expect(out.map((i) => i.key)).toEqual(["B", "A"]);
  });

  it("folds the tail into Other beyond max", () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ key: `K${i}`, value: 100 - i }));
    const out = foldSmall(items, 5);
    expect(out).toHaveLength(5);
    expect(out[4]!.key).toBe("Other");
    expect(out[4]!.value).toBe(items.slice(4).reduce((s, i) => s + i.value, 0));
  });

  it("folds slivers under the minimum share", () => {
    const out = foldSmall([{ key: "BTC", value: 990 }, { key: "DUST1", value: 1 }, { key: "DUST2", value: 2 }]);
    expect(out.map((i) => i.key)).toEqual(["BTC", "Other"]);
    expect(out[1]!.value).toBe(3);
  });

  it("keeps a single small one under its own name", () => {
    const out = foldSmall([{ key: "BTC", value: 999 }, { key: "ETH", value: 1 }]);
    expect(out.map((i) => i.key)).toEqual(["BTC", "ETH"]);
  });

  it("is empty when nothing has value", () => {
    expect(foldSmall([{ key: "A", value: 0 }])).toEqual([]);
  });
});

describe("donutSlices", () => {
  it("covers the whole circle in order, with fractions summing to 1", () => {
    const slices = donutSlices([{ key: "A", value: 50 }, { key: "B", value: 30 }, { key: "C", value: 20 }]);
    expect(slices.map((s) => s.fraction)).toEqual([0.5, 0.3, 0.2]);
    expect(slices[0]!.startAngle).toBe(0);
    expect(slices[1]!.startAngle).toBeCloseTo(Math.PI);
    expect(slices[2]!.endAngle).toBeCloseTo(Math.PI * 2);
    expect(slices.map((s) => s.colour)).toEqual(PALETTE.slice(0, 3));
  });

  it("draws a half as two arcs from twelve to six o'clock", () => {
    const [half] = donutSlices([{ key: "A", value: 1 }, { key: "B", value: 1 }], 160, 28);
    expect(half!.path).toBe("M80 1 A79 79 0 0 1 80 159 L80 131 A51 51 0 0 0 80 29 Z");
  });

  it("uses the large-arc flag above half", () => {
    const [big] = donutSlices([{ key: "A", value: 3 }, { key: "B", value: 1 }]);
    expect(big!.path).toContain(" 0 1 1 ");
  });

  it("draws a single 100 % slice as a full ring", () => {
    const [ring] = donutSlices([{ key: "A", value: 5 }]);
    expect(ring!.fraction).toBe(1);
    expect(ring!.path.match(/M/g)).toHaveLength(2);
    expect(ring!.path).not.toContain("NaN");
  });

  it("is empty for an empty or zero total", () => {
    expect(donutSlices([])).toEqual([]);
    expect(donutSlices([{ key: "A", value: 0 }])).toEqual([]);
  });

  it("arcPath quarter goes from twelve to three o'clock", () => {
    expect(arcPath(10, 10, 10, 5, 0, Math.PI / 2)).toBe("M10 0 A10 10 0 0 1 20 10 L15 10 A5 5 0 0 0 10 5 Z");
  });
});
