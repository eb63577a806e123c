// What limits act on an order placed from this session, in words: the token's trading limits (GET /api/v1/tokens/self)
// and the step-up threshold (GET /api/v1/portfolio/settings); and a refused order's constraint named.

import { amount } from "../../app/format";
import { ApiError } from "../../api/client";

export interface TradingLimits {
  exchanges: string[] | null;
  symbols: string[] | null;
  max_order_notional: number | null;
  price_band_percent: number | null;
  daily_volume_cap: number | null;
}

export interface SelfToken {
  accessor: string;
  kind: string;
  scopes: string[];
  trading: TradingLimits | null;
}

export interface Settings {
  currency: string;
  step_up_threshold: number;
}

export function limitWords(trading: TradingLimits | null | undefined, currency: string): string[] {
  if (!trading) {
    return [];
  }
  const words: string[] = [];
  if (trading.exchanges?.length) words.push(`Only on ${trading.exchanges.join(", ")}`);
  if (trading.symbols?.length) words.push(`Only ${trading.symbols.join(", ")}`);
  if (trading.max_order_notional) words.push(`At most ${amount(trading.max_order_notional)} ${currency} per order`);
  if (trading.price_band_percent) words.push(`Prices within ${amount(trading.price_band_percent)}% of the market price`);
  if (trading.daily_volume_cap) words.push(`At most ${amount(trading.daily_volume_cap)} ${currency} traded per 24 hours`);
  return words;
}

/** Whether placing will ask for the second factor: at or above the threshold, or of unknown value (the server fails closed). */
export function needsStepUp(notionalInCurrency: number | null, settings: Settings | undefined): boolean | null {
  if (!settings) return null;
  if (notionalInCurrency === null) return true;
  return notionalInCurrency >= settings.step_up_threshold;
}

const CONSTRAINTS: Record<string, string> = {
  exchanges: "the exchanges this token may trade on",
  symbols: "the markets this token may trade",
  max_order_notional: "the maximum value of one order",
  price_band_percent: "the price band around the market price",
  daily_volume_cap: "the daily traded-volume cap",
  "amount-step": "the lot step",
  "min-amount": "the minimum amount",
  "max-amount": "the maximum amount",
  "price-tick": "the tick size",
  "min-price": "the minimum price",
  "max-price": "the maximum price",
  "cost-step": "the quote step",
  "min-cost": "the minimum order value",
  "max-cost": "the maximum order value",
  "order-type": "the order types the market takes",
  "market-inactive": "the market being closed",
  "missing-price": "a missing price",
  "missing-trigger": "a missing trigger",
  "invalid-size": "the order's size",
};

/** "Refused by the maximum value of one order (max_order_notional)." for a refusal naming its constraint. */
export function constraintWords(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const constraint = error.problem.constraint;
  if (typeof constraint !== "string") return null;
  const words = CONSTRAINTS[constraint] ?? constraint;
  const who = error.slug === "order-constraint-violated" ? "your acting limits" : "the market's rules";
  return `Refused by ${who}: ${words} (${constraint}). Nothing was sent to the exchange.`;
}
