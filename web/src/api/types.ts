// Shapes of Coffer's /api/v1 responses the app reads, in the API's own snake_case. Add fields as pages need them; the
// README's API tables are the reference.

export interface Me {
  user_id: string;
  username: string;
  roles: string[];
  /** Scopes of the calling session. */
  scopes: string[];
  session: { accessor: string; kind: string; expires_at: string };
  frozen: boolean;
  second_factors: { totp: boolean; passkeys: number; recovery_codes_left: number };
  currency: string;
}

export interface Page<T> {
  items: T[];
  next?: string | null;
}
