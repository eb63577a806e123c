// OAuth apps as the pages show and register them, as a pure module: the scopes an app may ask for, redirect URIs
// checked the way the server checks them (src/Coffer.Server/Features/OAuth/RedirectUris.cs), the registration form
// turned into `POST /api/v1/apps`, and where a consent will send the browser.

import { buildTradingLimits, SCOPES, type LimitsForm, type TradingLimitsBody } from "../tokens/tokens";
import type { AppType } from "./types";

/**
 * Scopes no app may hold, whatever its owner has: administering the server, and the ones that let an app widen its
 * own access (tokens:write mints tokens, account:write changes the step-up threshold) — the contract refuses them.
 */
export function forbiddenAppScope(scope: string): boolean {
  return scope === "admin" || scope.startsWith("sys:") || scope === "tokens:write" || scope === "account:write";
}

/** What an app registered by this user may ask for: a subset of the user's own scopes, never a forbidden one. */
export function appScopeChoices(available: readonly string[]): typeof SCOPES {
  return SCOPES.filter((s) => available.includes(s.scope) && !forbiddenAppScope(s.scope));
}

export const MAX_REDIRECT_URIS = 10;
const MAX_REDIRECT_URI_LENGTH = 2000;

/** An IPv4 literal in 127.0.0.0/8, or [::1]: the loopback addresses a native app listens on (RFC 8252 §7.3). */
function loopbackLiteral(hostname: string): boolean {
  if (hostname === "[::1]") return true;
  const parts = hostname.split(".");
  return parts.length === 4 && parts[0] === "127" && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/**
 * Null when `uri` may be registered, otherwise why not, in the server's terms: an absolute URI without spaces, no
 * fragment (RFC 6749 §3.1.2), no user information, https — or http only to a loopback IP literal, for an app on the
 * user's own machine (RFC 8252 §7.3; "localhost" is a name that can be pointed elsewhere, §8.3).
 */
export function redirectUriProblem(uri: string): string | null {
  if (!uri || uri.length > MAX_REDIRECT_URI_LENGTH || /[\s\u0000-\u001f\u007f]/.test(uri)) {
    return "A redirect URI is an absolute URI of at most 2000 characters, without spaces.";
  }
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return `${uri} is not an absolute URI: write it in full, like https://tool.example/callback.`;
  }
  if (uri.includes("#")) {
    return `${uri} has a fragment (#…), which OAuth forbids.`;
  }
  if (parsed.username || parsed.password || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(uri)) {
    return `${uri} carries a user name or password.`;
  }
  if (parsed.protocol === "https:") {
    return null;
  }
  if (parsed.protocol === "http:") {
    return loopbackLiteral(parsed.hostname) ? null : `${uri} uses http: only loopback addresses (http://127.0.0.1/… or http://[::1]/…) may, for apps on your own machine.`;
  }
  return `${uri} must use https (or http to a loopback address).`;
}

/** One URI a line (blank lines dropped, each trimmed, repeats once); sent exactly as typed, since the server compares them exactly. */
export function splitRedirectUris(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))];
}

export interface AppForm extends LimitsForm {
  name: string;
  type: AppType;
  redirectUris: string;
  scopes: string[];
  dpopBound: boolean;
}

export const EMPTY_APP_FORM: AppForm = {
  name: "",
  type: "confidential",
  redirectUris: "",
  scopes: ["portfolio:read"],
  dpopBound: false,
  exchanges: [],
  symbols: "",
  maxOrderNotional: "",
  priceBandPercent: "",
  dailyVolumeCap: "",
};

export interface CreateAppBody {
  name: string;
  type: AppType;
  redirect_uris: string[];
  scopes: string[];
  trading: TradingLimitsBody | null;
  dpop_bound: boolean;
}

export type AppFormErrors = Partial<Record<keyof AppForm, string>>;

/** Validates the registration form and builds the request; errors per field (an empty object when it can be sent). */
export function buildAppRequest(form: AppForm, available: readonly string[]): { body: CreateAppBody | null; errors: AppFormErrors } {
  const errors: AppFormErrors = {};
  const name = form.name.trim();
  if (!name) {
    errors.name = "Give the app a name: people see it when they are asked to approve it.";
  } else if (name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) {
    errors.name = "Use at most 100 printable characters.";
  }
  const uris = splitRedirectUris(form.redirectUris);
  if (uris.length === 0) {
    errors.redirectUris = "Add at least one redirect URI: where Coffer sends people back after they approve or deny.";
  } else if (uris.length > MAX_REDIRECT_URIS) {
    errors.redirectUris = `At most ${MAX_REDIRECT_URIS} redirect URIs.`;
  } else {
    const problems = uris.map(redirectUriProblem).filter((p): p is string => p !== null);
    if (problems.length > 0) {
      errors.redirectUris = problems.join(" ");
    }
  }
  const allowed = new Set(appScopeChoices(available).map((s) => s.scope));
  const scopes = form.scopes.filter((s) => allowed.has(s));
  if (scopes.length === 0) {
    errors.scopes = "Choose at least one thing the app may ask for.";
  }
  // Trading limits only mean something for an app that may trade; left behind when orders:write is unticked, they are not sent.
  const trading = scopes.includes("orders:write") ? buildTradingLimits(form, errors) : undefined;
  if (Object.keys(errors).length > 0) {
    return { body: null, errors };
  }
  return {
    body: { name, type: form.type, redirect_uris: uris, scopes: [...scopes].sort(), trading: trading ?? null, dpop_bound: form.dpopBound },
    errors,
  };
}

/** Where a redirect URI sends the browser, for a person to recognise: its origin, and whether it is this machine. */
export function describeTarget(redirectUri: string): { origin: string; local: boolean } | null {
  try {
    const url = new URL(redirectUri);
    return { origin: url.origin, local: url.protocol === "http:" && loopbackLiteral(url.hostname) };
  } catch {
    return null;
  }
}

/**
 * Whether `redirectTo` (the server's answer to approve or deny) goes where the consent page said it would: the same
 * origin and path as the request's redirect URI, over http(s). The page navigates only then — it never sends the
 * browser, with a code in the URL, somewhere the person was not shown.
 */
export function sameTarget(redirectTo: string, redirectUri: string): boolean {
  try {
    const to = new URL(redirectTo);
    const shown = new URL(redirectUri);
    return (to.protocol === "https:" || to.protocol === "http:") && to.origin === shown.origin && to.pathname === shown.pathname;
  } catch {
    return false;
  }
}
