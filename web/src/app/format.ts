// Numbers as traders read them: amounts keep the precision the exchange gave, values are money in the user's currency.

export function money(value: number | string | null | undefined, currency: string): string {
  if (value === null || value === undefined || value === "") {
    return "—";
  }
  const n = typeof value === "string" ? Number(value) : value;
  if (!Number.isFinite(n)) {
    return "—";
  }
  if (FIAT.has(currency)) {
    return new Intl.NumberFormat(undefined, { style: "currency", currency, maximumFractionDigits: Math.abs(n) < 1 ? 4 : 2 }).format(n);
  }
  // Not an ISO 4217 currency (Intl would still format "BTC" as if it were one, with cents): a stablecoin reads like
  // the money it tracks, a coin keeps its precision.
  return `${amount(n, STABLECOINS.has(currency) ? (Math.abs(n) < 1 ? 4 : 2) : 8)} ${currency}`;
}

/** The ISO 4217 currencies this browser knows. */
const FIAT = new Set(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("currency") : ["USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD"]);

/** Tokens that track a fiat currency one to one, so their values are written with cents. */
const STABLECOINS = new Set(["USDT", "USDC", "DAI", "FDUSD", "TUSD", "USDP", "PYUSD", "EURC", "EURT"]);

/** An amount with up to 8 decimals, trailing zeros dropped, grouped. */
export function amount(value: number | string | null | undefined, maxDecimals = 8): string {
  if (value === null || value === undefined || value === "") {
    return "—";
  }
  const n = typeof value === "string" ? Number(value) : value;
  if (!Number.isFinite(n)) {
    return String(value);
  }
  return new Intl.NumberFormat(undefined, { maximumFractionDigits: maxDecimals }).format(n);
}

export function percent(value: number | null | undefined, signed = true): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return "—";
  }
  const text = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 2, signDisplay: signed ? "exceptZero" : "auto" }).format(value / 100);
  return text;
}

export function dateTime(value: string | null | undefined): string {
  if (!value) {
    return "—";
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleString();
}

/**
 * A `datetime-local` value (the user's local time, no zone) as the RFC 3339 instant the API expects; undefined when
 * empty or invalid, so a query leaves it out.
 */
export function localToIso(value: string): string | undefined {
  if (!value) {
    return undefined;
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** "3 min ago", "2 h ago", "5 d ago": how fresh data is. */
export function ago(value: string | null | undefined, now: Date = new Date()): string {
  if (!value) {
    return "never";
  }
  const seconds = Math.round((now.getTime() - new Date(value).getTime()) / 1000);
  if (!Number.isFinite(seconds)) {
    return "—";
  }
  if (seconds < 45) {
    return "just now";
  }
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  const hours = Math.round(minutes / 60);
  if (hours < 48) {
    return `${hours} h ago`;
  }
  return `${Math.round(hours / 24)} d ago`;
}
