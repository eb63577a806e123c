// Exchange connections as the pages show them: the exchanges Coffer connects to, a guide per exchange to make the right
// API key, and a connection's status and verification result in plain words.

import { ApiError } from "../../api/client";
import type { ConnectionSetup } from "../../api/connections";

export interface Permissions {
  read: boolean;
  trade: boolean;
  withdraw: boolean;
  transfer: boolean;
  /** The exchange's own permission names. */
  reported: string[];
}

/** `GET /api/v1/connections` items (ConnectionView). */
export interface Connection {
  id: string;
  exchange: string;
  label: string;
  /** Masked: the first and last four characters. */
  api_key: string;
  base_url: string | null;
  status: "active" | "locked" | "needs_key" | string;
  lock_reason: string | null;
  permissions: Permissions;
  ip_restricted: boolean | null;
  allowlist_ip: string | null;
  credential_accessor: string;
  created_at: string;
  verified_at: string;
}

export interface ConnectionList {
  items: Connection[];
}

export interface ExchangeInfo {
  id: string;
  name: string;
  /** False: shown as "coming later"; `POST /api/v1/connections` accepts binance, kraken and coinbase. */
  available: boolean;
  /** Where the API-key page is, step by step. */
  where: string[];
  /** What to tick. */
  tick: string[];
  /** What never to tick. */
  never: string[];
  /** What the key form calls the two values. */
  keyLabel: string;
  secretLabel: string;
  secretHelp: string;
  /** Coinbase's secret is a multi-line PEM private key. */
  multilineSecret: boolean;
  ipHelp: string;
  docs: string;
}

export const EXCHANGES: ExchangeInfo[] = [
  {
    id: "binance",
    name: "Binance",
    available: true,
    where: ["Sign in to binance.com.", "Open Profile → API Management.", "Choose Create API → System generated, and name it “Coffer”.", "Finish the security check; Binance shows the API key and the secret key once."],
    tick: ["Enable Reading", "Enable Spot & Margin Trading"],
    never: ["Enable Withdrawals", "Enable Universal Transfer", "Enable Internal Transfer", "Enable Margin Loan, Repay & Transfer"],
    keyLabel: "API key",
    secretLabel: "Secret",
    secretHelp: "Binance's “Secret Key”, shown only once when the key is created.",
    multilineSecret: false,
    ipHelp: "Under “IP access restrictions” choose “Restrict access to trusted IPs only” and add the address below. Binance turns off trading on unrestricted keys after a while.",
    docs: "https://www.binance.com/en/support/faq/how-to-create-api-keys-on-binance-360002502072",
  },
  {
    id: "kraken",
    name: "Kraken",
    available: true,
    where: ["Sign in to kraken.com (Kraken Pro).", "Open Settings → API (under your profile icon, “Connections & API”).", "Choose Create key (or Generate new key), and name it “Coffer”."],
    tick: ["Query Funds", "Query Open Orders & Trades", "Query Closed Orders & Trades", "Create & Modify Orders", "Cancel/Close Orders"],
    never: ["Withdraw Funds", "Deposit Funds", "Export Data"],
    keyLabel: "API key",
    secretLabel: "Secret",
    secretHelp: "Kraken's “Private key”, shown only once when the key is created.",
    multilineSecret: false,
    ipHelp: "Under “IP whitelist” add the address below. Give Coffer a key of its own: another app using the same key breaks Kraken's nonce.",
    docs: "https://support.kraken.com/hc/en-us/articles/360000919966-How-to-create-an-API-key",
  },
  {
    id: "coinbase",
    name: "Coinbase",
    available: true,
    where: ["Sign in to the Coinbase Developer Platform (portal.cdp.coinbase.com).", "Open API keys → Secret API Keys → Create API key.", "Under Advanced settings choose the signature algorithm ECDSA (ES256) — not Ed25519.", "Download or copy the key name and the private key."],
    tick: ["View", "Trade"],
    never: ["Transfer"],
    keyLabel: "API key",
    secretLabel: "Secret",
    secretHelp: "The private key, the whole PEM block from “-----BEGIN EC PRIVATE KEY-----” to “-----END EC PRIVATE KEY-----”. The API key is the key name, organizations/…/apiKeys/….",
    multilineSecret: true,
    ipHelp: "Under “IP allowlist” add the address below.",
    docs: "https://docs.cdp.coinbase.com/coinbase-app/docs/getting-started",
  },
  { id: "okx", name: "OKX", available: false, where: [], tick: [], never: [], keyLabel: "API key", secretLabel: "Secret", secretHelp: "", multilineSecret: false, ipHelp: "", docs: "" },
  { id: "bybit", name: "Bybit", available: false, where: [], tick: [], never: [], keyLabel: "API key", secretLabel: "Secret", secretHelp: "", multilineSecret: false, ipHelp: "", docs: "" },
  { id: "kucoin", name: "KuCoin", available: false, where: [], tick: [], never: [], keyLabel: "API key", secretLabel: "Secret", secretHelp: "", multilineSecret: false, ipHelp: "", docs: "" },
];

export function exchangeInfo(id: string): ExchangeInfo | undefined {
  return EXCHANGES.find((e) => e.id === id);
}

export function exchangeName(id: string): string {
  return exchangeInfo(id)?.name ?? id;
}

/** What the wizard tells a trader about allow-listing Coffer's address on a new key. */
export type Egress = { kind: "known"; ip: string } | { kind: "unset" } | { kind: "unknown" };

/** Said when the server has no COFFER_EGRESS_IP: an exchange key restricted to a guessed address would not work. */
export const EGRESS_UNSET = "This server has not been told its outgoing address (COFFER_EGRESS_IP): ask your operator, or skip the IP restriction on the key and add it later.";

