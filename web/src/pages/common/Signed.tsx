import { money } from "../../app/format";

/** A gain or loss: the sign is written out (+ / −) and the colour only repeats it. */
export function Signed({ value, currency }: { value: number | null | undefined; currency: string }) {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return <span className="muted">unknown</span>;
  }
  const text = money(Math.abs(value), currency);
  if (value > 0) return <span className="sign-pos">+{text}</span>;
  if (value < 0) return <span className="sign-neg">−{text}</span>;
  return <span>{text}</span>;
}
