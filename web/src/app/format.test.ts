import { describe, expect, it } from "vitest";
import { ago, amount, localToIso, money } from "./format";

describe("format", () => {
  it("amount drops trailing zeros and keeps up to 8 decimals", () => {
    expect(amount("0.00120000")).toBe(new Intl.NumberFormat(undefined, { maximumFractionDigits: 8 }).format(0.0012));
    expect(amount(null)).toBe("—");
  });

  it("money falls back to a code suffix for non-ISO currencies", () => {
    expect(money(12.5, "USDT")).toMatch(/USDT$/);
    expect(money(856.47118439, "USDT")).toBe(`${(856.47).toLocaleString(undefined, { minimumFractionDigits: 2 })} USDT`);
    expect(money(0.123456, "USDC")).toMatch(/^0[.,]1235 USDC$/);
    expect(money(0.00012345, "BTC")).toMatch(/^0[.,]00012345 BTC$/);
    expect(money("x", "USD")).toBe("—");
  });

  it("ago says how fresh data is", () => {
    const now = new Date("2026-01-01T12:00:00Z");
    expect(ago("2026-01-01T11:59:50Z", now)).toBe("just now");
    expect(ago("2026-01-01T11:30:00Z", now)).toBe("30 min ago");
    expect(ago("2026-01-01T09:00:00Z", now)).toBe("3 h ago");
    expect(ago("2025-12-25T12:00:00Z", now)).toBe("7 d ago");
    expect(ago(null, now)).toBe("never");
  });

  it("localToIso turns a datetime-local value into an instant, and nothing for empty or invalid input", () => {
    expect(localToIso("2026-01-02T03:04")).toBe(new Date(2026, 0, 2, 3, 4).toISOString());
    expect(localToIso("")).toBeUndefined();
    expect(localToIso("garbage")).toBeUndefined();
  });
});
