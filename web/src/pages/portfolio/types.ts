// Shapes of the portfolio and trading endpoints, in the API's snake_case (src/Coffer.Server/Features/Portfolio,
// Trading: *Contracts.cs, PnlEndpoints.cs).

export interface PriceHop {
  exchange: string;
  symbol: string;
  price: number;
  inverted: boolean;
  time: string | null;
}

export interface Holding {
  connection_id: string;
  exchange: string;
  label: string;
  asset: string;
  free: number | null;
  used: number | null;
  total: number;
  price: number | null;
  value: number | null;
  price_source: PriceHop[];
  price_as_of: string | null;
  updated_at: string;
}

export interface Unpriced {
  asset: string;
  exchange: string;
  amount: number;
  reason: string;
}

export interface CoveragePart {
  part: string;
  symbol?: string | null;
  ok: boolean;
  items: number;
  reason?: string | null;
}

export interface Coverage {
  connection_id: string;
  exchange: string;
  label: string;
  status: string;
  synced_at: string | null;
  last_complete_at: string | null;
  missing: CoveragePart[];
  notes: string[];
}

export interface Balances {
  currency: string;
  items: Holding[];
  unpriced: Unpriced[];
  coverage: Coverage[];
}

export interface Fee {
  currency: string;
  cost: number;
}

export interface Order {
  id: string;
  connection_id: string;
  exchange: string;
  symbol: string;
  side: "buy" | "sell";
  type: string;
  state: string;
  origin: "coffer" | "exchange" | string;
  client_order_id: string | null;
  idempotency_key: string | null;
  exchange_order_id: string | null;
  amount: number | null;
  price: number | null;
  trigger_price: number | null;
  quote_amount: number | null;
  time_in_force: string | null;
  post_only: boolean;
  filled: number | null;
  average: number | null;
  filled_cost: number | null;
  fee: Fee | null;
  notional: number | null;
  notional_currency: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  adjustments?: string[] | null;
}

export interface Trade {
  id: string;
  connection_id: string;
  exchange: string;
  trade_id: string;
  order_id: string | null;
  symbol: string;
  base: string;
  quote: string;
  side: "buy" | "sell" | null;
  price: number;
  amount: number;
  cost: number;
  fee: Fee | null;
  taker_or_maker: string | null;
  time: string;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface Position {
  asset: string;
  quote: string;
  amount: number;
  cost_basis: number;
  average_cost: number | null;
  realized_pnl: number;
  fees_paid: number;
  current_price: number | null;
  market_value: number | null;
  unrealized_pnl: number | null;
  unmatched_sell_amount: number;
  history_incomplete: boolean;
  open_lots: number;
}

export interface AssetKey {
  asset: string;
  quote: string;
}

export interface Pnl {
  currency: string;
  total: {
    currency: string;
    realized_pnl: number;
    unrealized_pnl: number;
    fees_paid: number;
    cost_basis: number;
    market_value: number;
    unconverted: AssetKey[];
    unpriced: AssetKey[];
  };
  positions: Position[];
  skipped: { exchange: string; trade_id: string; symbol: string; reason: string }[];
  unconverted_fees: { exchange: string; trade_id: string; symbol: string; currency: string; cost: number }[];
  history_incomplete: boolean;
  method: string;
}
