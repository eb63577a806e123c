import type { Holding } from "../../api/portfolio";
import { amount } from "../../app/format";
import { exchangeName } from "../exchanges/exchanges";

/** Balances worth less than this (in the user's currency) are dust; unpriced ones are never hidden. */
export const DUST = 1;

export function filterHoldings(items: Holding[], { exchange, hideDust }: { exchange: string; hideDust: boolean }): Holding[] {
  return items
    .filter((h) => !exchange || h.exchange === exchange)
    .filter((h) => !hideDust || h.value === null || Math.abs(h.value) >= DUST)
    .sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.asset.localeCompare(b.asset));
}

export function balanceTotals(items: Holding[]): { value: number; unpriced: number } {
  let value = 0;
  let unpriced = 0;
  for (const h of items) {
    if (h.value === null) unpriced += 1;
    else value += h.value;
  }
  return { value, unpriced };
}

/** "BTC/USDT on Binance, then USDT/USD on Kraken": the tickers a price went through. */
export function priceSourceWords(h: Pick<Holding, "asset" | "price" | "price_source">, currency: string): string {
  if (h.price === null) {
    return "no price path";
  }
  if (h.price_source.length === 0) {
    return h.asset === currency ? `is ${currency}` : "—";
  }
  return h.price_source
    .map((hop) => `${hop.symbol}${hop.inverted ? " (inverted)" : ""} ${amount(hop.price)} on ${exchangeName(hop.exchange)}`)
    .join(", then ");
}
