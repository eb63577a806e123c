import { describe, expect, it } from "vitest";
import { buildTokenRequest, EMPTY_TOKEN_FORM, needsStepUp, splitList, validCidr } from "./tokens";

describe("validCidr", () => {
  it.each(["203.0.113.7", "203.0.113.0/24", "0.0.0.0/0", "10.0.0.0/8", "2001:db8::/32", "::1", "::", "fe80::1:2:3:4", "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8/128"])("accepts %s", (text) => {
    expect(validCidr(text)).toBe(true);
  });
  it.each(["", "203.0.113", "256.1.1.1", "203.0.113.0/33", "203.0.113.0/", "1.2.3.4/24/1", "01.2.3.4", "2001:db8::/129", "1:2:3:4:5:6:7:8:9", "1::2::3", "gggg::1", "example.com", "1.2.3.4 /24"])("refuses %s", (text) => {
    expect(validCidr(text)).toBe(false);
  });
});

describe("buildTokenRequest", () => {
  it("sends only what was set", () => {
    const { body, errors } = buildTokenRequest(EMPTY_TOKEN_FORM);
    expect(errors).toEqual({});
    expect(body).toEqual({ kind: "api", parent: "root", scopes: ["portfolio:read"], ttl_seconds: 30 * 86400 });
  });

  it("puts the token under the account's root by default, so it outlives the session, and asks for step-up", () => {
    const { body } = buildTokenRequest(EMPTY_TOKEN_FORM);
    expect(JSON.parse(JSON.stringify(body))).toEqual({ kind: "api", parent: "root", scopes: ["portfolio:read"], ttl_seconds: 30 * 86400 });
    expect(needsStepUp(body!)).toBe(true);

    // Inside the session: no parent sent (the server's default, "self"), and no step-up for a read-only token.
    const { body: inside } = buildTokenRequest({ ...EMPTY_TOKEN_FORM, underRoot: false, expiry: "parent" });
    expect(inside).toEqual({ kind: "api", scopes: ["portfolio:read"] });
    expect(needsStepUp(inside!)).toBe(false);
  });

  it("builds trading limits and the allowlist", () => {
    const { body } = buildTokenRequest({
      ...EMPTY_TOKEN_FORM,
      displayName: " bot ",
      scopes: ["orders:write", "orders:read"],
      ipRanges: "203.0.113.0/24, 2001:db8::/32\n198.51.100.7",
      exchanges: ["kraken"],
      symbols: "btc/usd eth/usd",
      maxOrderNotional: "500",
      priceBandPercent: "2.5",
      dailyVolumeCap: "5000",
      expiry: "parent",
      maxUses: "1000",
    });
    expect(body).toEqual({
      kind: "api",
      parent: "root",
      display_name: "bot",
      scopes: ["orders:read", "orders:write"],
      ip_allowlist: ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"],
      max_uses: 1000,
      trading: { exchanges: ["kraken"], symbols: ["BTC/USD", "ETH/USD"], max_order_notional: 500, price_band_percent: 2.5, daily_volume_cap: 5000 },
    });
  });

  it("names each bad field", () => {
    const { body, errors } = buildTokenRequest({ ...EMPTY_TOKEN_FORM, scopes: [], ipRanges: "10.0.0.0/8 nope", symbols: "BTCUSDT", maxOrderNotional: "-5", priceBandPercent: "150", maxUses: "1.5" });
    expect(body).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(["ipRanges", "maxOrderNotional", "maxUses", "priceBandPercent", "scopes", "symbols"]);
    expect(errors.ipRanges).toContain("nope");
  });

  it("knows when step-up is needed", () => {
    expect(needsStepUp({ scopes: ["orders:write"] })).toBe(true);
    expect(needsStepUp({ scopes: ["orders:read"] })).toBe(false);
    expect(needsStepUp({ scopes: ["orders:read"], parent: "root" })).toBe(true);
    expect(splitList(" a, b\n\nc ")).toEqual(["a", "b", "c"]);
  });
});
