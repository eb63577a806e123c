// Shapes of the OAuth endpoints' answers (the lead's contract: /api/v1/apps, /api/v1/oauth/grants,
// /api/v1/oauth/requests), in the API's own snake_case.
import type { TradingLimits } from "../trade/limits";

export type AppType = "public" | "confidential";

/** An OAuth client registered on this Coffer (`GET /api/v1/apps`); never its secret. */
export interface OAuthApp {
  client_id: string;
  name: string;
  type: AppType;
  redirect_uris: string[];
  scopes: string[];
  trading: TradingLimits | null;
  dpop_bound: boolean;
  owner_id: string;
  owner: string;
  created_at: string;
  disabled_at: string | null;
}

/** `POST /api/v1/apps`: the app, and for a confidential one its secret, shown this once. */
export interface CreatedApp extends OAuthApp {
  client_secret?: string;
}

/** An app the user let act for them (`GET /api/v1/oauth/grants`, active grants only). */
export interface Grant {
  accessor: string;
  client_id: string;
  app_name: string;
  app_owner: string;
  grant_type: "authorization_code" | "client_credentials" | string;
  scopes: string[];
  trading: TradingLimits | null;
  dpop_bound: boolean;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
}

/** A pending authorization request the consent page shows (`GET /api/v1/oauth/requests/{id}`). */
export interface AuthorizationRequest {
  id: string;
  app: { client_id: string; name: string; type: AppType; owner: string; dpop_bound: boolean };
  scopes: string[];
  trading: TradingLimits | null;
  redirect_uri: string;
  expires_at: string;
}
