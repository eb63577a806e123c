import { ApiError } from "./client";

export interface Explained {
  /** What happened, in plain words. */
  what: string;
  /** What the user can do about it. */
  fix: string;
}

// What to do, per problem type. The server's detail already says what happened precisely; this adds the next step the
// user can take for the common cases, and a generic one otherwise.
const fixes: Record<string, string> = {
  "invalid-credentials": "Check the username and password (and the code from your authenticator app), then try again.",
  "invalid-second-factor": "The code was wrong or already used. Wait for the next code from your authenticator app and try again.",
  "second-factor-required": "Enter the code from your authenticator app, or a recovery code.",
  "second-factor-not-enrolled": "Set up two-factor authentication in the Security centre first.",
  "account-locked": "Wait until the lockout ends, or ask an admin to unlock the account.",
  "account-disabled": "Ask an admin to enable your account.",
  "account-frozen": "Your account is frozen. Unfreeze it with your password and second factor.",
  "rate-limited": "Wait a moment, then try again.",
  "step-up-required": "Confirm with a fresh code from your authenticator app (or your passkey).",
  "step-up-failed": "The code was wrong or already used. Wait for the next code and try again.",
  "antiforgery-failed": "Reload the page and try again.",
  "not-a-session": "Sign in again in the browser.",
  "sealed": "The server is sealed: an operator must unseal it (coffer operator unseal) before anything works.",
  "password-rejected": "Choose a longer password (at least 15 characters) that is not a common one; a passphrase of several words works well.",
  "username-taken": "Choose another username.",
  "invitation-invalid": "The invitation is wrong, used or expired. Ask an admin for a new one.",
  "sign-up-closed": "Sign-up needs an invitation from an admin.",
  "exchange-key-can-withdraw": "Create a new API key on the exchange with withdrawals and transfers switched off, then connect that one.",
  "exchange-authentication-failed": "Check that you copied the whole API key and secret, and that the key is enabled on the exchange.",
  "exchange-permission-denied": "Give the key the read (and trade) permissions on the exchange, or allow-list Coffer's IP address there.",
  "exchange-key-other-account": "Use a key of the same exchange account as the one this connection was made with.",
  "connection-locked": "Replace the key with one that cannot withdraw or transfer funds.",
  "connection-cannot-trade": "Give the key trade permission on the exchange, then re-verify the connection.",
  "exchange-rate-limited": "The exchange asked Coffer to slow down. Try again in a little while.",
  "exchange-unavailable": "The exchange did not answer. Try again later.",
  "market-price-unavailable": "No current price is known for this market yet. Refresh the portfolio, then try again.",
  "order-rule-violated": "Adjust the amount or price to the market's rules shown on the ticket.",
  "order-constraint-violated": "The order is outside the acting limits. Change it, or use a token that allows it.",
  "order-rejected": "The exchange refused the order. Check your balance and the order's details.",
  "order-not-cancelable": "The order is no longer open; reload to see its final state.",
  "unknown-symbol": "Pick a market the exchange lists.",
  "idempotency-key-reused": "This was already submitted with different details. Start a new order.",
  "token-wider-than-parent": "Ask only for scopes and limits your own access has.",
  "ip-not-allowed": "This address is not on the allow-list. Use an allowed network or change the allow-list.",
  "invalid-request": "Check what you entered and try again.",
  "invalid-argument": "Check what you entered and try again.",
  "not-found": "It may have been removed. Reload the page.",
  "audit-unavailable": "The audit log cannot be written right now, so nothing was done. Tell your operator.",
};

export function explain(error: unknown): Explained {
  if (error instanceof ApiError) {
    const what = error.problem.detail ?? error.problem.title;
    const retry = error.retryAfterSeconds ? ` (try again in ${error.retryAfterSeconds} s)` : "";
    const fix = fixes[error.slug] ?? (error.status >= 500 ? "Something went wrong on the server. Try again; if it keeps happening, tell your operator (the trace id is in the server log)." : "Check what you entered and try again.");
    return { what: `${what}${retry}`, fix };
  }
  if (error instanceof TypeError) {
    return { what: "Coffer could not be reached.", fix: "Check that the server is running and your connection works, then try again." };
  }
  return { what: error instanceof Error ? error.message : String(error), fix: "Try again. If it keeps happening, reload the page." };
}

/** Field-level messages of a validation problem (`errors: {field: [messages]}`), if any. */
export function fieldErrors(error: unknown): Record<string, string[]> {
  if (error instanceof ApiError && typeof error.problem.errors === "object" && error.problem.errors !== null) {
    return error.problem.errors as Record<string, string[]>;
  }
  return {};
}
