// The order ticket's rules, as a pure module: which fields an order type needs, and the values the server will send
// once it has applied the market's rules (src/Coffer.Exchanges/Model/OrderRules.cs: amounts truncated to the lot step,
// prices and triggers rounded to the nearest tick, then minimums and maximums of amount, price and notional). The user
// sees here what will be sent, and why it would be refused, before pressing anything.

import { add, ceilToStep, compare, div, format, isPositive, mul, parseDec, roundToStep, toNumber, truncateToStep, type Dec } from "./decimal";

export type OrderType = "market" | "limit" | "stop_loss" | "stop_limit" | "take_profit" | "take_profit_limit";
export type Side = "buy" | "sell";
export type TimeInForce = "GTC" | "IOC" | "FOK";

export const ORDER_TYPES: readonly OrderType[] = ["market", "limit", "stop_loss", "stop_limit", "take_profit", "take_profit_limit"];

export const ORDER_TYPE_NAMES: Record<OrderType, string> = {
  market: "Market",
  limit: "Limit",
  stop_loss: "Stop loss",
  stop_limit: "Stop limit",
  take_profit: "Take profit",
  take_profit_limit: "Take profit limit",
};

export const ORDER_TYPE_HELP: Record<OrderType, string> = {
  market: "Buys or sells now at the best price available.",
  limit: "Rests on the book and fills only at your price or better.",
  stop_loss: "When the price reaches the trigger, sells (or buys) at the market.",
  stop_limit: "When the price reaches the trigger, places a limit order at your price.",
  take_profit: "When the price reaches your target trigger, trades at the market.",
  take_profit_limit: "When the price reaches your target trigger, places a limit order at your price.",
};

export const TIME_IN_FORCE_NAMES: Record<TimeInForce, string> = {
  GTC: "Good till cancelled",
  IOC: "Immediate or cancel",
  FOK: "Fill or kill",
};

/** A market's rules as `GET /api/v1/markets` gives them. */
export interface Market {
  symbol: string;
  base: string;
  quote: string;
  active: boolean;
  amount_step: number;
  price_tick: number;
  min_amount: number | null;
  max_amount: number | null;
  min_price: number | null;
  max_price: number | null;
  min_cost: number | null;
  max_cost: number | null;
  maker: number | null;
  taker: number | null;
  /** Null: the exchange did not say, every type is tried. */
  order_types: string[] | null;
}

export interface Ticker {
  symbol: string;
  timestamp: string | null;
  bid: number | null;
  ask: number | null;
  last: number | null;
}

export interface TicketInput {
  type: OrderType;
  side: Side;
  /** A market buy may be sized by what it spends (cost, in quote) instead of an amount of base. */
  sizeBy: "amount" | "cost";
  amount: string;
  cost: string;
  price: string;
  trigger: string;
  timeInForce: TimeInForce;
  postOnly: boolean;
}

export interface Fields {
  amount: boolean;
  cost: boolean;
  price: boolean;
  trigger: boolean;
  timeInForce: boolean;
  postOnly: boolean;
}

export const isLimitType = (t: OrderType): boolean => t === "limit" || t === "stop_limit" || t === "take_profit_limit";
export const isTriggerType = (t: OrderType): boolean => t === "stop_loss" || t === "stop_limit" || t === "take_profit" || t === "take_profit_limit";

/** Only the fields the type needs. */
export function fieldsFor(type: OrderType, side: Side, sizeBy: TicketInput["sizeBy"]): Fields {
  const byCost = type === "market" && side === "buy" && sizeBy === "cost";
  return {
    amount: !byCost,
    cost: byCost,
    price: isLimitType(type),
    trigger: isTriggerType(type),
    timeInForce: isLimitType(type),
    postOnly: type === "limit",
  };
}

/** The types the market takes (all six when the exchange does not say). */
export function typesOf(market: Market | null | undefined): OrderType[] {
  if (!market?.order_types) {
    return [...ORDER_TYPES];
  }
  return ORDER_TYPES.filter((t) => market.order_types!.includes(t));
}

/** The price a market order is judged at: the last trade, else the middle of bid and ask (server ReferencePrice). */
export function referencePrice(ticker: Ticker | null | undefined): Dec | null {
  const last = parseDec(ticker?.last);
  if (last && isPositive(last)) {
    return last;
  }
  const bid = parseDec(ticker?.bid);
  const ask = parseDec(ticker?.ask);
  if (bid && ask && isPositive(bid) && isPositive(ask)) {
    return div(add(bid, ask), { units: 2n, scale: 0 }, 12);
  }
  return null;
}

export type FieldName = "amount" | "cost" | "price" | "trigger" | "form";

