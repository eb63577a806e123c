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
  "current-password-required": "Enter your current password as well.",
  "totp-already-enabled": "Two-factor authentication is already on. Disable it first to set up a new authenticator app.",
  "totp-not-pending": "Start the set-up again: the code was for an enrolment that is no longer waiting.",
  "passkey-invalid": "Try adding the passkey again; use the same device and browser from start to end.",
  "passkey-challenge-invalid": "The passkey request expired. Start again.",
  "passkey-rejected": "Try again with a passkey registered for this Coffer, or sign in with your password.",
  "passkey-already-registered": "This device already holds a passkey for your account; there is nothing to add.",
  "passkey-limit": "Delete a passkey you no longer use, then add the new one.",
  "unauthorized": "Sign in again.",
  "forbidden": "Your account does not have the rights for this. Ask an admin.",
  "invalid-channel": "Check the address or URL and the kinds of notification.",
  "webhook-url-refused": "Use a public https:// URL that Coffer is allowed to call.",
  "email-not-configured": "Use a webhook instead, or ask the operator to configure e-mail (SMTP).",
  "channel-limit": "Delete a channel you no longer use first.",
  "not-initialized": "The server has not been initialized yet: an operator must run coffer operator init.",
  "connection-conflict": "A connection with this key or label already exists.",
};

// Where the server's detail speaks to API clients (naming endpoints and fields), the app says it in its own words.
const whats: Record<string, string> = {
  "second-factor-required": "Your password is right. Now enter the code from your authenticator app.",
  "account-frozen": "This account is frozen: every session and token was revoked.",
  "account-disabled": "This account is locked after too many failed attempts until an admin unlocks it.",
  "second-factor-not-enrolled": "This needs a second factor (an authenticator app or a passkey), and your account has none.",
  "step-up-required": "This action needs you to confirm it is you.",
  "not-a-session": "This only works in a browser session.",
  "passkey-rejected": "The passkey was not accepted.",
  "passkey-challenge-invalid": "The passkey request expired or was already used.",
  "antiforgery-failed": "The page's security check expired.",
};

export function explain(error: unknown): Explained {
  if (error instanceof ApiError) {
    const what = whats[error.slug] ?? error.problem.detail ?? error.problem.title;
    const retry = error.retryAfterSeconds ? ` (try again in ${error.retryAfterSeconds} s)` : "";
    const fix = fixes[error.slug] ?? (error.status >= 500 ? "Something went wrong on the server. Try again; if it keeps happening, tell your operator (the trace id is in the server log)." : "Check what you entered and try again.");
    return { what: `${what}${retry}`, fix };
  }
  if (error instanceof Error && error.name === "PasskeyCancelled") {
    return { what: "The passkey request was cancelled or timed out.", fix: "Try again, and choose a passkey when your browser or device asks." };
  }
  if (error instanceof DOMException && error.name === "SecurityError") {
    return { what: "The browser refused the passkey request for this address.", fix: "Open Coffer at the address its operator configured for passkeys (https, the right host name)." };
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
