import { useId, useMemo, useState } from "react";
import { Link } from "react-router-dom";
import { api } from "../../api/client";
import type { Balances } from "../../api/portfolio";
import { ago, amount, dateTime, money } from "../../app/format";
import { useApi } from "../../app/useApi";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { TableWrap } from "../../components/TableWrap";
import "../common/common.css";
import { exchangeName } from "../exchanges/exchanges";
import { balanceTotals, DUST, filterHoldings, priceSourceWords } from "./balances";

export default function BalancesPage() {
  const id = useId();
  const balances = useApi((signal) => api.get<Balances>("/api/v1/portfolio/balances", undefined, signal), []);
  const [exchange, setExchange] = useState("");
  const [hideDust, setHideDust] = useState(false);
  const data = balances.data;
  const currency = data?.currency ?? "USD";
  const exchanges = useMemo(() => [...new Set((data?.items ?? []).map((h) => h.exchange).concat((data?.unpriced ?? []).map((u) => u.exchange)))].sort(), [data]);
  const items = useMemo(() => filterHoldings(data?.items ?? [], { exchange, hideDust }), [data, exchange, hideDust]);
  const unpriced = (data?.unpriced ?? []).filter((u) => !exchange || u.exchange === exchange);
  const totals = balanceTotals(items);
  const gaps = (data?.coverage ?? []).filter((c) => c.missing.length > 0 || c.status !== "complete");

  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <h1 id={`${id}-title`}>Balances</h1>
        <button type="button" className="button secondary" onClick={balances.reload} disabled={balances.loading}>
          Reload
        </button>
      </div>
      <form className="filters card" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field" htmlFor={`${id}-exchange`}>
          <span>Exchange</span>
          <select id={`${id}-exchange`} value={exchange} onChange={(e) => setExchange(e.target.value)}>
            <option value="">All exchanges</option>
            {exchanges.map((e) => (
              <option key={e} value={e}>
                {exchangeName(e)}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={hideDust} onChange={(e) => setHideDust(e.target.checked)} />
          <span>
            Hide dust (worth less than {money(DUST, currency)})
          </span>
        </label>
      </form>

      {balances.loading && !data ? <Loading label="Valuing your balances…" /> : null}
      <ErrorNotice error={balances.error} onRetry={balances.reload} />

      {data ? (
        <>
          <div className="totals" aria-live="polite">
            <div className="card">
              <p className="muted">Total value{exchange ? ` on ${exchangeName(exchange)}` : ""}</p>
              <p>{money(totals.value, currency)}</p>
            </div>
            <div className="card">
              <p className="muted">Assets shown</p>
              <p>{items.length}</p>
            </div>
            <div className="card">
              <p className="muted">Not priced</p>
              <p>{unpriced.length}</p>
            </div>
          </div>

          {gaps.length > 0 ? (
            <div className="notice notice-warn" role="status">
              <p className="notice-what">Some balances may be missing or out of date.</p>
              <ul>
                {gaps.map((g) => (
                  <li key={g.connection_id}>
                    {g.label} ({exchangeName(g.exchange)}): last synced {ago(g.synced_at)}
                    {g.missing.length > 0 ? ` — not fetched: ${g.missing.map((m) => `${m.part}${m.symbol ? ` ${m.symbol}` : ""}${m.reason ? ` (${m.reason})` : ""}`).join("; ")}` : ""}
                    {g.notes.length > 0 ? ` — ${g.notes.join(" ")}` : ""}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}

          {data.items.length === 0 && data.unpriced.length === 0 ? (
            <div className="card empty">
              <h2>No balances yet</h2>
              <p>Connect an exchange account, or wait for the first sync of a new connection.</p>
              <Link className="button primary" to="/exchanges/connect">
                Connect an exchange
              </Link>
            </div>
          ) : (
            <TableWrap label="Balances">
              <table className="rt">
                <caption className="visually-hidden">Balances per account and asset, valued in {currency}</caption>
                <thead>
                  <tr>
                    <th scope="col">Account</th>
                    <th scope="col">Asset</th>
                    <th scope="col" className="num">Free</th>
                    <th scope="col" className="num">In orders</th>
                    <th scope="col" className="num">Total</th>
                    <th scope="col" className="num">Price</th>
                    <th scope="col">Price source</th>
                    <th scope="col" className="num">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((h) => (
                    <tr key={`${h.connection_id}-${h.asset}`}>
                      <td data-label="Account">
                        {h.label} <span className="muted small">{exchangeName(h.exchange)}</span>
                      </td>
                      <td data-label="Asset">
                        <strong>{h.asset}</strong>
                      </td>
                      <td data-label="Free" className="num">{amount(h.free)}</td>
                      <td data-label="In orders" className="num">{amount(h.used)}</td>
                      <td data-label="Total" className="num">{amount(h.total)}</td>
                      <td data-label="Price" className="num">{h.price === null ? "—" : money(h.price, currency)}</td>
                      <td data-label="Price source" className="small">
                        {priceSourceWords(h, currency)}
                        {h.price_as_of ? (
                          <>
                            {" "}
                            <time className="muted" dateTime={h.price_as_of} title={dateTime(h.price_as_of)}>
                              ({ago(h.price_as_of)})
                            </time>
                          </>
                        ) : null}
                      </td>
                      <td data-label="Value" className="num">
                        <strong>{h.value === null ? "not priced" : money(h.value, currency)}</strong>
                      </td>
                    </tr>
                  ))}
                  {items.length === 0 ? (
                    <tr>
                      <td colSpan={8} className="rt-full">
                        Nothing matches the filters. {hideDust ? "Show dust to see small balances." : ""}
                      </td>
                    </tr>
                  ) : null}
                </tbody>
              </table>
            </TableWrap>
          )}

          {unpriced.length > 0 ? (
            <div className="stack">
              <h2>Not priced</h2>
              <p className="muted">Coffer holds these but found no way to value them through your exchanges' tickers. They are counted as unknown, not zero.</p>
              <TableWrap label="Assets without a price">
                <table className="rt">
                  <thead>
                    <tr>
                      <th scope="col">Asset</th>
                      <th scope="col">Exchange</th>
                      <th scope="col" className="num">Amount</th>
                      <th scope="col">Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    {unpriced.map((u) => (
                      <tr key={`${u.exchange}-${u.asset}`}>
                        <td data-label="Asset">
                          <strong>{u.asset}</strong>
                        </td>
                        <td data-label="Exchange">{exchangeName(u.exchange)}</td>
                        <td data-label="Amount" className="num">{amount(u.amount)}</td>
                        <td data-label="Why" className="rt-full">{u.reason}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
