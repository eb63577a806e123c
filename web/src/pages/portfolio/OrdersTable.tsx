import { useState } from "react";
import { api } from "../../api/client";
import type { Order } from "../../api/trading";
import { amount, dateTime, money } from "../../app/format";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useStepUp } from "../../components/StepUp";
import { SuccessNotice } from "../../components/SuccessNotice";
import { TableWrap } from "../../components/TableWrap";
import { exchangeName, type Connection } from "../exchanges/exchanges";
import { ORDER_TYPE_NAMES, type OrderType } from "../trade/ticket";
import { stateHelp, stateName } from "./history";

export const typeName = (t: string): string => ORDER_TYPE_NAMES[t as OrderType] ?? t;

const CANCELABLE = new Set(["open"]);

/** Orders as a table (cards on phones), each open one with "Cancel order" behind a confirmation. */
export function OrdersTable({ orders, connections, onChanged, caption }: { orders: Order[]; connections: Connection[]; onChanged: () => void; caption: string }) {
  const [canceling, setCanceling] = useState<Order | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const label = (id: string) => connections.find((c) => c.id === id)?.label;
  return (
    <>
      <SuccessNotice message={done} boxed />
      <TableWrap label="Orders">
        <table className="rt">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Placed</th>
              <th scope="col">Account</th>
              <th scope="col">Market</th>
              <th scope="col">Side</th>
              <th scope="col">Type</th>
              <th scope="col" className="num">Amount</th>
              <th scope="col" className="num">Filled</th>
              <th scope="col" className="num">Price</th>
              <th scope="col">State</th>
              <th scope="col" className="num">Value</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.id}>
                <td data-label="Placed">
                  <time dateTime={o.created_at}>{dateTime(o.created_at)}</time>
                </td>
                <td data-label="Account">
                  {label(o.connection_id) ?? exchangeName(o.exchange)} <span className="muted small">{label(o.connection_id) ? exchangeName(o.exchange) : ""}</span>
                </td>
                <td data-label="Market">
                  <strong>{o.symbol}</strong>
                </td>
                <td data-label="Side">
                  <span className={o.side === "buy" ? "sign-pos" : "sign-neg"}>{o.side === "buy" ? "Buy" : "Sell"}</span>
                </td>
                <td data-label="Type">
                  {typeName(o.type)}
                  {o.post_only ? " · post-only" : ""}
                  {o.time_in_force && o.time_in_force !== "GTC" ? ` · ${o.time_in_force}` : ""}
                </td>
                <td data-label="Amount" className="num">{o.amount !== null ? amount(o.amount) : o.quote_amount !== null ? `spend ${amount(o.quote_amount)}` : "—"}</td>
                <td data-label="Filled" className="num">
                  {amount(o.filled ?? 0)}
                  {o.average ? <span className="muted small"> @ {amount(o.average)}</span> : null}
                </td>
                <td data-label="Price" className="num">
                  {o.price !== null ? amount(o.price) : o.type === "market" ? "market" : "—"}
                  {o.trigger_price !== null ? <span className="muted small"> trigger {amount(o.trigger_price)}</span> : null}
                </td>
                <td data-label="State" title={stateHelp(o.state)}>
                  {stateName(o.state)}
                  {o.error ? <span className="small muted"> — {o.error}</span> : null}
                </td>
                <td data-label="Value" className="num">{o.notional !== null && o.notional_currency ? money(o.notional, o.notional_currency) : "—"}</td>
                <td data-label="Actions">
                  {CANCELABLE.has(o.state) ? (
                    <button type="button" className="button secondary small-button" onClick={() => { setDone(null); setCanceling(o); }} aria-label={`Cancel order: ${o.side} ${o.symbol} ${o.amount ?? ""}`}>
                      Cancel order
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {canceling ? (
        <CancelOneDialog
          order={canceling}
          onClose={() => setCanceling(null)}
          onDone={(text) => {
            setCanceling(null);
            setDone(text);
            onChanged();
          }}
        />
      ) : null}
    </>
  );
}

function CancelOneDialog({ order, onClose, onDone }: { order: Order; onClose: () => void; onDone: (text: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const stepUp = useStepUp();
  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      const after = await stepUp.confirm((proof) => api.delete<Order>(`/api/v1/orders/${order.id}`, proof ? { stepUp: proof } : {}), "Cancelling needs a fresh code from your authenticator app.");
      if (after) {
        onDone(`Order cancelled: ${order.side} ${order.symbol}. State: ${stateName(after.state)}${after.filled ? `, ${amount(after.filled)} filled before it was cancelled` : ""}.`);
      } else {
        setBusy(false);
      }
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <ConfirmDialog title="Cancel this order?" onClose={onClose} onConfirm={cancel} busy={busy} error={error} confirmLabel="Yes, cancel the order" busyLabel="Cancelling…" cancelLabel="Keep it" after={stepUp.element}>
      <p>
        {order.side === "buy" ? "Buy" : "Sell"} {order.amount !== null ? amount(order.amount) : ""} {order.symbol} ({typeName(order.type).toLowerCase()}
        {order.price !== null ? ` at ${amount(order.price)}` : ""}) on {exchangeName(order.exchange)}. What has filled stays filled.
      </p>
    </ConfirmDialog>
  );
}

/** "Cancel all" of one market on one connection: `POST /api/v1/orders/cancel-all`, behind a confirmation. */
export function CancelAllButton({ connection, symbol, count, onDone }: { connection: Connection; symbol: string; count: number | null; onDone: (text: string) => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const stepUp = useStepUp();
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await stepUp.confirm((proof) => api.post<{ canceled: Order[] }>("/api/v1/orders/cancel-all", { connection_id: connection.id, symbol }, proof ? { stepUp: proof } : {}), "Cancelling needs a fresh code from your authenticator app.");
      if (result) {
        setOpen(false);
        onDone(result.canceled.length === 0 ? `There were no open ${symbol} orders on ${connection.label} to cancel.` : `Cancelled ${result.canceled.length} open ${symbol} order(s) on ${connection.label}.`);
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button danger" onClick={() => { setError(null); setOpen(true); }} disabled={count === 0}>
        Cancel all {symbol} orders
      </button>
      <ConfirmDialog
        open={open}
        title={`Cancel every open ${symbol} order?`}
        onClose={() => setOpen(false)}
        onConfirm={run}
        busy={busy}
        error={error}
        confirmLabel="Yes, cancel them all"
        busyLabel="Cancelling…"
        cancelLabel="Keep them"
        after={stepUp.element}
      >
        <p>
          Every open {symbol} order on {connection.label} ({exchangeName(connection.exchange)}) is cancelled{count ? ` — ${count} shown here` : ""}, including any placed outside Coffer. What has filled stays
          filled.
        </p>
      </ConfirmDialog>
    </>
  );
}
