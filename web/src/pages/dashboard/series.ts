import type { HistoryPoint } from "../../api/portfolio";

export const RANGES = [
  { id: "24h", label: "24 h", long: "last 24 hours" },
  { id: "7d", label: "7 d", long: "last 7 days" },
  { id: "30d", label: "30 d", long: "last 30 days" },
  { id: "90d", label: "90 d", long: "last 90 days" },
  { id: "1y", label: "1 y", long: "last year" },
  { id: "all", label: "All", long: "all time" },
] as const;

export type RangeId = (typeof RANGES)[number]["id"];

export function isRange(value: string | null): value is RangeId {
  return RANGES.some((r) => r.id === value);
}

export interface SeriesPoint {
  /** Seconds since the epoch, UTC (lightweight-charts' UTCTimestamp). */
  time: number;
  value: number;
}

/**
 * Snapshots as a chart series: ascending, one point per second (the chart needs strictly increasing times; the later
 * snapshot of a second wins), without points that have no valid time or value.
 */
export function toSeries(points: readonly HistoryPoint[]): SeriesPoint[] {
  const bySecond = new Map<number, number>();
  for (const p of points) {
    const ms = Date.parse(p.time);
    const value = typeof p.value === "string" ? Number(p.value) : p.value;
    if (!Number.isFinite(ms) || !Number.isFinite(value)) {
      continue;
    }
    bySecond.set(Math.floor(ms / 1000), value);
  }
  return [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time, value }));
}

export interface SeriesSummary {
  first: number;
  last: number;
  min: number;
  max: number;
  change: number;
  /** Percent change from first to last; null when the first is zero. */
  changePercent: number | null;
}

export function summarize(series: readonly SeriesPoint[]): SeriesSummary | null {
  if (series.length === 0) {
    return null;
  }
  const values = series.map((p) => p.value);
  const first = values[0]!;
  const last = values[values.length - 1]!;
  return {
    first,
    last,
    min: Math.min(...values),
    max: Math.max(...values),
    change: last - first,
    changePercent: first === 0 ? null : ((last - first) / Math.abs(first)) * 100,
  };
}

/** Direction of a change, for the arrow and the words (never colour alone). */
export function direction(change: number | null | undefined): "up" | "down" | "flat" | "unknown" {
  if (change === null || change === undefined || !Number.isFinite(change)) {
    return "unknown";
  }
  return change > 0 ? "up" : change < 0 ? "down" : "flat";
}
