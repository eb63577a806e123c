// Token creation rules, as a pure module: scopes in plain words, IP ranges (CIDR) validated the way the server parses
// them (src/Coffer.Server/Features/Tokens: IpAllowlist.TryParse), and the form turned into `POST /api/v1/tokens`.
//
// A token made here hangs under the account's root token (`"parent":"root"`) unless the person asks otherwise: a
// child of this browser session would die with it when it expires (12 h) or at sign-out, which is not what someone
// making a token for a bot expects. The server asks for step-up for every such token, as it outlives the session.

export const SCOPES: { scope: string; label: string; help: string; admin?: boolean }[] = [
  { scope: "portfolio:read", label: "Read the portfolio", help: "Balances, values, history, PnL, markets and prices." },
  { scope: "orders:read", label: "Read orders and trades", help: "Open orders, order history, trades and their CSV export." },
  { scope: "orders:write", label: "Place and cancel orders", help: "Trades with your exchange keys, within the limits below. Needs your second factor to create." },
  { scope: "exchanges:read", label: "See exchange connections", help: "Labels, masked keys, permissions and status — never a secret." },
  { scope: "exchanges:write", label: "Manage exchange connections", help: "Re-verify and remove connections (adding or replacing a key also needs your second factor)." },
  { scope: "tokens:read", label: "See tokens", help: "Your tokens by accessor and their access logs — never a token's value." },
  { scope: "tokens:write", label: "Create and revoke tokens", help: "Tokens below this one, never wider than it." },
  { scope: "notifications:read", label: "Read notifications", help: "Your in-app notifications." },
  { scope: "notifications:write", label: "Manage notifications", help: "Notification channels and settings." },
  { scope: "account:write", label: "Change account settings", help: "Valuation currency and the step-up threshold." },
  { scope: "audit:read", label: "Read the audit log", help: "Security events and their verification.", admin: true },
  { scope: "metrics:read", label: "Scrape metrics", help: "GET /metrics in Prometheus format, for a monitoring server's token.", admin: true },
  { scope: "admin", label: "Administer", help: "Users and invitations.", admin: true },
];

export function scopeLabel(scope: string): string {
  return SCOPES.find((s) => s.scope === scope)?.label ?? scope;
}

export const EXPIRIES: { value: string; label: string; seconds: number | null }[] = [
  { value: "1d", label: "1 day", seconds: 86_400 },
  { value: "7d", label: "7 days", seconds: 7 * 86_400 },
  { value: "30d", label: "30 days", seconds: 30 * 86_400 },
  { value: "90d", label: "90 days", seconds: 90 * 86_400 },
  { value: "1y", label: "1 year", seconds: 365 * 86_400 },
  { value: "parent", label: "As long as this session allows", seconds: null },
];