export interface Checked {
  fields: Fields;
  /** Why the server would refuse, per field; empty when the ticket can be sent. */
  errors: Partial<Record<FieldName, string>>;
  /** Each change the rounding makes: "amount 0.123456 truncated to 0.12345 (lot step 0.00001)". */
  adjustments: string[];
  amount: Dec | null;
  cost: Dec | null;
  price: Dec | null;
  trigger: Dec | null;
  /** The order's value in the quote currency, and what it was computed from. */
  notional: Dec | null;
  notionalBasis: "price" | "trigger" | "market price" | "cost" | null;
  /** The body of `POST /api/v1/orders` (without connection), when there are no errors. */
  body: OrderBody | null;
}

export interface OrderBody {
  symbol: string;
  side: Side;
  type: OrderType;
  amount?: number;
  cost?: number;
  price?: number;
  trigger_price?: number;
  time_in_force?: TimeInForce;
  post_only?: boolean;
}

const step = (n: number | null | undefined): Dec | null => {
  const d = parseDec(n);
  return d && isPositive(d) ? d : null;
};

/**
 * Checks the ticket against the market as the server will (OrderRules.Check with rounding "round"). Empty fields are
 * errors only once `touched` says the user has tried to submit (so a fresh ticket is not all red).
 */
export function checkTicket(input: TicketInput, market: Market, ticker: Ticker | null, touched = true): Checked {
  const fields = fieldsFor(input.type, input.side, input.sizeBy);
  const errors: Checked["errors"] = {};
  const adjustments: string[] = [];
  const F = format;
  const result: Checked = { fields, errors, adjustments, amount: null, cost: null, price: null, trigger: null, notional: null, notionalBasis: null, body: null };

  if (!market.active) {
    errors.form = `${market.symbol} is not open for trading now; place the order when it reopens.`;
  }
  if (!typesOf(market).includes(input.type)) {
    errors.form = `${market.symbol} does not accept ${ORDER_TYPE_NAMES[input.type].toLowerCase()} orders; it takes ${typesOf(market).map((t) => ORDER_TYPE_NAMES[t].toLowerCase()).join(", ")}.`;
  }

  const read = (name: "amount" | "cost" | "price" | "trigger", text: string, what: string): Dec | null => {
    if (text.trim() === "") {
      if (touched) {
        errors[name] = `Enter ${what}.`;
      }
      return null;
    }
    const d = parseDec(text.replace(/\s/g, ""));
    if (!d) {
      errors[name] = `${capital(what)} must be a number such as 0.5 (use a dot for decimals).`;
      return null;
    }
    if (!isPositive(d)) {
      errors[name] = `${capital(what)} must be more than 0.`;
      return null;
    }
    return d;
  };

  const amountStep = step(market.amount_step);
  const tick = step(market.price_tick);

  if (fields.amount) {
    const asked = read("amount", input.amount, `an amount of ${market.base}`);
    if (asked) {
      const amount = truncateToStep(asked, amountStep);
      if (compare(amount, asked) !== 0) {
        adjustments.push(`amount ${F(asked)} truncated to ${F(amount)} (lot step ${F(amountStep!)})`);
      }
      const min = step(market.min_amount);
      const max = step(market.max_amount);
      if (!isPositive(amount)) {
        const least = min && amountStep && compare(min, amountStep) > 0 ? min : amountStep;
        errors.amount = `That is 0 at the lot step ${F(amountStep!)}; order at least ${F(least!)} ${market.base}.`;
      } else if (min && compare(amount, min) < 0) {
        errors.amount = `Below the market's minimum of ${F(min)} ${market.base}; order at least ${F(min)} ${market.base}.`;
      } else if (max && compare(amount, max) > 0) {
        errors.amount = `Above the market's maximum of ${F(max)} ${market.base}; order at most ${F(max)}, or split the order.`;
      } else {
        result.amount = amount;
      }
    }
  }

  if (fields.cost) {
    // Sent as given (the exchange-specific quote step is applied by the server where one exists).
    result.cost = read("cost", input.cost, `what to spend in ${market.quote}`);
  }

  const readPrice = (name: "price" | "trigger", text: string, what: string): Dec | null => {
    const asked = read(name, text, what);
    if (!asked) {
      return null;
    }
    const price = roundToStep(asked, tick);
    if (compare(price, asked) !== 0) {
      adjustments.push(`${what} ${F(asked)} rounded to ${F(price)} (tick ${F(tick!)})`);
    }
    const min = step(market.min_price);
    const max = step(market.max_price);
    if (!isPositive(price)) {
      errors[name] = `That is 0 at the tick ${F(tick!)}; give a ${what} of at least ${F(min && tick && compare(min, tick) > 0 ? min : tick!)} ${market.quote}.`;
      return null;
    }
    if (min && compare(price, min) < 0) {
      errors[name] = `Below the market's minimum price of ${F(min)} ${market.quote}.`;
      return null;
    }
    if (max && compare(price, max) > 0) {
      errors[name] = `Above the market's maximum price of ${F(max)} ${market.quote}.`;
      return null;
    }
    return price;
  };

  if (fields.price) {
    result.price = readPrice("price", input.price, "price");
  }
  if (fields.trigger) {
    result.trigger = readPrice("trigger", input.trigger, "trigger price");
  }

  // The notional in quote, as the server computes it (QuoteValue): what it spends, or amount × (price ?? trigger ?? market).
  const reference = referencePrice(ticker);
  if (result.cost) {
    result.notional = result.cost;
    result.notionalBasis = "cost";
  } else if (result.amount) {
    const unit = result.price ?? result.trigger ?? (input.type === "market" ? reference : null);
    if (unit) {
      result.notional = mul(result.amount, unit);
      result.notionalBasis = result.price ? "price" : result.trigger ? "trigger" : "market price";
    }
  }

  // Minimum and maximum notional: a stop-market or market order is judged by the exchange at its fill, so only a
  // minimum the server can see is shown as an error for limit types; for market-like types it is a warning.
  const minCost = step(market.min_cost);
  const maxCost = step(market.max_cost);
  const marketLike = input.type === "market" || input.type === "stop_loss" || input.type === "take_profit";
  if (result.notional && !errors.amount && !errors.price && !errors.trigger) {
    const target = fields.cost ? "cost" : "amount";
    if (minCost && compare(result.notional, minCost) < 0) {
      const unit = result.price ?? result.trigger ?? reference;
      const hint = unit && !fields.cost ? `order at least ${F(ceilToStep(div(minCost, unit), amountStep))} ${market.base} at this price` : `spend at least ${F(minCost)} ${market.quote}`;
      const message = `The order's value ${F(round8(result.notional))} ${market.quote} is below the market's minimum of ${F(minCost)} ${market.quote}; ${hint}.`;
      if (marketLike) {
        adjustments.push(`${message} (The exchange may refuse it.)`);
      } else {
        errors[target] = message;
      }
    } else if (maxCost && compare(result.notional, maxCost) > 0) {
      const message = `The order's value ${F(round8(result.notional))} ${market.quote} is above the market's maximum of ${F(maxCost)} ${market.quote}; order less, or split the order.`;
      if (marketLike) {
        adjustments.push(`${message} (The exchange may refuse it.)`);
      } else {
        errors[target] = message;
      }
    }
  }

  if (fields.postOnly && input.postOnly && input.timeInForce !== "GTC") {
    errors.form = "Post-only orders rest on the book: use time in force “Good till cancelled” with post-only.";
  }

  const complete = (!fields.amount || result.amount) && (!fields.cost || result.cost) && (!fields.price || result.price) && (!fields.trigger || result.trigger);
  if (Object.keys(errors).length === 0 && complete) {
    result.body = {
      symbol: market.symbol,
      side: input.side,
      type: input.type,
      ...(result.amount ? { amount: toNumber(result.amount) } : {}),
      ...(result.cost ? { cost: toNumber(result.cost) } : {}),
      ...(result.price ? { price: toNumber(result.price) } : {}),
      ...(result.trigger ? { trigger_price: toNumber(result.trigger) } : {}),
      ...(fields.timeInForce ? { time_in_force: input.timeInForce } : {}),
      ...(fields.postOnly && input.postOnly ? { post_only: true } : {}),
    };
  }
  return result;
}

