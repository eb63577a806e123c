import { describe, expect, it } from "vitest";
import { checkTicket, fieldsFor, referencePrice, rulesOf, submissionFingerprint, typesOf, type Market, type TicketInput } from "./ticket";

const btc: Market = {
  symbol: "BTC/USDT", base: "BTC", quote: "USDT", active: true,
  amount_step: 0.00001, price_tick: 0.01, min_amount: 0.0001, max_amount: 9000,
  min_price: 0.01, max_price: 1000000, min_cost: 5, max_cost: null, maker: 0.001, taker: 0.001,
  order_types: ["limit", "market", "stop_limit", "stop_loss", "take_profit", "take_profit_limit"],
};
const ticker = { symbol: "BTC/USDT", timestamp: null, bid: 64990, ask: 65010, last: 65000 };
const base: TicketInput = { type: "limit", side: "buy", sizeBy: "amount", amount: "", cost: "", price: "", trigger: "", timeInForce: "GTC", postOnly: false };

describe("ticket fields", () => {
  it("asks only what the type needs", () => {
    expect(fieldsFor("market", "buy", "amount")).toMatchObject({ amount: true, price: false, trigger: false, timeInForce: false, postOnly: false });
    expect(fieldsFor("market", "buy", "cost")).toMatchObject({ amount: false, cost: true });
    expect(fieldsFor("market", "sell", "cost")).toMatchObject({ amount: true, cost: false });
    expect(fieldsFor("limit", "buy", "amount")).toMatchObject({ price: true, trigger: false, timeInForce: true, postOnly: true });
    expect(fieldsFor("stop_loss", "sell", "amount")).toMatchObject({ price: false, trigger: true, timeInForce: false });
    expect(fieldsFor("stop_limit", "sell", "amount")).toMatchObject({ price: true, trigger: true, timeInForce: true, postOnly: false });
    expect(fieldsFor("take_profit", "sell", "amount")).toMatchObject({ price: false, trigger: true });
    expect(fieldsFor("take_profit_limit", "sell", "amount")).toMatchObject({ price: true, trigger: true });
  });

  it("offers the market's types, or all when it does not say", () => {
    expect(typesOf({ ...btc, order_types: ["market", "limit"] })).toEqual(["market", "limit"]);
    expect(typesOf({ ...btc, order_types: null })).toHaveLength(6);
  });
});

