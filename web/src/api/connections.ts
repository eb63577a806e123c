// Shapes of the exchange-connection endpoints the connect wizard reads before any connection exists, in the API's
// snake_case (README "Exchange connections and the sandbox"; server Features/Connections/ConnectionContracts.cs). A
// connection itself (ConnectionView) is declared with the exchange pages, in pages/exchanges/exchanges.ts.

/** An exchange `POST /api/v1/connections` accepts: the `exchange` id and the name people use. */
export interface ExchangeChoice {
  id: string;
  name: string;
}

/** `GET /api/v1/connections/setup` (ConnectionSetup). */
export interface ConnectionSetup {
  /** The address Coffer calls exchanges from (COFFER_EGRESS_IP), to allow-list on the key; null when the operator has not set it. */
  egress_ip: string | null;
  /** Whether `POST /api/v1/connections` accepts a `base_url` (COFFER_EXCHANGE_CUSTOM_URLS; on in dev mode). */
  custom_base_url: boolean;
  exchanges: ExchangeChoice[];
}
