import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { constraintWords, limitWords, needsStepUp } from "./limits";

describe("acting limits", () => {
  it("in words", () => {
    expect(limitWords(null, "USD")).toEqual([]);
    expect(limitWords({ exchanges: ["kraken"], symbols: null, max_order_notional: 500, price_band_percent: 2, daily_volume_cap: null }, "USD")).toEqual([
      "Only on kraken",
      "At most 500 USD per order",
      "Prices within 2% of the market price",
    ]);
  });

  it("step-up at or above the threshold, and for an order of unknown value", () => {
    const s = { currency: "USD", step_up_threshold: 10000 };
    expect(needsStepUp(9999, s)).toBe(false);
    expect(needsStepUp(10000, s)).toBe(true);
    expect(needsStepUp(null, s)).toBe(true);
    expect(needsStepUp(1, undefined)).toBeNull();
  });

  it("names a refusal's constraint", () => {
    const e = new ApiError({ type: "urn:coffer:problem:order-constraint-violated", title: "t", status: 403, constraint: "max_order_notional" });
    expect(constraintWords(e)).toBe("Refused by your acting limits: the maximum value of one order (max_order_notional). Nothing was sent to the exchange.");
    const r = new ApiError({ type: "urn:coffer:problem:order-rule-violated", title: "t", status: 422, constraint: "min-cost" });
    expect(constraintWords(r)).toMatch(/market's rules: the minimum order value/);
    expect(constraintWords(new Error("x"))).toBeNull();
  });
});
