import { useId } from "react";
import { Link } from "react-router-dom";
import { api } from "../../api/client";
import type { Trade } from "../../api/trading";
import type { Page } from "../../api/types";
import { amount, dateTime } from "../../app/format";
import { useApi } from "../../app/useApi";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { TableWrap } from "../../components/TableWrap";
import { Pager, useCursorPages } from "../../components/Pager";
import "../common/common.css";
import { useConnections } from "../common/useConnections";
import { useResetOn } from "../common/useResetOn";
import { exchangeName } from "../exchanges/exchanges";
import { filtersError, historyQuery, tradesCsvUrl } from "./history";
import { HistoryFilterBar } from "./HistoryFilters";
import { useHistoryFilters } from "./useHistoryFilters";

const PAGE_SIZE = 50;

export default function TradesPage() {
  const id = useId();
  const { filters, setFilters } = useHistoryFilters();
  const connections = useConnections();
  const pages = useCursorPages();
  const invalid = filtersError(filters);
  const key = JSON.stringify(filters);
  useResetOn(key, pages.reset);
  const trades = useApi(
    (signal) => (invalid ? Promise.resolve<Page<Trade>>({ items: [], next: null }) : api.get<Page<Trade>>("/api/v1/trades", { ...historyQuery(filters), limit: PAGE_SIZE, cursor: pages.cursor }, signal)),
    [key, pages.cursor],
  );
  const list = connections.data?.items ?? [];
  const label = (cid: string) => list.find((c) => c.id === cid)?.label;

  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <h1 id={`${id}-title`}>Trades</h1>
        <a className="button secondary" href={tradesCsvUrl(filters)} download="coffer-trades.csv">
          Export CSV
        </a>
      </div>
      <p className="muted">Every fill of your accounts, newest first. The CSV holds every trade matching the filters, oldest first.</p>
      <HistoryFilterBar filters={filters} onChange={setFilters} connections={list} />
      {invalid ? <p className="notice notice-error" role="alert">{invalid}</p> : null}
      <ErrorNotice error={trades.error} onRetry={trades.reload} />
      {trades.loading && !trades.data ? <Loading label="Loading trades…" /> : null}
      {trades.data && trades.data.items.length === 0 && pages.page === 0 ? (
        <div className="card empty">
          <p>No trades match these filters.</p>
          <p className="muted">Trades arrive with each sync of your connections. Widen the time range, or place an order.</p>
          <Link className="button primary" to="/trade">
            Trade
          </Link>
        </div>
      ) : null}
      {trades.data && trades.data.items.length > 0 ? (
        <TableWrap label="Trades">
          <table className="rt">
            <caption className="visually-hidden">Trades</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Account</th>
                <th scope="col">Market</th>
                <th scope="col">Side</th>
                <th scope="col" className="num">Amount</th>
                <th scope="col" className="num">Price</th>
                <th scope="col" className="num">Cost</th>
                <th scope="col" className="num">Fee</th>
                <th scope="col">Role</th>
              </tr>
            </thead>
            <tbody>
              {trades.data.items.map((t) => (
                <tr key={t.id}>
                  <td data-label="Time">
                    <time dateTime={t.time}>{dateTime(t.time)}</time>
                  </td>
                  <td data-label="Account">
                    {label(t.connection_id) ?? ""} <span className="muted small">{exchangeName(t.exchange)}</span>
                  </td>
                  <td data-label="Market">
                    <strong>{t.symbol}</strong>
                  </td>
                  <td data-label="Side">{t.side === "buy" ? <span className="sign-pos">Buy</span> : t.side === "sell" ? <span className="sign-neg">Sell</span> : <span className="muted">not reported</span>}</td>
                  <td data-label="Amount" className="num">
                    {amount(t.amount)} {t.base}
                  </td>
                  <td data-label="Price" className="num">
                    {amount(t.price)} {t.quote}
                  </td>
                  <td data-label="Cost" className="num">
                    {amount(t.cost)} {t.quote}
                  </td>
                  <td data-label="Fee" className="num">{t.fee ? `${amount(t.fee.cost)} ${t.fee.currency}` : "—"}</td>
                  <td data-label="Role">{t.taker_or_maker ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {trades.data && (trades.data.next || pages.page > 0) ? (
        <Pager page={pages.page} hasNext={Boolean(trades.data.next)} onPrevious={pages.previous} onNext={() => trades.data?.next && pages.next(trades.data.next)} />
      ) : null}
    </section>
  );
}
