import type { TradingLimits } from "../trade/limits";

/** `GET /api/v1/tokens` items (TokenView): never a token's value. */
export interface TokenInfo {
  accessor: string;
  kind: string;
  display_name: string | null;
  user_id: string;
  parent: string | null;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  ip_allowlist: string[];
  max_uses: number | null;
  uses: number;
  /** When it last authenticated a request (up to about 90 s behind); null if never. */
  last_used_at: string | null;
  trading: TradingLimits | null;
  revoked: boolean;
  revoked_at: string | null;
}

export interface AccessLogEntry {
  id: number;
  occurred_at: string;
  client_ip: string | null;
  user_agent: string | null;
  method: string;
  route: string;
  status: number;
  latency_ms: number;
}

export const KIND_NAMES: Record<string, string> = {
  trader: "Account root",
  session: "Browser session",
  api: "API token",
  credential: "Exchange key credential",
  oauth: "App (OAuth)",
  grant: "App grant (OAuth)",
  wrap: "One-time wrapping token",
};
