import { useMemo } from "react";
import { donutSlices, foldSmall, type DonutInput } from "./donut";

/**
 * An allocation donut with its legend as a real table: the picture is decorative for screen readers (the table says
 * everything), and each legend row shows a swatch, the name, the value and the share, so colour is never the only cue.
 */
export function Donut({
  title,
  items,
  formatValue,
  centre,
  max = 8,
}: {
  title: string;
  items: readonly DonutInput[];
  formatValue: (value: number) => string;
  centre?: string;
  max?: number;
}) {
  const folded = useMemo(() => foldSmall(items, max), [items, max]);
  const slices = useMemo(() => donutSlices(folded), [folded]);
  const share = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
  if (slices.length === 0) {
    return <p className="muted">Nothing to show yet.</p>;
  }
  return (
    <div className="donut">
      <svg viewBox="0 0 160 160" width="160" height="160" aria-hidden="true" focusable="false" className="donut-svg">
        {slices.map((s) => (
          <path key={s.key} d={s.path} fill={s.colour} stroke="var(--surface)" strokeWidth={slices.length > 1 ? 1.5 : 0} />
        ))}
        {centre ? (
          <text x="80" y="85" textAnchor="middle" className="donut-centre">
            {centre}
          </text>
        ) : null}
      </svg>
      <div className="table-wrap donut-legend" role="region" aria-label={`${title}: legend`} tabIndex={0}>
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col" className="num">
                Share
              </th>
            </tr>
          </thead>
          <tbody>
            {slices.map((s) => (
              <tr key={s.key}>
                <th scope="row">
                  <span className="swatch" style={{ background: s.colour }} aria-hidden="true" />
                  {s.key}
                </th>
                <td className="num">{formatValue(s.value)}</td>
                <td className="num">{share.format(s.fraction)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
