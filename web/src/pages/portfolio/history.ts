// Filters of order and trade history (`GET /api/v1/orders`, `/api/v1/trades`, `/api/v1/trades/export`) and how they
// map to the query string the server reads (src/Coffer.Server/Features/Trading/HistoryQuery.cs).

import { buildUrl, type Query } from "../../api/client";
import { localToIso } from "../../app/format";

export type Range = "24h" | "7d" | "30d" | "90d" | "1y" | "all" | "custom";

export const RANGES: { value: Range; label: string }[] = [
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
  { value: "90d", label: "Last 90 days" },
  { value: "1y", label: "Last year" },
  { value: "all", label: "All time" },
  { value: "custom", label: "Custom…" },
];

const RANGE_MS: Record<Exclude<Range, "all" | "custom">, number> = {
  "24h": 24 * 3600_000,
  "7d": 7 * 24 * 3600_000,
  "30d": 30 * 24 * 3600_000,
  "90d": 90 * 24 * 3600_000,
  "1y": 365 * 24 * 3600_000,
};

export interface HistoryFilters {
  /** A connection id, or "" for all. */
  connection: string;
  /** An exchange name (binance, kraken, coinbase), or "" for all. */
  exchange: string;
  symbol: string;
  side: "" | "buy" | "sell";
  /** Orders only: one of the states, or "" for all. */
  state: string;
  range: Range;
  /** `datetime-local` values (the user's local time), used with range "custom". */
  since: string;
  until: string;
}

export const EMPTY_FILTERS: HistoryFilters = { connection: "", exchange: "", symbol: "", side: "", state: "", range: "all", since: "", until: "" };

export const ORDER_STATES: { value: string; label: string; help: string }[] = [
  { value: "recorded", label: "Recorded", help: "Coffer recorded it and is about to send it." },
  { value: "sent", label: "Sent, not yet confirmed", help: "Sent to the exchange; its answer has not come yet. Coffer checks by its client order id and never sends it twice." },
  { value: "open", label: "Open", help: "On the exchange's book, waiting to fill." },
  { value: "closed", label: "Filled", help: "Completely filled." },
  { value: "canceled", label: "Cancelled", help: "Cancelled before it filled completely." },
  { value: "expired", label: "Expired", help: "Its time in force ran out." },
  { value: "rejected", label: "Rejected", help: "The exchange refused it." },
  { value: "failed", label: "Failed", help: "The exchange never received it; it will not be sent." },
];

export function stateName(state: string): string {
  return ORDER_STATES.find((s) => s.value === state)?.label ?? state;
}

export function stateHelp(state: string): string {
  return ORDER_STATES.find((s) => s.value === state)?.help ?? "";
}

/** The filters as the API's query: empty filters are left out; a range becomes `since` (and `until` for custom). */
export function historyQuery(filters: HistoryFilters, now: Date = new Date(), options: { orders?: boolean } = {}): Query {
  const query: Query = {};
  if (filters.connection) {
    query.connection_id = filters.connection;
  } else if (filters.exchange) {
    query.exchange = filters.exchange;
  }
  const symbol = filters.symbol.trim().toUpperCase();
  if (symbol) {
    query.symbol = symbol;
  }
  if (filters.side) {
    query.side = filters.side;
  }
  if (options.orders && filters.state) {
    query.state = filters.state;
  }
  if (filters.range === "custom") {
    const since = localToIso(filters.since);
    const until = localToIso(filters.until);
    if (since) query.since = since;
    if (until) query.until = until;
  } else if (filters.range !== "all") {
    query.since = new Date(now.getTime() - RANGE_MS[filters.range]).toISOString();
  }
  return query;
}

/** An error in the filters the server would refuse (so the request is not made). */
export function filtersError(filters: HistoryFilters): string | null {
  if (filters.range !== "custom") {
    return null;
  }
  const since = localToIso(filters.since);
  const until = localToIso(filters.until);
  if (filters.since && !since) return "The start time is not a valid date and time.";
  if (filters.until && !until) return "The end time is not a valid date and time.";
  if (since && until && since >= until) return "The start must be before the end.";
  return null;
}

/** The CSV export of trades with the same filters (every matching trade, no paging). A plain link: the cookie goes along. */
export function tradesCsvUrl(filters: HistoryFilters, now: Date = new Date()): string {
  return buildUrl("/api/v1/trades/export", historyQuery(filters, now));
}

export function pnlCsvUrl(kind: "positions" | "realized"): string {
  return buildUrl("/api/v1/portfolio/pnl/export", { kind });
}

/** Filters kept in the address bar, so a filtered view can be bookmarked and Back works. */
export function filtersFromSearch(params: URLSearchParams): HistoryFilters {
  const side = params.get("side");
  const range = params.get("range") as Range | null;
  return {
    connection: params.get("connection") ?? "",
    exchange: params.get("exchange") ?? "",
    symbol: params.get("symbol") ?? "",
    side: side === "buy" || side === "sell" ? side : "",
    state: params.get("state") ?? "",
    range: range && RANGES.some((r) => r.value === range) ? range : "all",
    since: params.get("since") ?? "",
    until: params.get("until") ?? "",
  };
}

export function filtersToSearch(filters: HistoryFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value && !(key === "range" && value === "all")) {
      params.set(key, value);
    }
  }
  if (filters.range !== "custom") {
    params.delete("since");
    params.delete("until");
  }
  return params;
}
