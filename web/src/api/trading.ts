// Shapes of the trading endpoints (/api/v1/orders, /api/v1/trades), in the API's snake_case (server
// Features/Trading/TradingContracts.cs). Their lists come as a Page (./types).

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