function round8(d: Dec): Dec {
  return roundToStep(d, { units: 1n, scale: 8 });
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The rules worth showing next to the inputs, in words. */
export function rulesOf(market: Market): { label: string; value: string }[] {
  const rows: { label: string; value: string }[] = [];
  const s = (n: number | null | undefined) => {
    const d = step(n);
    return d ? format(d) : null;
  };
  const amountStep = s(market.amount_step);
  const tick = s(market.price_tick);
  if (amountStep) rows.push({ label: "Amount step", value: `${amountStep} ${market.base}` });
  if (tick) rows.push({ label: "Tick size", value: `${tick} ${market.quote}` });
  const minA = s(market.min_amount);
  if (minA) rows.push({ label: "Minimum amount", value: `${minA} ${market.base}` });
  const maxA = s(market.max_amount);
  if (maxA) rows.push({ label: "Maximum amount", value: `${maxA} ${market.base}` });
  const minC = s(market.min_cost);
  if (minC) rows.push({ label: "Minimum value", value: `${minC} ${market.quote}` });
  const maxC = s(market.max_cost);
  if (maxC) rows.push({ label: "Maximum value", value: `${maxC} ${market.quote}` });
  if (market.maker !== null || market.taker !== null) {
    const pct = (n: number | null) => (n === null ? "—" : `${format(mul(parseDec(n)!, { units: 100n, scale: 0 }))}%`);
    rows.push({ label: "Fees (maker / taker)", value: `${pct(market.maker)} / ${pct(market.taker)}` });
  }
  return rows;
}

/** The idempotency key of one submission: the same ticket retried keeps its key; any change starts a new one. */
export function submissionFingerprint(connectionId: string, body: OrderBody): string {
  return JSON.stringify([connectionId, body.symbol, body.side, body.type, body.amount ?? null, body.cost ?? null, body.price ?? null, body.trigger_price ?? null, body.time_in_force ?? null, body.post_only ?? false]);
}
