// Exact decimal arithmetic for the order ticket: what the user typed and the market's steps are decimals (as the
// server's C# decimal is), so rounding to a lot step must not meet binary floating point (0.1 + 0.2). A value is an
// integer of units and a scale: 1.25 = { units: 125n, scale: 2 }.

export interface Dec {
  readonly units: bigint;
  readonly scale: number;
}

const PLAIN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses "12.5", ".5", "1e-8", or a number the API sent; null for anything else (empty, "abc", "1,5", NaN). */
export function parseDec(input: string | number | null | undefined): Dec | null {
  if (input === null || input === undefined) {
    return null;
  }
  if (typeof input === "number" && !Number.isFinite(input)) {
    return null;
  }
  const text = String(input).trim();
  const match = PLAIN.exec(text);
  if (!match) {
    return null;
  }
  const [, sign = "", whole = "", fraction = "", exponent] = match;
  if (whole === "" && fraction === "") {
    return null;
  }
  let digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, "");
  let scale = fraction.length - (exponent ? Number.parseInt(exponent, 10) : 0);
  if (scale < 0) {
    digits += "0".repeat(-scale);
    scale = 0;
  }
  const units = BigInt(digits || "0") * (sign === "-" ? -1n : 1n);
  return normalize({ units, scale });
}

/** Drops trailing zeros of the fraction: 1.2500 → 1.25. */
export function normalize(d: Dec): Dec {
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

export function compare(a: Dec, b: Dec): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function add(a: Dec, b: Dec): Dec {
  const [x, y, scale] = align(a, b);
  return normalize({ units: x + y, scale });
}

export function sub(a: Dec, b: Dec): Dec {
  const [x, y, scale] = align(a, b);
  return normalize({ units: x - y, scale });
}

export function mul(a: Dec, b: Dec): Dec {
  return normalize({ units: a.units * b.units, scale: a.scale + b.scale });
}

/** a / b to `digits` decimals, truncated toward zero. */
export function div(a: Dec, b: Dec, digits = 18): Dec {
  if (b.units === 0n) {
    throw new RangeError("division by zero");
  }
  // a.units/10^a.scale ÷ b.units/10^b.scale = a.units·10^(b.scale+digits-a.scale) / b.units / 10^digits
  const shift = b.scale + digits - a.scale;
  const numerator = shift >= 0 ? a.units * 10n ** BigInt(shift) : a.units / 10n ** BigInt(-shift);
  return normalize({ units: numerator / b.units, scale: digits });
}

export const isZero = (d: Dec): boolean => d.units === 0n;
export const isPositive = (d: Dec): boolean => d.units > 0n;

/** How many whole steps fit, truncated toward zero (C# decimal.Truncate(value / step)). */
function stepsTruncated(value: Dec, step: Dec): bigint {
  const [x, y] = align(value, step);
  return x / y;
}

/** The amount as the exchange takes it: truncated to the lot step, never more than asked for (server Precision.TruncateToStep). */
export function truncateToStep(value: Dec, step: Dec | null): Dec {
  if (!step || step.units <= 0n) {
    return value;
  }
  return mul({ units: stepsTruncated(value, step), scale: 0 }, step);
}

/** A price as the exchange takes it: to the nearest tick, halves away from zero (server Precision.RoundToStep). */
export function roundToStep(value: Dec, step: Dec | null): Dec {
  if (!step || step.units <= 0n) {
    return value;
  }
  const [x, y] = align(value, step);
  const q = x / y;
  const r = x % y;
  const twice = (r < 0n ? -r : r) * 2n;
  const n = twice >= y ? q + (x < 0n ? -1n : 1n) : q;
  return mul({ units: n, scale: 0 }, step);
}

/** Up to the next multiple of the step (the least amount meeting a minimum). */
export function ceilToStep(value: Dec, step: Dec | null): Dec {
  if (!step || step.units <= 0n) {
    return value;
  }
  const [x, y] = align(value, step);
  const q = x / y;
  const n = x % y !== 0n && x > 0n ? q + 1n : q;
  return mul({ units: n, scale: 0 }, step);
}

/** Plain invariant notation without trailing zeros or exponent (server Precision.Format): 0.10 → "0.1", 1e-8 → "0.00000001". */
export function format(d: Dec): string {
  const { units, scale } = normalize(d);
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative && digits !== "0" ? `-${digits}` : digits;
}

/** As a JSON number for the API. Exact for the ≤ 15 significant digits of real amounts and prices. */
export function toNumber(d: Dec): number {
  return Number(format(d));
}

/** The number of decimals a step implies: 0.001 → 3, 5 → 0. */
export function decimalsOf(step: Dec | null): number {
  return step ? normalize(step).scale : 0;
}
