// Geometry of an allocation donut: slices as SVG arc paths around a centre, largest first, tiny ones folded into
// "Other" so every slice can be seen and named.

export interface DonutInput {
  key: string;
  value: number;
}

export interface DonutSlice {
  key: string;
  value: number;
  /** Share of the whole, 0…1. */
  fraction: number;
  startAngle: number;
  endAngle: number;
  path: string;
  colour: string;
}

/** Colours distinguishable from each other and at ≥ 3:1 against white and near-black (WCAG 1.4.11 non-text). */
export const PALETTE = ["#1f77b4", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#e6ab02", "#666666", "#17becf"];

/** Keeps the `max - 1` largest entries and folds the rest (and anything under `minFraction`) into one "Other". */
export function foldSmall(items: readonly DonutInput[], max = 8, minFraction = 0.01, otherLabel = "Other"): DonutInput[] {
  const positive = items.filter((i) => Number.isFinite(i.value) && i.value > 0).sort((a, b) => b.value - a.value);
  const total = positive.reduce((s, i) => s + i.value, 0);
  if (total <= 0) {
    return [];
  }
  const kept: DonutInput[] = [];
  let other = 0;
  for (const item of positive) {
    if (kept.length < max - 1 && item.value / total >= minFraction) {
      kept.push(item);
    } else {
      other += item.value;
    }
  }
  if (other > 0) {
    if (kept.length === positive.length - 1 && positive.length <= max) {
      // Only one would be folded: show it under its own name.
      kept.push(positive[positive.length - 1]!);
    } else {
      kept.push({ key: otherLabel, value: other });
    }
  }
  return kept;
}

function point(cx: number, cy: number, r: number, angle: number): [number, number] {
  // Angle 0 is twelve o'clock, clockwise.
  return [cx + r * Math.sin(angle), cy - r * Math.cos(angle)];
}

const f = (n: number) => (Math.abs(n) < 1e-9 ? "0" : n.toFixed(3).replace(/\.?0+$/, ""));

/** An annular sector from `start` to `end` (radians, clockwise from twelve o'clock). */
export function arcPath(cx: number, cy: number, outer: number, inner: number, start: number, end: number): string {
  const sweep = end - start;
  if (sweep >= Math.PI * 2 - 1e-9) {
    // A full ring cannot be one arc: draw two halves.
    const half = start + Math.PI;
    return `${arcPath(cx, cy, outer, inner, start, half)} ${arcPath(cx, cy, outer, inner, half, start + Math.PI * 2)}`;
  }
  const large = sweep > Math.PI ? 1 : 0;
  const [x1, y1] = point(cx, cy, outer, start);
  const [x2, y2] = point(cx, cy, outer, end);
  const [x3, y3] = point(cx, cy, inner, end);
  const [x4, y4] = point(cx, cy, inner, start);
  return [
    `M${f(x1)} ${f(y1)}`,
    `A${f(outer)} ${f(outer)} 0 ${large} 1 ${f(x2)} ${f(y2)}`,
    `L${f(x3)} ${f(y3)}`,
    `A${f(inner)} ${f(inner)} 0 ${large} 0 ${f(x4)} ${f(y4)}`,
    "Z",
  ].join(" ");
}

export function donutSlices(items: readonly DonutInput[], size = 160, thickness = 28): DonutSlice[] {
  const total = items.reduce((s, i) => s + (i.value > 0 ? i.value : 0), 0);
  if (total <= 0) {
    return [];
  }
  const c = size / 2;
  const outer = c - 1;
  const inner = outer - thickness;
  let angle = 0;
  return items
    .filter((i) => i.value > 0)
    .map((item, index) => {
      const fraction = item.value / total;
      const start = angle;
      const end = angle + fraction * Math.PI * 2;
      angle = end;
      return {
        key: item.key,
        value: item.value,
        fraction,
        startAngle: start,
        endAngle: end,
        path: arcPath(c, c, outer, inner, start, end),
        colour: PALETTE[index % PALETTE.length]!,
      };
    });
}
