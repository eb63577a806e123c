import type { Coverage, CoveragePart } from "../../api/portfolio";
import { ago, dateTime } from "../../app/format";

const PART_NAMES: Record<string, string> = {
  balances: "Balances",
  open_orders: "Open orders",
  closed_orders: "Order history",
  orders: "Orders",
  trades: "Trades",
  markets: "Markets",
  tickers: "Prices",
  connection: "Connection",
  all: "Everything",
};

export function partName(part: CoveragePart): string {
  const name = PART_NAMES[part.part] ?? part.part.replace(/_/g, " ");
  return part.symbol ? `${name} (${part.symbol})` : name;
}

export function statusBadge(status: string): { text: string; tone: "ok" | "warn" | "bad" } {
  switch (status) {
    case "complete":
      return { text: "Complete", tone: "ok" };
    case "partial":
      return { text: "Incomplete", tone: "warn" };
    case "failed":
      return { text: "Sync failed", tone: "bad" };
    case "never":
    case "":
      return { text: "Not synced yet", tone: "warn" };
    default:
      return { text: status.replace(/_/g, " "), tone: "warn" };
  }
}

export function CoverageCard({ coverage, now }: { coverage: Coverage; now: Date }) {
  const badge = statusBadge(coverage.synced_at ? coverage.status : "never");
  const stale = coverage.synced_at ? now.getTime() - Date.parse(coverage.synced_at) > 60 * 60 * 1000 : true;
  return (
    <article className="card stack-tight" aria-labelledby={`cov-${coverage.connection_id}`}>
      <div className="section-head">
        <h3 id={`cov-${coverage.connection_id}`}>
          {coverage.label} <span className="muted">· {coverage.exchange}</span>
        </h3>
        <span className={`badge ${badge.tone}`}>{badge.text}</span>
      </div>
      <p className={stale ? "warn-text" : "muted"}>
        {coverage.synced_at ? (
          <>
            Synced <time dateTime={coverage.synced_at} title={dateTime(coverage.synced_at)}>{ago(coverage.synced_at, now)}</time>
            {stale ? " — this may be out of date; refresh." : ""}
          </>
        ) : (
          "Not synced yet. Refresh to fetch balances, orders and trades."
        )}
      </p>
      {coverage.status !== "complete" && coverage.last_complete_at ? (
        <p className="muted">Last complete sync {ago(coverage.last_complete_at, now)}.</p>
      ) : null}
      {coverage.synced_at && coverage.missing.length > 0 ? (
        <div className="notice notice-warn">
          <p className="notice-what">Incomplete: not everything could be fetched.</p>
          <ul>
            {coverage.missing.map((m, i) => (
              <li key={`${m.part}-${m.symbol ?? ""}-${i}`}>
                <strong>{partName(m)}</strong>: {m.reason ?? "not fetched"}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {coverage.notes.length > 0 ? (
        <ul className="muted small-list">
          {coverage.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}
