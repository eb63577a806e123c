import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { EXCHANGES, permissionWords, refusalWords, statusWords } from "./exchanges";

const perms = { read: true, trade: true, withdraw: false, transfer: false, reported: [] };

describe("exchanges", () => {
  it("offers the three connectors and shows the rest as coming later", () => {
    expect(EXCHANGES.filter((e) => e.available).map((e) => e.id)).toEqual(["binance", "kraken", "coinbase"]);
    expect(EXCHANGES.filter((e) => !e.available).map((e) => e.name)).toEqual(["OKX", "Bybit", "KuCoin"]);
  });

  it("says the status in words, with the fix", () => {
    expect(statusWords({ status: "active", lock_reason: null, permissions: perms }).label).toBe("Active");
    expect(statusWords({ status: "active", lock_reason: null, permissions: { ...perms, trade: false } }).detail).toMatch(/re-verify/);
    const locked = statusWords({ status: "locked", lock_reason: "The key gained withdraw rights.", permissions: perms });
    expect(locked).toMatchObject({ tone: "bad", replaceKey: true });
    expect(locked.detail).toMatch(/^The key gained withdraw rights\. .*Replace it/);
    expect(statusWords({ status: "needs_key", lock_reason: "x", permissions: perms })).toMatchObject({ label: "Key must be re-entered", replaceKey: true });
    expect(permissionWords({ ...perms, withdraw: true })).toEqual(["Read", "Trade", "Withdraw (refused)"]);
  });

  it("explains a refused withdraw-capable key", () => {
    const error = new ApiError({ type: "urn:coffer:problem:exchange-key-can-withdraw", title: "t", status: 422, detail: "d" });
    const words = refusalWords(error, "binance")!;
    expect(words.what).toBe("This key can withdraw funds. Coffer refuses keys that can move money out: create a new key with withdrawals switched off. Nothing was stored.");
    const auth = refusalWords(new ApiError({ type: "urn:coffer:problem:exchange-authentication-failed", title: "t", status: 422, detail: "Invalid signature." }), "coinbase")!;
    expect(auth.fix.join(" ")).toMatch(/ES256/);
    expect(refusalWords(new Error("x"), "kraken")).toBeNull();
  });
});