/** What the "parent" expiry (no ttl_seconds: the parent's own expiry) means for the person. */
export function inheritedExpiryLabel(underRoot: boolean): string {
  return underRoot ? "Never (until you revoke it)" : "As long as this session allows";
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) {
    return false;
  }
  const halves = text.split("::");
  if (halves.length > 2) {
    return false;
  }
  const groupsOf = (part: string): string[] => (part === "" ? [] : part.split(":"));
  const groups = [...groupsOf(halves[0] ?? ""), ...groupsOf(halves[1] ?? "")];
  let count = 0;
  for (const [i, group] of groups.entries()) {
    if (i === groups.length - 1 && group.includes(".")) {
      // An embedded IPv4 tail (::ffff:192.0.2.1) is two groups.
      if (!IPV4.test(group)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** Whether `text` is an IP address or a CIDR range: 203.0.113.7, 203.0.113.0/24, 2001:db8::/32. */
export function validCidr(text: string): boolean {
  const [address = "", prefix, ...rest] = text.trim().split("/");
  if (rest.length > 0) {
    return false;
  }
  const v4 = IPV4.test(address);
  const v6 = !v4 && isIpv6(address);
  if (!v4 && !v6) {
    return false;
  }
  if (prefix === undefined) {
    return true;
  }
  if (!/^\d{1,3}$/.test(prefix)) {
    return false;
  }
  const bits = Number(prefix);
  return bits <= (v4 ? 32 : 128);
}

/** A comma/space/newline separated list, trimmed, empty entries dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface TokenForm {
  displayName: string;
  scopes: string[];
  ipRanges: string;
  exchanges: string[];
  symbols: string;
  maxOrderNotional: string;
  priceBandPercent: string;
  dailyVolumeCap: string;
  expiry: string;
  maxUses: string;
  /** Under the account's root (outlives this session, needs step-up) rather than under this session. */
  underRoot: boolean;
}

export const EMPTY_TOKEN_FORM: TokenForm = {
  displayName: "",
  scopes: ["portfolio:read"],
  ipRanges: "",
  exchanges: [],
  symbols: "",
  maxOrderNotional: "",
  priceBandPercent: "",
  dailyVolumeCap: "",
  expiry: "30d",
  maxUses: "",
  underRoot: true,
};

export interface CreateTokenBody {
  kind: "api";
  /** "root": a child of the account's root token; absent: a child of the calling session. */
  parent?: "root";
  display_name?: string;
  scopes: string[];
  ttl_seconds?: number;
  ip_allowlist?: string[];
  max_uses?: number;
  trading?: TradingLimitsBody;
}

/** The trading-limit fields a token and an OAuth app share (the form's text, as typed). */
export type LimitsForm = Pick<TokenForm, "exchanges" | "symbols" | "maxOrderNotional" | "priceBandPercent" | "dailyVolumeCap">;

/** `trading` of a create request: only the limits that were set. */
export interface TradingLimitsBody {
  exchanges?: string[];
  symbols?: string[];
  max_order_notional?: number;
  price_band_percent?: number;
  daily_volume_cap?: number;
}

export type TokenFormErrors = Partial<Record<keyof TokenForm, string>>;
export type LimitsFormErrors = Partial<Record<keyof LimitsForm, string>>;

const positive = (text: string): number | null => {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return n > 0 ? n : null;
};

/**
 * Validates the trading-limit fields into `errors` (per field) and returns the limits that were set, or undefined when
 * none was (no limits of its own beyond the parent's). Shared by tokens and OAuth apps, which the server checks alike.
 */
export function buildTradingLimits(form: LimitsForm, errors: LimitsFormErrors): TradingLimitsBody | undefined {
  const symbols = splitList(form.symbols).map((s) => s.toUpperCase());
  const badSymbols = symbols.filter((s) => !/^[A-Z0-9.\-_]+\/[A-Z0-9.\-_]+$/.test(s));
  if (badSymbols.length > 0) {
    errors.symbols = `Write markets as BASE/QUOTE, e.g. BTC/USDT: ${badSymbols.join(", ")}.`;
  }
  const limit = (key: "maxOrderNotional" | "priceBandPercent" | "dailyVolumeCap"): number | undefined => {
    if (!form[key].trim()) return undefined;
    const n = positive(form[key]);
    if (n === null) {
      errors[key] = "Enter a number above 0, or leave it empty for no limit.";
      return undefined;
    }
    return n;
  };
  const maxOrderNotional = limit("maxOrderNotional");
  const priceBandPercent = limit("priceBandPercent");
  if (priceBandPercent !== undefined && priceBandPercent > 100) {
    errors.priceBandPercent = "A price band is at most 100%.";
  }
  const dailyVolumeCap = limit("dailyVolumeCap");
  const trading: TradingLimitsBody = {
    ...(form.exchanges.length ? { exchanges: form.exchanges } : {}),
    ...(symbols.length ? { symbols } : {}),
    ...(maxOrderNotional !== undefined ? { max_order_notional: maxOrderNotional } : {}),
    ...(priceBandPercent !== undefined ? { price_band_percent: priceBandPercent } : {}),
    ...(dailyVolumeCap !== undefined ? { daily_volume_cap: dailyVolumeCap } : {}),
  };
  return Object.keys(trading).length ? trading : undefined;
}

/** Validates the form and builds the request; errors per field (an empty object when it can be sent). */
export function buildTokenRequest(form: TokenForm): { body: CreateTokenBody | null; errors: TokenFormErrors } {
  const errors: TokenFormErrors = {};
  if (form.scopes.length === 0) {
    errors.scopes = "Choose at least one thing the token may do.";
  }
  if (form.displayName.length > 100 || /[\u0000-\u001f\u007f]/.test(form.displayName)) {
    errors.displayName = "Use at most 100 printable characters.";
  }
  const ranges = splitList(form.ipRanges);
  const bad = ranges.filter((r) => !validCidr(r));
  if (bad.length > 0) {
    errors.ipRanges = `Not an IP address or CIDR range: ${bad.join(", ")}. Write them like 203.0.113.7 or 203.0.113.0/24.`;
  }
  const trading = buildTradingLimits(form, errors);
  let maxUses: number | undefined;
  if (form.maxUses.trim()) {
    if (!/^\d+$/.test(form.maxUses.trim()) || Number(form.maxUses) < 1 || Number(form.maxUses) > 2_147_483_647) {
      errors.maxUses = "Enter a whole number of uses, 1 or more, or leave it empty for no limit.";
    } else {
      maxUses = Number(form.maxUses);
    }
  }
  const expiry = EXPIRIES.find((e) => e.value === form.expiry);
  if (!expiry) {
    errors.expiry = "Choose when the token expires.";
  }
  if (Object.keys(errors).length > 0) {
    return { body: null, errors };
  }
  const body: CreateTokenBody = {
    kind: "api",
    ...(form.underRoot ? { parent: "root" as const } : {}),
    scopes: [...form.scopes].sort(),
    ...(form.displayName.trim() ? { display_name: form.displayName.trim() } : {}),
    ...(expiry?.seconds ? { ttl_seconds: expiry.seconds } : {}),
    ...(ranges.length ? { ip_allowlist: ranges } : {}),
    ...(maxUses !== undefined ? { max_uses: maxUses } : {}),
    ...(trading ? { trading } : {}),
  };
  return { body, errors };
}

/** Whether creating this token will ask for the second factor: one that can trade, or one under the root (README, step-up). */
export const needsStepUp = (body: Pick<CreateTokenBody, "scopes" | "parent">): boolean => body.parent === "root" || body.scopes.includes("orders:write");