/** Said when the setup could not be read (and no connection shows the address either). */
export const EGRESS_UNKNOWN = "Coffer's outgoing address could not be read just now: your operator knows it, and each connection shows it once the server is told it.";

export interface ConnectGuide {
  egress: Egress;
  /** Whether to offer the base-URL field: hidden only when the server says it refuses a base_url. */
  baseUrl: boolean;
  /** Whether the wizard may offer this exchange: one with a guide here that the server connects. */
  available: (id: string) => boolean;
}

/**
 * The connect wizard's server-dependent parts, from `GET /api/v1/connections/setup`. Until that answers (or where it
 * fails), the address any existing connection shows stands in, the base-URL field stays (the server still refuses a
 * base_url it does not allow), and the exchanges are the ones with a guide here.
 */
export function connectGuide(setup: ConnectionSetup | undefined, connections: ConnectionList | undefined): ConnectGuide {
  const shown = connections?.items.find((c) => c.allowlist_ip)?.allowlist_ip;
  const egress: Egress = setup ? (setup.egress_ip ? { kind: "known", ip: setup.egress_ip } : { kind: "unset" }) : shown ? { kind: "known", ip: shown } : { kind: "unknown" };
  return {
    egress,
    baseUrl: setup?.custom_base_url ?? true,
    available: (id) => (exchangeInfo(id)?.available ?? false) && (!setup || setup.exchanges.some((e) => e.id === id)),
  };
}

export interface StatusWords {
  label: string;
  tone: "ok" | "warn" | "bad";
  /** What it means and what to do. */
  detail: string;
  /** Whether replacing the key is the fix. */
  replaceKey: boolean;
}

export function statusWords(c: Pick<Connection, "status" | "lock_reason" | "permissions">): StatusWords {
  switch (c.status) {
    case "active":
      return c.permissions.trade
        ? { label: "Active", tone: "ok", detail: "Coffer can read balances and history and place orders with this key.", replaceKey: false }
        : { label: "Active, read only", tone: "ok", detail: "Coffer can read balances and history. To trade from Coffer, give the key trade permission on the exchange, then re-verify.", replaceKey: false };
    case "locked":
      return {
        label: "Locked",
        tone: "bad",
        detail: `${c.lock_reason ?? "The key gained rights Coffer refuses to hold (withdraw or transfer)."} Coffer signs nothing with it. Replace it with a new key that cannot withdraw or transfer, and delete the old key on the exchange.`,
        replaceKey: true,
      };
    case "needs_key":
      return {
        label: "Key must be re-entered",
        tone: "warn",
        detail: "The key's credential was revoked (for example when the account was frozen), so Coffer no longer signs with it. Replace the key — a new key from the exchange is safest.",
        replaceKey: true,
      };
    default:
      return { label: c.status, tone: "warn", detail: c.lock_reason ?? "", replaceKey: false };
  }
}

/** The permissions the exchange reported, in words; withdraw and transfer named if ever present. */
export function permissionWords(p: Permissions): string[] {
  const words: string[] = [];
  if (p.read) words.push("Read");
  if (p.trade) words.push("Trade");
  if (p.withdraw) words.push("Withdraw (refused)");
  if (p.transfer) words.push("Transfer (refused)");
  return words;
}

/** A refused connect or key replacement in plain words: what happened, what was stored (nothing), what to check. */
export function refusalWords(error: unknown, exchange: string): { title: string; what: string; fix: string[] } | null {
  if (!(error instanceof ApiError)) {
    return null;
  }
  const name = exchangeName(exchange);
  const detail = error.problem.detail ?? error.problem.title;
  switch (error.slug) {
    case "exchange-key-can-withdraw":
      return {
        title: "Refused: this key can withdraw funds",
        what: "This key can withdraw funds. Coffer refuses keys that can move money out: create a new key with withdrawals switched off. Nothing was stored.",
        fix: [`On ${name}, delete this key (it can move money out).`, "Create a new key with only read and trade permissions — withdrawals and transfers switched off.", "Connect the new key here."],
      };
    case "exchange-authentication-failed":
      return {
        title: `Refused: ${name} did not accept the key`,
        what: `${detail} Nothing was stored.`,
        fix: [
          "Copy the whole API key and secret again — no spaces or line breaks missing at either end.",
          exchange === "coinbase" ? "For Coinbase, paste the key name (organizations/…/apiKeys/…) and the whole private key block, and make sure the key uses ECDSA (ES256)." : "Check that key and secret are not swapped.",
          "Check the key is enabled on the exchange and not expired or deleted.",
          "If the key is restricted to IP addresses, allow-list Coffer's egress address.",
        ],
      };
    case "exchange-permission-denied":
      return {
        title: "Refused: the key lacks a permission",
        what: `${detail} Nothing was stored.`,
        fix: ["Give the key read permission (and trade, to trade from Coffer) on the exchange.", "If the key is IP-restricted, allow-list Coffer's egress address.", "Then try again."],
      };
    case "exchange-key-other-account":
      return { title: "Refused: a key of another account", what: `${detail} The connection keeps its old key.`, fix: ["Use a key of the same exchange account, or connect the other account as a new connection."] };
    case "custom-base-url-not-allowed":
      return { title: "Refused: custom URL not allowed", what: detail, fix: ["Leave the base URL empty to use the exchange itself, or ask your operator to allow custom exchange URLs (COFFER_EXCHANGE_CUSTOM_URLS=1)."] };
    case "exchange-unavailable":
    case "exchange-rate-limited":
      return { title: `${name} did not answer`, what: `${detail} Nothing was stored.`, fix: ["Try again in a minute."] };
    default:
      return null;
  }
}
