import { useId } from "react";
import { Link } from "react-router-dom";
import { api } from "../../api/client";
import type { Pnl } from "../../api/portfolio";
import { amount, money } from "../../app/format";
import { useApi } from "../../app/useApi";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { TableWrap } from "../../components/TableWrap";
import "../common/common.css";
import { Signed } from "../common/Signed";
import { exchangeName } from "../exchanges/exchanges";
import { pnlCsvUrl } from "./history";

export default function PnlPage() {
  const id = useId();
  const pnl = useApi((signal) => api.get<Pnl>("/api/v1/portfolio/pnl", undefined, signal), []);
  const data = pnl.data;
  const c = data?.currency ?? "USD";
  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <h1 id={`${id}-title`}>Profit and loss</h1>
        <div className="row">
          <a className="button secondary" href={pnlCsvUrl("positions")} download="coffer-pnl-positions.csv">
            Positions CSV
          </a>
          <a className="button secondary" href={pnlCsvUrl("realized")} download="coffer-pnl-realized.csv">
            Realized lots CSV
          </a>
        </div>
      </div>
      {data ? <p className="muted">{data.method}</p> : null}
      <ErrorNotice error={pnl.error} onRetry={pnl.reload} />
      {pnl.loading && !data ? <Loading label="Matching your trades into lots…" /> : null}
      {data ? (
        <>
          <div className="totals">
            <div className="card">
              <p className="muted">Realized</p>
              <p>
                <Signed value={data.total.realized_pnl} currency={c} />
              </p>
            </div>
            <div className="card">
              <p className="muted">Unrealized</p>
              <p>
                <Signed value={data.total.unrealized_pnl} currency={c} />
              </p>
            </div>
            <div className="card">
              <p className="muted">Fees paid (included above)</p>
              <p>{amount(data.total.fees_paid, 2)} {c}</p>
            </div>
            <div className="card">
              <p className="muted">Market value of open lots</p>
              <p>{amount(data.total.market_value, 2)} {c}</p>
            </div>
          </div>
          {data.history_incomplete || data.total.unpriced.length > 0 || data.total.unconverted.length > 0 ? (
            <div className="notice notice-warn" role="status">
              <p className="notice-what">These figures are incomplete.</p>
              <ul>
                {data.history_incomplete ? <li>Some trade history is missing (sells without the buys before them, or trades skipped): their PnL cannot be matched.</li> : null}
                {data.total.unpriced.length > 0 ? <li>No current price for {data.total.unpriced.map((k) => `${k.asset}/${k.quote}`).join(", ")}: unrealized PnL left out.</li> : null}
                {data.total.unconverted.length > 0 ? <li>Not convertible to {c}: {data.total.unconverted.map((k) => `${k.asset}/${k.quote}`).join(", ")}; left out of the totals.</li> : null}
              </ul>
            </div>
          ) : null}
          {data.positions.length === 0 ? (
            <div className="card empty">
              <p>No trades yet, so no profit or loss.</p>
              <Link className="button primary" to="/trade">
                Trade
              </Link>
            </div>
          ) : (
            <TableWrap label="Profit and loss per asset">
              <table className="rt">
                <caption className="visually-hidden">PnL per asset and quote currency</caption>
                <thead>
                  <tr>
                    <th scope="col">Asset</th>
                    <th scope="col" className="num">Held</th>
                    <th scope="col" className="num">Average cost</th>
                    <th scope="col" className="num">Price now</th>
                    <th scope="col" className="num">Realized</th>
                    <th scope="col" className="num">Unrealized</th>
                    <th scope="col" className="num">Fees</th>
                    <th scope="col">Notes</th>
                  </tr>
                </thead>
                <tbody>
                  {data.positions.map((p) => (
                    <tr key={`${p.asset}/${p.quote}`}>
                      <td data-label="Asset">
                        <strong>{p.asset}</strong> <span className="muted small">in {p.quote}</span>
                      </td>
                      <td data-label="Held" className="num">{amount(p.amount)}</td>
                      <td data-label="Average cost" className="num">{p.average_cost === null ? "—" : money(p.average_cost, p.quote)}</td>
                      <td data-label="Price now" className="num">{p.current_price === null ? "unknown" : money(p.current_price, p.quote)}</td>
                      <td data-label="Realized" className="num">
                        <Signed value={p.realized_pnl} currency={p.quote} />
                      </td>
                      <td data-label="Unrealized" className="num">
                        <Signed value={p.unrealized_pnl} currency={p.quote} />
                      </td>
                      <td data-label="Fees" className="num">{money(p.fees_paid, p.quote)}</td>
                      <td data-label="Notes" className="small">
                        {p.open_lots} open lot(s)
                        {p.unmatched_sell_amount > 0 ? `; ${amount(p.unmatched_sell_amount)} sold without a matching buy` : ""}
                        {p.history_incomplete ? "; history incomplete" : ""}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
          {data.skipped.length > 0 ? (
            <details>
              <summary>{data.skipped.length} trade(s) not counted</summary>
              <ul>
                {data.skipped.map((s) => (
                  <li key={`${s.exchange}-${s.trade_id}`}>
                    {exchangeName(s.exchange)} {s.symbol} trade {s.trade_id}: {s.reason}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
