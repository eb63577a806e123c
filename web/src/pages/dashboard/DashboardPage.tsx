import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, ndjson, request } from "../../api/client";
import type { History, PortfolioSummary, RefreshLine, SyncResult } from "../../api/portfolio";
import { dateTime, money } from "../../app/format";
import { useApi } from "../../app/useApi";
import { Donut } from "../../components/Donut";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { ChangeText } from "./ChangeText";
import { CoverageCard, statusBadge } from "./CoverageCard";
import { isRange, RANGES, summarize, toSeries, type RangeId } from "./series";
import { TableWrap } from "../../components/TableWrap";

// The chart library is only fetched with the dashboard, and after the numbers: they come first.
const ValueChart = lazy(() => import("./ValueChart").then((m) => ({ default: m.ValueChart })));

interface Progress {
  running: boolean;
  done: SyncResult[];
  total: number | null;
  finished: boolean;
  complete: boolean | null;
  error: unknown;
}

const idle: Progress = { running: false, done: [], total: null, finished: false, complete: null, error: null };

export default function DashboardPage() {
  const [params, setParams] = useSearchParams();
  const range: RangeId = isRange(params.get("range")) ? (params.get("range") as RangeId) : "30d";
  const summary = useApi((signal) => api.get<PortfolioSummary>("/api/v1/portfolio", undefined, signal), []);
  const history = useApi((signal) => api.get<History>("/api/v1/portfolio/history", { range }, signal), [range]);
  const [progress, setProgress] = useState<Progress>(idle);
  const [now, setNow] = useState(() => new Date());

  useEffect(() => {
    document.title = "Dashboard · Coffer";
    const timer = window.setInterval(() => setNow(new Date()), 30_000);
    return () => window.clearInterval(timer);
  }, []);

  const data = summary.data;
  const currency = data?.currency ?? history.data?.currency ?? "USD";
  const fmt = useCallback((v: number) => money(v, currency), [currency]);
  const series = useMemo(() => toSeries(history.data?.points ?? []), [history.data]);
  const stats = useMemo(() => summarize(series), [series]);
  const rangeInfo = RANGES.find((r) => r.id === range)!;

  const refresh = async () => {
    setProgress({ ...idle, running: true, total: data?.coverage.length ?? null });
    try {
      const response = await request("POST", "/api/v1/portfolio/refresh", { accept: "application/x-ndjson", body: {} });
      for await (const line of ndjson<RefreshLine>(response)) {
        if ("connection" in line) {
          setProgress((p) => ({ ...p, done: [...p.done, line.connection] }));
        } else if ("result" in line) {
          setProgress((p) => ({ ...p, done: line.result.connections, complete: line.result.complete }));
        }
      }
      setProgress((p) => ({ ...p, running: false, finished: true }));
      summary.reload();
      history.reload();
    } catch (error) {
      setProgress((p) => ({ ...p, running: false, error }));
    }
  };

  if (summary.loading && !data) {
    return (
      <section className="stack" aria-labelledby="dashboard-title">
        <h1 id="dashboard-title">Dashboard</h1>
        <Loading label="Reading your portfolio…" />
      </section>
    );
  }

  if (!data) {
    return (
      <section className="stack" aria-labelledby="dashboard-title">
        <h1 id="dashboard-title">Dashboard</h1>
        <ErrorNotice error={summary.error} onRetry={summary.reload} />
      </section>
    );
  }

  const noConnections = data.coverage.length === 0;
  const incomplete = !data.complete;

  return (
    <section className="stack" aria-labelledby="dashboard-title">
      <div className="section-head">
        <h1 id="dashboard-title">Dashboard</h1>
        {!noConnections ? (
          <button type="button" className="button secondary" onClick={() => void refresh()} disabled={progress.running} aria-describedby="refresh-help">
            {progress.running ? "Refreshing…" : "Refresh"}
          </button>
        ) : null}
      </div>
      <p id="refresh-help" className="visually-hidden">
        Syncs every exchange connection now: balances, orders and trades.
      </p>

      <RefreshProgress progress={progress} />
      <ErrorNotice error={summary.error} onRetry={summary.reload} />

      {noConnections ? (
        <div className="card empty">
          <h2>Connect your first exchange</h2>
          <p className="muted">
            Coffer shows one portfolio across your exchanges. Add an API key that can read and trade — never withdraw — and your balances,
            orders and trades appear here.
          </p>
          <Link to="/exchanges/connect" className="button primary">
            Connect your first exchange
          </Link>
          <p className="muted">
            While you are here: <Link to="/security">turn on two-factor authentication</Link>.
          </p>
        </div>
      ) : (
        <>
          <div className="card hero" aria-labelledby="total-label">
            <div className="stack-tight">
              <h2 id="total-label" className="muted label-heading">
                Total value
              </h2>
              <p className="big-number">{money(data.total_value, data.currency)}</p>
              <p>
                <ChangeText change={data.change24h} changePercent={data.change24h_percent} currency={data.currency} period="in 24 h" />
              </p>
            </div>
            <div className="stack-tight">
              <span className={`badge ${data.complete ? "ok" : "warn"}`}>{data.complete ? "All connections complete" : "Incomplete"}</span>
            </div>
          </div>
          {incomplete ? (
            <div className="notice notice-warn" role="status">
              <p className="notice-what">This total may be incomplete.</p>
              <p>
                {data.unpriced.length > 0 ? `${data.unpriced.length} holding${data.unpriced.length === 1 ? " has" : "s have"} no price and ${data.unpriced.length === 1 ? "is" : "are"} not counted. ` : ""}
                {data.coverage.some((c) => c.status !== "complete") ? "Some connections could not be synced fully: see Sync coverage below. " : ""}
                Refresh to try again.
              </p>
            </div>
          ) : null}

          <div className="card stack" aria-labelledby="history-title">
            <div className="section-head">
              <h2 id="history-title">Value history</h2>
              <div className="segmented" role="group" aria-label="Range">
                {RANGES.map((r) => (
                  <button
                    key={r.id}
                    type="button"
                    className="button secondary"
                    aria-pressed={r.id === range}
                    onClick={() => setParams((p) => { const n = new URLSearchParams(p); n.set("range", r.id); return n; }, { replace: true })}
                  >
                    {r.label}
                    <span className="visually-hidden"> ({r.long})</span>
                  </button>
                ))}
              </div>
            </div>
            {history.error ? <ErrorNotice error={history.error} onRetry={history.reload} /> : null}
            {history.loading && !history.data ? <Loading label="Loading the value history…" /> : null}
            {history.data && series.length < 2 ? (
              <p className="muted">
                Not enough snapshots for the {rangeInfo.long} yet. Coffer takes one at every sync (every 15 minutes by default, and on
                Refresh).
              </p>
            ) : null}
            {series.length >= 2 ? (
              <>
                <Suspense fallback={<Loading label="Drawing the chart…" />}>
                  <ValueChart series={series} formatValue={fmt} short={range === "24h" || range === "7d"} />
                </Suspense>
                {stats ? (
                  <p aria-live="polite">
                    <span className="visually-hidden">Value over the {rangeInfo.long}: </span>
                    From {fmt(stats.first)} to {fmt(stats.last)}:{" "}
                    <ChangeText change={stats.change} changePercent={stats.changePercent} currency={currency} period={`over the ${rangeInfo.long}`} />
                    <span className="muted"> · low {fmt(stats.min)}, high {fmt(stats.max)}</span>
                  </p>
                ) : null}
                <p className="muted small">
                  Chart by <a href="https://www.tradingview.com/">TradingView</a> Lightweight Charts.
                </p>
              </>
            ) : null}
          </div>

          <div className="grid">
            <div className="card stack" aria-labelledby="by-asset-title">
              <h2 id="by-asset-title">Allocation by asset</h2>
              <Donut title="Allocation by asset" items={data.by_asset} formatValue={fmt} centre={`${data.by_asset.length} assets`} />
            </div>
            <div className="card stack" aria-labelledby="by-exchange-title">
              <h2 id="by-exchange-title">Allocation by exchange</h2>
              <Donut title="Allocation by exchange" items={data.by_exchange} formatValue={fmt} centre={`${data.by_exchange.length} accounts`} />
            </div>
          </div>

          {data.unpriced.length > 0 ? (
            <div className="card stack" aria-labelledby="unpriced-title">
              <h2 id="unpriced-title">Holdings without a price</h2>
              <p className="muted">These are held but not counted in the total, because no exchange you connected quotes a path to {data.currency}.</p>
              <TableWrap label="Holdings without a price">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Asset</th>
                      <th scope="col">Exchange</th>
                      <th scope="col" className="num">
                        Amount
                      </th>
                      <th scope="col">Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.unpriced.map((u) => (
                      <tr key={`${u.exchange}-${u.asset}`}>
                        <td>{u.asset}</td>
                        <td>{u.exchange}</td>
                        <td className="num">{u.amount}</td>
                        <td>{u.reason}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            </div>
          ) : null}

          <div className="stack" aria-labelledby="coverage-title">
            <div className="section-head">
              <h2 id="coverage-title">Sync coverage</h2>
              <Link to="/exchanges">Manage exchanges</Link>
            </div>
            <div className="grid">
              {data.coverage.map((c) => (
                <CoverageCard key={c.connection_id} coverage={c} now={now} />
              ))}
            </div>
          </div>
        </>
      )}
    </section>
  );
}

function RefreshProgress({ progress }: { progress: Progress }) {
  if (!progress.running && !progress.finished && !progress.error) {
    return <div aria-live="polite" className="visually-hidden" />;
  }
  if (progress.error) {
    return (
      <div aria-live="polite">
        <ErrorNotice error={progress.error} />
      </div>
    );
  }
  return (
    <div className="notice notice-info" aria-live="polite">
      <p className="notice-what">
        {progress.running
          ? `Syncing your exchanges… ${progress.done.length}${progress.total ? ` of ${progress.total}` : ""} done`
          : progress.complete
              ? "Refreshed: every connection synced completely."
              : "Refreshed, but not everything could be fetched: see Sync coverage."}
      </p>
      {progress.running ? <progress max={progress.total ?? undefined} value={progress.total ? progress.done.length : undefined} aria-label="Refresh progress" /> : null}
      {progress.done.length > 0 ? (
        <ul className="progress-list">
          {progress.done.map((r) => {
            const badge = statusBadge(r.status);
            return (
              <li key={r.connection_id}>
                <span className={`badge ${badge.tone}`}>{badge.text}</span>
                <span>
                  {r.label} <span className="muted">({r.exchange}) at {dateTime(r.finished_at)}</span>
                </span>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
