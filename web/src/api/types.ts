// Shapes of Coffer's /api/v1 responses the app reads, in the API's own snake_case: the ones every part of the app
// shares here, the portfolio's and trading's in ./portfolio and ./trading. Add fields as pages need them; the README's API
// tables are the reference.

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

/** A list the API pages by cursor: `next` is where the following page starts (null on the last one). */
export interface Page<T, Cursor = string> {
  items: T[];
  next: Cursor | null;
}
