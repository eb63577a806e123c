import { describe, expect, it } from "vitest";
import type { Holding } from "../../api/portfolio";
import { balanceTotals, filterHoldings, priceSourceWords } from "./balances";

const h = (asset: string, exchange: string, value: number | null): Holding => ({
  connection_id: "c", exchange, label: "main", asset, free: 1, used: 0, total: 1, price: value, value, price_source: [], price_as_of: null, updated_at: "",
});

describe("balances", () => {
  const items = [h("BTC", "binance", 5000), h("DUST", "binance", 0.2), h("XYZ", "kraken", null), h("ETH", "kraken", 900)];

  it("filters by exchange and hides dust but never the unpriced", () => {
    expect(filterHoldings(items, { exchange: "", hideDust: true }).map((x) => x.asset)).toEqual(["BTC", "ETH", "XYZ"]);
    expect(filterHoldings(items, { exchange: "kraken", hideDust: false }).map((x) => x.asset)).toEqual(["ETH", "XYZ"]);
  });

  it("totals what is priced and counts the rest", () => {
    expect(balanceTotals(items)).toEqual({ value: 5900.2, unpriced: 1 });
  });

  it("says where a price came from", () => {
    const hop = { exchange: "binance", symbol: "BTC/USDT", price: 65000, inverted: false, time: null };
    expect(priceSourceWords({ asset: "BTC", price: 65000, price_source: [hop, { ...hop, symbol: "USDT/USD", exchange: "kraken", price: 1 }] }, "USD")).toBe(
      `BTC/USDT ${new Intl.NumberFormat(undefined, { maximumFractionDigits: 8 }).format(65000)} on Binance, then USDT/USD 1 on Kraken`,
    );
    expect(priceSourceWords({ asset: "USD", price: 1, price_source: [] }, "USD")).toBe("is USD");
    expect(priceSourceWords({ asset: "X", price: null, price_source: [] }, "USD")).toBe("no price path");
  });
});
