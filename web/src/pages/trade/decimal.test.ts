import { describe, expect, it } from "vitest";
import { ceilToStep, div, format, mul, parseDec, roundToStep, toNumber, truncateToStep, type Dec } from "./decimal";

const d = (s: string | number): Dec => parseDec(s)!;

describe("decimal", () => {
  it("parses plain, leading-dot and exponent forms, and refuses the rest", () => {
    expect(format(d("12.500"))).toBe("12.5");
    expect(format(d(".5"))).toBe("0.5");
    expect(format(d(1e-8))).toBe("0.00000001");
    expect(format(d("1.5e3"))).toBe("1500");
    expect(format(d("-0.0"))).toBe("0");
    expect(parseDec("")).toBeNull();
    expect(parseDec("1,5")).toBeNull();
    expect(parseDec("abc")).toBeNull();
    expect(parseDec(Number.NaN)).toBeNull();
    expect(parseDec(".")).toBeNull();
  });

  it("multiplies without binary floating point error", () => {
    expect(format(mul(d("0.1"), d("3")))).toBe("0.3");
    expect(format(mul(d("0.00123"), d("65432.1")))).toBe("80.481483");
  });

  it("truncates to the lot step (never more than asked)", () => {
    expect(format(truncateToStep(d("0.123456"), d("0.00001")))).toBe("0.12345");
    expect(format(truncateToStep(d("0.3"), d("0.1")))).toBe("0.3");
    expect(format(truncateToStep(d("7"), d("5")))).toBe("5");
    expect(format(truncateToStep(d("0.00009"), d("0.0001")))).toBe("0");
    expect(format(truncateToStep(d("1.23"), null))).toBe("1.23");
  });

  it("rounds a price to the nearest tick, halves away from zero", () => {
    expect(format(roundToStep(d("100.05"), d("0.1")))).toBe("100.1");
    expect(format(roundToStep(d("100.04"), d("0.1")))).toBe("100");
    expect(format(roundToStep(d("65000.25"), d("0.5")))).toBe("65000.5");
    expect(format(roundToStep(d("65000.24"), d("0.5")))).toBe("65000");
    expect(format(roundToStep(d("-1.05"), d("0.1")))).toBe("-1.1");
  });

  it("ceils and divides", () => {
    expect(format(ceilToStep(d("0.000151"), d("0.0001")))).toBe("0.0002");
    expect(format(div(d("10"), d("65000"), 8))).toBe("0.00015384");
    expect(toNumber(d("0.00000001"))).toBe(1e-8);
  });
});
