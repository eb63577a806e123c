// Shapes of the portfolio endpoints (/api/v1/portfolio…, /api/v1/pnl), in the API's snake_case (README "Portfolio and
// trading"; server Features/Portfolio: PortfolioContracts.cs, SyncCoverage.cs, PnlEndpoints.cs).

export interface Allocation {
  key: string;
  value: number;
  percent: number;
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
  /** complete | partial | failed (or never synced). */
  status: string;
  synced_at: string | null;
  last_complete_at: string | null;
  missing: CoveragePart[];
  notes: string[];
}

export interface PortfolioSummary {
  currency: string;
  total_value: number;
  change24h: number | null;
  change24h_percent: number | null;
  by_asset: Allocation[];
  by_exchange: Allocation[];
  unpriced: Unpriced[];
  coverage: Coverage[];
  prices_unavailable: Record<string, string>;
  complete: boolean;
}

export interface HistoryPoint {
  time: string;
  value: number;
  currency: string;
  breakdown?: Record<string, number> | null;
  unpriced: string[];
}

export interface History {
  range: string;
  currency: string;
  points: HistoryPoint[];
}

export interface SyncResult {
  connection_id: string;
  exchange: string;
  label: string;
  status: string;
  finished_at: string;
  parts: CoveragePart[];
}

export type RefreshLine = { connection: SyncResult } | { result: { connections: SyncResult[]; complete: boolean } };

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

export interface Balances {
  currency: string;
  items: Holding[];
  unpriced: Unpriced[];
  coverage: Coverage[];
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
