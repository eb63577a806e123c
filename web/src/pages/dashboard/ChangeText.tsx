import { money, percent } from "../../app/format";
import { direction } from "./series";

/** A change with its sign, an arrow and words, coloured too — never colour alone. */
export function ChangeText({ change, changePercent, currency, period }: { change: number | null; changePercent: number | null; currency: string; period: string }) {
  const dir = direction(change);
  if (dir === "unknown") {
    return <span className="muted">No {period} change yet (not enough history).</span>;
  }
  const arrow = dir === "up" ? "▲" : dir === "down" ? "▼" : "▶";
  const word = dir === "up" ? "Up" : dir === "down" ? "Down" : "Unchanged";
  const signed = change! > 0 ? `+${money(change, currency)}` : money(change, currency);
  return (
    <span className={`change ${dir === "up" ? "good" : dir === "down" ? "bad" : "muted"}`}>
      <span aria-hidden="true">{arrow} </span>
      <span className="visually-hidden">{word} </span>
      {signed}
      {changePercent !== null && Number.isFinite(changePercent) ? ` (${percent(changePercent)})` : ""} <span className="muted">{period}</span>
    </span>
  );
}
