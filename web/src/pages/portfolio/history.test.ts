import { describe, expect, it } from "vitest";
import { EMPTY_FILTERS, filtersError, filtersFromSearch, filtersToSearch, historyQuery, pnlCsvUrl, stateName, tradesCsvUrl } from "./history";

const now = new Date("2026-03-10T12:00:00Z");

describe("history filters", () => {
  it("leave empty filters out", () => {
    expect(historyQuery(EMPTY_FILTERS, now)).toEqual({});
  });

  it("map to the API's names, symbol upper-cased, connection wins over exchange", () => {
    const q = historyQuery({ ...EMPTY_FILTERS, connection: "c-1", exchange: "kraken", symbol: " btc/usdt ", side: "sell", state: "open" }, now, { orders: true });
    expect(q).toEqual({ connection_id: "c-1", symbol: "BTC/USDT", side: "sell", state: "open" });
    expect(historyQuery({ ...EMPTY_FILTERS, exchange: "kraken", state: "open" }, now)).toEqual({ exchange: "kraken" });
  });

  it("turn a range into since", () => {
    expect(historyQuery({ ...EMPTY_FILTERS, range: "24h" }, now)).toEqual({ since: "2026-03-09T12:00:00.000Z" });
    expect(historyQuery({ ...EMPTY_FILTERS, range: "7d" }, now)).toEqual({ since: "2026-03-03T12:00:00.000Z" });
  });

  it("pass a custom range as ISO instants and catch a reversed one", () => {
    const f = { ...EMPTY_FILTERS, range: "custom" as const, since: "2026-03-01T00:00", until: "2026-03-02T00:00" };
    const q = historyQuery(f, now);
    expect(q.since).toBe(new Date("2026-03-01T00:00").toISOString());
    expect(q.until).toBe(new Date("2026-03-02T00:00").toISOString());
    expect(filtersError(f)).toBeNull();
    expect(filtersError({ ...f, since: "2026-03-03T00:00" })).toMatch(/before the end/);
  });

  it("build the CSV links with the same filters and no paging", () => {
    expect(tradesCsvUrl({ ...EMPTY_FILTERS, symbol: "eth/usd", side: "buy" }, now)).toBe("/api/v1/trades/export?symbol=ETH%2FUSD&side=buy");
    expect(tradesCsvUrl(EMPTY_FILTERS, now)).toBe("/api/v1/trades/export");
    expect(pnlCsvUrl("realized")).toBe("/api/v1/portfolio/pnl/export?kind=realized");
  });

  it("round-trip through the address bar", () => {
    const f = { ...EMPTY_FILTERS, exchange: "binance", side: "buy" as const, range: "30d" as const, since: "ignored" };
    const back = filtersFromSearch(filtersToSearch(f));
    expect(back).toEqual({ ...f, since: "" });
    expect(filtersFromSearch(new URLSearchParams("side=up&range=nope"))).toEqual(EMPTY_FILTERS);
  });

  it("name states in words", () => {
    expect(stateName("closed")).toBe("Filled");
    expect(stateName("sent")).toBe("Sent, not yet confirmed");
  });
});
