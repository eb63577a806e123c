import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import type { ConnectionSetup } from "../../api/connections";
import { connectGuide, EXCHANGES, permissionWords, refusalWords, statusWords, type Connection, type ConnectionList } from "./exchanges";

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

  describe("connectGuide", () => {
    const setup = (over: Partial<ConnectionSetup> = {}): ConnectionSetup => ({
      egress_ip: "203.0.113.7",
      custom_base_url: true,
      exchanges: [
        { id: "binance", name: "Binance" },
        { id: "kraken", name: "Kraken" },
        { id: "coinbase", name: "Coinbase Advanced Trade" },
      ],
      ...over,
    });
    const connections = (ip: string | null): ConnectionList => ({ items: [{ id: "c1", allowlist_ip: ip } as Connection] });

    it("gives the server's egress address, or says it is not set, whatever the connections show", () => {
      expect(connectGuide(setup(), undefined).egress).toEqual({ kind: "known", ip: "203.0.113.7" });
      expect(connectGuide(setup({ egress_ip: null }), undefined).egress).toEqual({ kind: "unset" });
      expect(connectGuide(setup({ egress_ip: null }), connections("198.51.100.1")).egress).toEqual({ kind: "unset" });
    });

    it("falls back to a connection's allow-list address until the setup is read", () => {
      expect(connectGuide(undefined, connections("198.51.100.1")).egress).toEqual({ kind: "known", ip: "198.51.100.1" });
      expect(connectGuide(undefined, connections(null)).egress).toEqual({ kind: "unknown" });
      expect(connectGuide(undefined, undefined).egress).toEqual({ kind: "unknown" });
    });

    it("offers the base URL unless the server refuses custom URLs", () => {
      expect(connectGuide(setup(), undefined).baseUrl).toBe(true);
      expect(connectGuide(setup({ custom_base_url: false }), undefined).baseUrl).toBe(false);
      expect(connectGuide(undefined, undefined).baseUrl).toBe(true);
    });

    it("offers the exchanges the server connects that have a guide here", () => {
      const ids = EXCHANGES.map((e) => e.id);
      expect(ids.filter(connectGuide(setup(), undefined).available)).toEqual(["binance", "kraken", "coinbase"]);
      expect(ids.filter(connectGuide(setup({ exchanges: [{ id: "kraken", name: "Kraken" }, { id: "okx", name: "OKX" }] }), undefined).available)).toEqual(["kraken"]);
      expect(ids.filter(connectGuide(undefined, undefined).available)).toEqual(["binance", "kraken", "coinbase"]);
    });
  });
});