describe("checkTicket mirrors the server's rounding", () => {
  it("truncates the amount to the lot step and rounds the price to the tick", () => {
    const c = checkTicket({ ...base, amount: "0.123456", price: "65000.005" }, btc, ticker);
    expect(c.errors).toEqual({});
    expect(c.body).toEqual({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: 0.12345, price: 65000.01, time_in_force: "GTC" });
    expect(c.adjustments).toEqual(["amount 0.123456 truncated to 0.12345 (lot step 0.00001)", "price 65000.005 rounded to 65000.01 (tick 0.01)"]);
    expect(c.notional && c.notional.units).toBeTruthy();
    expect(c.notionalBasis).toBe("price");
  });

  it("refuses below the minimum amount and an amount that truncates to 0", () => {
    expect(checkTicket({ ...base, amount: "0.00005", price: "65000" }, btc, ticker).errors.amount).toMatch(/minimum of 0.0001 BTC/);
    expect(checkTicket({ ...base, amount: "0.000001", price: "65000" }, btc, ticker).errors.amount).toMatch(/0 at the lot step 0.00001; order at least 0.0001/);
    expect(checkTicket({ ...base, amount: "9001", price: "1" }, btc, ticker).errors.amount).toMatch(/maximum of 9000/);
  });

  it("refuses a limit order below the minimum notional, naming the least amount", () => {
    const c = checkTicket({ ...base, amount: "0.0001", price: "40000" }, btc, ticker);
    expect(c.errors.amount).toBe("The order's value 4 USDT is below the market's minimum of 5 USDT; order at least 0.00013 BTC at this price.");
    expect(c.body).toBeNull();
  });

  it("values a market order at the last price and only warns on its minimum notional", () => {
    const c = checkTicket({ ...base, type: "market", amount: "0.00005" }, { ...btc, min_amount: null }, ticker);
    expect(c.errors).toEqual({});
    expect(c.notionalBasis).toBe("market price");
    expect(c.adjustments[0]).toMatch(/below the market's minimum of 5 USDT.*may refuse/);
    expect(c.body).toEqual({ symbol: "BTC/USDT", side: "buy", type: "market", amount: 0.00005 });
  });

  it("sizes a market buy by cost", () => {
    const c = checkTicket({ ...base, type: "market", sizeBy: "cost", cost: "100" }, btc, ticker);
    expect(c.body).toEqual({ symbol: "BTC/USDT", side: "buy", type: "market", cost: 100 });
    expect(c.notionalBasis).toBe("cost");
  });

  it("needs a trigger for stop types and values a stop-market at its trigger", () => {
    const missing = checkTicket({ ...base, type: "stop_loss", side: "sell", amount: "0.01" }, btc, ticker);
    expect(missing.errors.trigger).toBe("Enter trigger price.");
    const c = checkTicket({ ...base, type: "stop_loss", side: "sell", amount: "0.01", trigger: "60000" }, btc, ticker);
    expect(c.body).toEqual({ symbol: "BTC/USDT", side: "sell", type: "stop_loss", amount: 0.01, trigger_price: 60000 });
    expect(c.notionalBasis).toBe("trigger");
    const sl = checkTicket({ ...base, type: "stop_limit", side: "sell", amount: "0.01", trigger: "60000", price: "59990", timeInForce: "IOC" }, btc, ticker);
    expect(sl.body).toMatchObject({ price: 59990, trigger_price: 60000, time_in_force: "IOC" });
  });

  it("does not shout at an untouched ticket, but does at bad input", () => {
    expect(checkTicket(base, btc, ticker, false).errors).toEqual({});
    expect(checkTicket({ ...base, amount: "1,5" }, btc, ticker, false).errors.amount).toMatch(/must be a number/);
    expect(checkTicket({ ...base, amount: "-1" }, btc, ticker, false).errors.amount).toMatch(/more than 0/);
  });

  it("refuses post-only with IOC, an inactive market and an unsupported type", () => {
    expect(checkTicket({ ...base, amount: "0.01", price: "65000", postOnly: true, timeInForce: "IOC" }, btc, ticker).errors.form).toMatch(/Post-only/);
    expect(checkTicket({ ...base, amount: "0.01", price: "65000", postOnly: true }, btc, ticker).body).toMatchObject({ post_only: true });
    expect(checkTicket({ ...base, amount: "0.01", price: "65000" }, { ...btc, active: false }, ticker).errors.form).toMatch(/not open/);
    expect(checkTicket({ ...base, type: "take_profit", amount: "0.01", trigger: "1" }, { ...btc, order_types: ["market", "limit"] }, ticker).errors.form).toMatch(/does not accept take profit/);
  });

  it("rounds a price that would round to 0 into an error", () => {
    expect(checkTicket({ ...base, amount: "1", price: "0.004" }, { ...btc, min_price: null, min_cost: null }, ticker).errors.price).toMatch(/0 at the tick 0.01/);
  });
});

describe("helpers", () => {
  it("reference price: last, else mid", () => {
    expect(referencePrice(ticker)?.units).toBe(65000n);
    const mid = referencePrice({ ...ticker, last: null });
    expect(mid && Number(mid.units) / 10 ** mid.scale).toBe(65000);
    expect(referencePrice({ ...ticker, last: null, bid: null })).toBeNull();
  });

  it("rules in words", () => {
    expect(rulesOf(btc)).toContainEqual({ label: "Amount step", value: "0.00001 BTC" });
    expect(rulesOf(btc)).toContainEqual({ label: "Minimum value", value: "5 USDT" });
    expect(rulesOf(btc)).toContainEqual({ label: "Fees (maker / taker)", value: "0.1% / 0.1%" });
  });

  it("the same submission keeps its fingerprint", () => {
    const a = checkTicket({ ...base, amount: "0.01", price: "65000" }, btc, ticker).body!;
    const b = checkTicket({ ...base, amount: "0.010", price: "65000.00" }, btc, ticker).body!;
    expect(submissionFingerprint("c1", a)).toBe(submissionFingerprint("c1", b));
    expect(submissionFingerprint("c1", a)).not.toBe(submissionFingerprint("c2", a));
  });
});
