// The portfolio API's shapes as the dashboard reads them (README "Portfolio and trading"; server PortfolioContracts.cs).

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
