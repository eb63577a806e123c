import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, ApiError, newIdempotencyKey, request } from "../../api/client";
import type { Order } from "../../api/trading";
import type { Page } from "../../api/types";
import { ago, amount, money } from "../../app/format";
import { useApi } from "../../app/useApi";
import { Dialog } from "../../components/Dialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { useStepUp } from "../../components/StepUp";
import "../common/common.css";
import { useConnections } from "../common/useConnections";
import { exchangeName, type Connection } from "../exchanges/exchanges";
import { stateName } from "../portfolio/history";
import { CancelAllButton, OrdersTable } from "../portfolio/OrdersTable";
import { format, mul, parseDec, type Dec } from "./decimal";
import { constraintWords, limitWords, needsStepUp, type SelfToken, type Settings } from "./limits";
import {
  checkTicket,
  ORDER_TYPE_HELP,
  ORDER_TYPE_NAMES,
  rulesOf,
  submissionFingerprint,
  TIME_IN_FORCE_NAMES,
  typesOf,
  type Checked,
  type Market,
  type OrderBody,
  type OrderType,
  type Ticker,
  type TicketInput,
  type TimeInForce,
} from "./ticket";
import "./trade.css";

const EMPTY: TicketInput = { type: "limit", side: "buy", sizeBy: "amount", amount: "", cost: "", price: "", trigger: "", timeInForce: "GTC", postOnly: false };

type Outcome = { kind: "placed" | "pending" | "replayed"; order: Order } | { kind: "refused"; error: unknown } | null;

function usable(c: Connection): string | null {
  if (c.status !== "active") return c.status === "locked" ? "locked" : "key must be re-entered";
  if (!c.permissions.trade) return "read-only key";
  return null;
}

export default function TradePage() {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const connections = useConnections();
  const list = connections.data?.items ?? [];
  const connectionId = params.get("connection") ?? list.find((c) => !usable(c))?.id ?? "";
  const connection = list.find((c) => c.id === connectionId);
  const symbol = (params.get("symbol") ?? "").toUpperCase();
  const [symbolText, setSymbolText] = useState(symbol);
  useEffect(() => setSymbolText(symbol), [symbol]);

  const markets = useApi(
    (signal) => (connectionId ? api.get<{ items: Market[] }>("/api/v1/markets", { connection_id: connectionId }, signal) : Promise.resolve({ items: [] as Market[] })),
    [connectionId],
  );
  const market = markets.data?.items.find((m) => m.symbol === symbol) ?? null;

  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => document.visibilityState === "visible" && setTick((t) => t + 1), 10_000);
    return () => window.clearInterval(timer);
  }, []);
  const tickers = useApi(
    (signal) => (connectionId && market ? api.get<{ items: Ticker[] }>("/api/v1/tickers", { connection_id: connectionId, symbols: market.symbol }, signal) : Promise.resolve({ items: [] as Ticker[] })),
    [connectionId, market?.symbol, tick],
  );
  const ticker = tickers.data?.items.find((t) => t.symbol === market?.symbol) ?? null;

  const settings = useApi((signal) => api.get<Settings>("/api/v1/portfolio/settings", undefined, signal).catch(() => undefined), []);
  const self = useApi((signal) => api.get<SelfToken>("/api/v1/tokens/self", undefined, signal).catch(() => undefined), []);
  // The quote currency's value in the user's currency, from this exchange's tickers (QUOTE/CUR or CUR/QUOTE).
  const currency = settings.data?.currency ?? "USD";
  const quote = market?.quote ?? "";
  const rate = useApi(
    async (signal) => {
      if (!connectionId || !quote) return null;
      if (quote === currency) return parseDec(1);
      const found = await api.get<{ items: Ticker[] }>("/api/v1/tickers", { connection_id: connectionId, symbols: `${quote}/${currency},${currency}/${quote}` }, signal).catch(() => ({ items: [] as Ticker[] }));
      const direct = found.items.find((t) => t.symbol === `${quote}/${currency}`)?.last;
      if (direct) return parseDec(direct);
      const inverse = found.items.find((t) => t.symbol === `${currency}/${quote}`)?.last;
      return inverse ? parseDec(1 / inverse) : null;
    },
    [connectionId, quote, currency],
  );

  const [input, setInput] = useState<TicketInput>(EMPTY);
  const [touched, setTouched] = useState(false);
  const checked = market ? checkTicket(input, market, ticker, touched) : null;
  const [confirming, setConfirming] = useState<{ body: OrderBody; checked: Checked } | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const submission = useRef<{ fingerprint: string; key: string } | null>(null);
  const stepUp = useStepUp();
  const outcomeRef = useRef<HTMLDivElement>(null);

  const types = typesOf(market);
  useEffect(() => {
    if (market && !types.includes(input.type)) setInput((i) => ({ ...i, type: types[0] ?? "market" }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [market?.symbol]);

  const openOrders = useApi(
    (signal) => (connectionId && market ? api.get<Page<Order>>("/api/v1/orders", { connection_id: connectionId, symbol: market.symbol, state: "open", limit: 100 }, signal) : Promise.resolve<Page<Order>>({ items: [], next: null })),
    [connectionId, market?.symbol],
  );

  const pick = (next: { connection?: string; symbol?: string }) => {
    const search = new URLSearchParams(params);
    if (next.connection !== undefined) {
      search.set("connection", next.connection);
      search.delete("symbol");
    }
    if (next.symbol !== undefined) {
      if (next.symbol) search.set("symbol", next.symbol.toUpperCase());
      else search.delete("symbol");
    }
    setParams(search, { replace: true });
    setOutcome(null);
  };

  const set = <K extends keyof TicketInput>(key: K, value: TicketInput[K]) => setInput((i) => ({ ...i, [key]: value }));

  const review = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!market || !connection) return;
    const result = checkTicket(input, market, ticker, true);
    if (!result.body) {
      const first = (["amount", "cost", "price", "trigger"] as const).find((f) => result.errors[f]);
      if (first) document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setConfirming({ body: result.body, checked: result });
  };

  const place = async () => {
    if (!confirming || !connection) return;
    const fingerprint = submissionFingerprint(connection.id, confirming.body);
    // One key per submission: a retry of the same ticket (after a timeout or a refusal) reuses it, so the order is never placed twice.
    if (submission.current?.fingerprint !== fingerprint) {
      submission.current = { fingerprint, key: newIdempotencyKey() };
    }
    const key = submission.current.key;
    setBusy(true);
    setOutcome(null);
    try {
      const result = await stepUp.confirm(async (proof) => {
        const response = await request("POST", "/api/v1/orders", { body: { connection_id: connection.id, ...confirming.body }, idempotencyKey: key, ...(proof ? { stepUp: proof } : {}) });
        return { status: response.status, order: (await response.json()) as Order };
      }, "This order needs a fresh code from your authenticator app (it is above your step-up threshold, or its value cannot be known).");
      if (result) {
        const kind = result.status === 202 ? "pending" : result.status === 200 ? "replayed" : "placed";
        setOutcome({ kind, order: result.order });
        if (kind !== "pending") {
          submission.current = null;
          setInput((i) => ({ ...i, amount: "", cost: "" }));
          setTouched(false);
        }
        setConfirming(null);
        openOrders.reload();
      }
    } catch (error) {
      setOutcome({ kind: "refused", error });
      setConfirming(null);
    } finally {
      setBusy(false);
      window.setTimeout(() => outcomeRef.current?.focus(), 0);
    }
  };

  const notionalInCurrency = (n: Dec | null): number | null => (n && rate.data ? Number(format(mul(n, rate.data))) : null);
  const fieldError = (name: keyof Checked["errors"]) => checked?.errors[name];
  const describedBy = (name: string, extra?: string) => [fieldError(name as keyof Checked["errors"]) ? `${id}-${name}-error` : "", extra ?? ""].filter(Boolean).join(" ") || undefined;

  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>Trade</h1>
      {connections.loading && !connections.data ? <Loading label="Loading your exchanges…" /> : null}
      <ErrorNotice error={connections.error} onRetry={connections.reload} />
      {connections.data && list.length === 0 ? (
        <div className="card empty">
          <h2>Connect an exchange first</h2>
          <p>Trading goes through one of your exchange accounts, with a key that can trade.</p>
          <Link className="button primary" to="/exchanges/connect">
            Connect an exchange
          </Link>
        </div>
      ) : null}

      {list.length > 0 ? (
        <div className="tr-layout">
          <form className="card stack tr-ticket" onSubmit={review} noValidate aria-label="Order ticket">
            <h2>Order ticket</h2>
            <div className="tr-grid">
              <label className="field" htmlFor={`${id}-connection`}>
                <span>Exchange</span>
                <select id={`${id}-connection`} value={connectionId} onChange={(e) => pick({ connection: e.target.value })}>
                  {list.map((c) => (
                    <option key={c.id} value={c.id} disabled={Boolean(usable(c))}>
                      {c.label} ({exchangeName(c.exchange)}){usable(c) ? ` — ${usable(c)}` : ""}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field" htmlFor={`${id}-symbol`}>
                <span>Symbol</span>
                <input
                  id={`${id}-symbol`}
                  list={`${id}-markets`}
                  autoComplete="off"
                  autoCapitalize="characters"
                  spellCheck={false}
                  placeholder="BTC/USDT"
                  value={symbolText}
                  onChange={(e) => {
                    setSymbolText(e.target.value);
                    const exact = markets.data?.items.find((m) => m.symbol === e.target.value.trim().toUpperCase());
                    if (exact) pick({ symbol: exact.symbol });
                  }}
                  onBlur={() => symbolText.trim().toUpperCase() !== symbol && pick({ symbol: symbolText.trim() })}
                  aria-invalid={Boolean(symbol && markets.data && !market)}
                  aria-describedby={`${id}-symbol-help`}
                />
                <datalist id={`${id}-markets`}>
                  {markets.data?.items.filter((m) => m.active).map((m) => (
                    <option key={m.symbol} value={m.symbol} />
                  ))}
                </datalist>
                <small id={`${id}-symbol-help`}>
                  {markets.loading ? "Loading markets…" : symbol && markets.data && !market ? `${connection ? exchangeName(connection.exchange) : "The exchange"} has no market ${symbol}. Type BASE/QUOTE, e.g. BTC/USDT.` : `${markets.data?.items.length ?? 0} markets, as BASE/QUOTE`}
                </small>
              </label>
            </div>
            <ErrorNotice error={markets.error} onRetry={markets.reload} />

            {market && checked ? (
              <>
                <div className="tr-grid">
                  <label className="field" htmlFor={`${id}-side`}>
                    <span>Side</span>
                    <select id={`${id}-side`} className={input.side === "buy" ? "tr-buy" : "tr-sell"} value={input.side} onChange={(e) => set("side", e.target.value as TicketInput["side"])}>
                      <option value="buy">Buy {market.base}</option>
                      <option value="sell">Sell {market.base}</option>
                    </select>
                  </label>
                  <label className="field" htmlFor={`${id}-type`}>
                    <span>Order type</span>
                    <select id={`${id}-type`} value={input.type} onChange={(e) => set("type", e.target.value as OrderType)} aria-describedby={`${id}-type-help`}>
                      {types.map((t) => (
                        <option key={t} value={t}>
                          {ORDER_TYPE_NAMES[t]}
                        </option>
                      ))}
                    </select>
                    <small id={`${id}-type-help`}>{ORDER_TYPE_HELP[input.type]}</small>
                  </label>
                  {input.type === "market" && input.side === "buy" ? (
                    <label className="field" htmlFor={`${id}-sizeby`}>
                      <span>Size the buy by</span>
                      <select id={`${id}-sizeby`} value={input.sizeBy} onChange={(e) => set("sizeBy", e.target.value as TicketInput["sizeBy"])}>
                        <option value="amount">{market.base} to buy</option>
                        <option value="cost">{market.quote} to spend</option>
                      </select>
                    </label>
                  ) : null}
                  {checked.fields.amount ? (
                    <NumberField id={`${id}-amount`} label="Amount" unit={market.base} value={input.amount} onChange={(v) => set("amount", v)} error={fieldError("amount")} describedBy={describedBy("amount", `${id}-amount-rule`)} rule={`Step ${format(parseDec(market.amount_step) ?? { units: 0n, scale: 0 })}${market.min_amount ? `, at least ${amount(market.min_amount)}` : ""}`} />
                  ) : null}
                  {checked.fields.cost ? <NumberField id={`${id}-cost`} label={`Spend (${market.quote})`} unit={market.quote} value={input.cost} onChange={(v) => set("cost", v)} error={fieldError("cost")} describedBy={describedBy("cost", `${id}-cost-rule`)} rule={market.min_cost ? `At least ${amount(market.min_cost)} ${market.quote}` : "What the buy spends at the market"} /> : null}
                  {checked.fields.trigger ? <NumberField id={`${id}-trigger`} label="Trigger" unit={market.quote} value={input.trigger} onChange={(v) => set("trigger", v)} error={fieldError("trigger")} describedBy={describedBy("trigger", `${id}-trigger-rule`)} rule={`The price that sets the order off; tick ${amount(market.price_tick)}`} /> : null}
                  {checked.fields.price ? <NumberField id={`${id}-price`} label="Price" unit={market.quote} value={input.price} onChange={(v) => set("price", v)} error={fieldError("price")} describedBy={describedBy("price", `${id}-price-rule`)} rule={`Limit price; tick ${amount(market.price_tick)}`} /> : null}
                  {checked.fields.timeInForce ? (
                    <label className="field" htmlFor={`${id}-tif`}>
                      <span>Time in force</span>
                      <select id={`${id}-tif`} value={input.timeInForce} onChange={(e) => set("timeInForce", e.target.value as TimeInForce)}>
                        {(Object.keys(TIME_IN_FORCE_NAMES) as TimeInForce[]).map((t) => (
                          <option key={t} value={t}>
                            {TIME_IN_FORCE_NAMES[t]} ({t})
                          </option>
                        ))}
                      </select>
                    </label>
                  ) : null}
                  {checked.fields.postOnly ? (
                    <label className="check tr-check">
                      <input type="checkbox" checked={input.postOnly} onChange={(e) => set("postOnly", e.target.checked)} />
                      <span>Post-only (maker only: cancelled rather than filled at once)</span>
                    </label>
                  ) : null}
                </div>

                <div className="tr-summary" aria-live="polite">
                  {checked.errors.form ? <p className="notice notice-error">{checked.errors.form}</p> : null}
                  {checked.adjustments.length > 0 ? (
                    <div className="notice notice-warn">
                      <p className="notice-what">Will be sent as the exchange takes it:</p>
                      <ul>
                        {checked.adjustments.map((a) => (
                          <li key={a}>{a}</li>
                        ))}
                      </ul>
                    </div>
                  ) : null}
                  {checked.notional ? (
                    <p>
                      Value about <strong>{amount(format(checked.notional))} {market.quote}</strong>
                      {notionalInCurrency(checked.notional) !== null && quote !== currency ? <> (≈ {money(notionalInCurrency(checked.notional), currency)})</> : null} at the {checked.notionalBasis}.
                    </p>
                  ) : null}
                </div>
                <div className="row">
                  <button type="submit" className={`button ${input.side === "buy" ? "primary" : "danger"}`}>
                    Place order
                  </button>
                </div>
              </>
            ) : null}
          </form>

          {market ? (
            <aside className="card stack tr-rules" aria-labelledby={`${id}-rules`}>
              <h2 id={`${id}-rules`}>{market.symbol}</h2>
              <dl className="kv">
                <dt>Last price</dt>
                <dd>
                  {ticker?.last ? `${amount(ticker.last)} ${market.quote}` : "unknown"}
                  {ticker?.timestamp ? <span className="muted small"> ({ago(ticker.timestamp)})</span> : null}
                </dd>
                <dt>Bid / ask</dt>
                <dd>
                  {amount(ticker?.bid)} / {amount(ticker?.ask)}
                </dd>
                {rulesOf(market).map((r) => (
                  <FragmentRow key={r.label} label={r.label} value={r.value} />
                ))}
                <dt>Order types</dt>
                <dd>{types.map((t) => ORDER_TYPE_NAMES[t]).join(", ")}</dd>
              </dl>
              <ActingLimits self={self.data} settings={settings.data} />
            </aside>
          ) : null}
        </div>
      ) : null}

      <div ref={outcomeRef} tabIndex={-1} aria-live="polite" className="tr-outcome">
        {busy ? <Loading label="Placing the order…" /> : null}
        <OutcomeView outcome={outcome} />
      </div>

      {market && connection ? (
        <div className="stack">
          <div className="page-head">
            <h2>Open {market.symbol} orders on {connection.label}</h2>
            {openOrders.data && openOrders.data.items.length > 0 ? <CancelAllButton connection={connection} symbol={market.symbol} count={openOrders.data.items.length} onDone={() => openOrders.reload()} /> : null}
          </div>
          <ErrorNotice error={openOrders.error} onRetry={openOrders.reload} />
          {openOrders.data && openOrders.data.items.length === 0 ? <p className="muted">No open orders in this market.</p> : null}
          {openOrders.data && openOrders.data.items.length > 0 ? <OrdersTable orders={openOrders.data.items} connections={list} onChanged={openOrders.reload} caption={`Open ${market.symbol} orders`} /> : null}
        </div>
      ) : null}

      {confirming && market && connection ? (
        <Dialog open title="Confirm the order" onClose={() => !busy && setConfirming(null)}>
          <ConfirmBody body={confirming.body} checked={confirming.checked} market={market} connection={connection} currency={currency} inCurrency={notionalInCurrency(confirming.checked.notional)} self={self.data} settings={settings.data} />
          <div className="row">
            <button type="button" className={`button ${confirming.body.side === "buy" ? "primary" : "danger"}`} onClick={place} disabled={busy}>
              {busy ? "Placing…" : "Confirm order"}
            </button>
            <button type="button" className="button secondary" onClick={() => setConfirming(null)} disabled={busy}>
              Back to the ticket
            </button>
          </div>
        </Dialog>
      ) : null}
      {stepUp.element}
    </section>
  );
}

function FragmentRow({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function NumberField({ id, label, unit, value, onChange, error, describedBy, rule }: { id: string; label: string; unit: string; value: string; onChange: (v: string) => void; error: string | undefined; describedBy: string | undefined; rule: string }) {
  return (
    <label className="field" htmlFor={id}>
      <span>{label}</span>
      <span className="tr-input">
        <input id={id} inputMode="decimal" autoComplete="off" spellCheck={false} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={Boolean(error)} aria-describedby={describedBy} />
        <span className="tr-unit" aria-hidden="true">
          {unit}
        </span>
      </span>
      <small id={`${id}-rule`}>{rule}</small>
      {error ? (
        <small id={`${id}-error`} className="tr-error">
          {error}
        </small>
      ) : null}
    </label>
  );
}

function ActingLimits({ self, settings }: { self: SelfToken | undefined; settings: Settings | undefined }) {
  const currency = settings?.currency ?? "USD";
  const words = limitWords(self?.trading, currency);
  return (
    <div>
      <h3>Acting limits</h3>
      <ul className="small">
        {words.length === 0 ? <li>This session has no trading limits of its own beyond the market's rules.</li> : words.map((w) => <li key={w}>{w}</li>)}
        {settings ? <li>Orders worth {money(settings.step_up_threshold, currency)} or more (or of unknown value) need your second factor.</li> : null}
      </ul>
    </div>
  );
}

function ConfirmBody({ body, checked, market, connection, currency, inCurrency, self, settings }: { body: OrderBody; checked: Checked; market: Market; connection: Connection; currency: string; inCurrency: number | null; self: SelfToken | undefined; settings: Settings | undefined }) {
  const stepUpNeeded = needsStepUp(inCurrency, settings);
  return (
    <div className="stack">
      <dl className="kv">
        <dt>Account</dt>
        <dd>
          {connection.label} ({exchangeName(connection.exchange)})
        </dd>
        <dt>Order</dt>
        <dd>
          <strong className={body.side === "buy" ? "sign-pos" : "sign-neg"}>{body.side === "buy" ? "Buy" : "Sell"}</strong> {market.symbol}, {ORDER_TYPE_NAMES[body.type].toLowerCase()}
          {body.time_in_force ? `, ${TIME_IN_FORCE_NAMES[body.time_in_force].toLowerCase()}` : ""}
          {body.post_only ? ", post-only" : ""}
        </dd>
        {body.amount !== undefined ? (
          <>
            <dt>Amount</dt>
            <dd>
              {amount(body.amount)} {market.base}
            </dd>
          </>
        ) : null}
        {body.cost !== undefined ? (
          <>
            <dt>Spend</dt>
            <dd>
              {amount(body.cost)} {market.quote}
            </dd>
          </>
        ) : null}
        {body.trigger_price !== undefined ? (
          <>
            <dt>Trigger</dt>
            <dd>
              {amount(body.trigger_price)} {market.quote}
            </dd>
          </>
        ) : null}
        <dt>Price</dt>
        <dd>{body.price !== undefined ? `${amount(body.price)} ${market.quote}` : body.trigger_price !== undefined ? "at the market once triggered" : "at the market"}</dd>
        <dt>Value</dt>
        <dd>
          {checked.notional ? `about ${amount(format(checked.notional))} ${market.quote}` : "unknown until it fills"}
          {inCurrency !== null && market.quote !== currency ? ` ≈ ${money(inCurrency, currency)}` : ""}
          {checked.notionalBasis ? <span className="muted small"> (at the {checked.notionalBasis})</span> : null}
        </dd>
      </dl>
      {checked.adjustments.length > 0 ? (
        <ul className="small">
          {checked.adjustments.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      ) : null}
      <div className="small">
        <p className="notice-what">Acting limits</p>
        <ul>
          {limitWords(self?.trading, currency).map((w) => (
            <li key={w}>{w}</li>
          ))}
          {settings ? <li>Step-up at {money(settings.step_up_threshold, currency)}: {stepUpNeeded ? "this order will ask for your second factor." : "this order is below it."}</li> : null}
        </ul>
      </div>
    </div>
  );
}

function OutcomeView({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  if (outcome.kind === "refused") {
    const constraint = constraintWords(outcome.error);
    const stepUpCancelled = outcome.error instanceof ApiError && outcome.error.slug === "step-up-required";
    return (
      <div className="stack">
        <h2>Order refused</h2>
        {constraint ? <p className="notice-what">{constraint}</p> : null}
        {!stepUpCancelled ? <p className="small muted">Pressing “Place order” again with the same ticket retries this very submission: it can never be placed twice.</p> : null}
        <ErrorNotice error={outcome.error} />
      </div>
    );
  }
  const o = outcome.order;
  const head = outcome.kind === "pending" ? "Sent, not yet confirmed" : outcome.kind === "replayed" ? "Already placed" : "Order placed";
  const text =
    outcome.kind === "pending"
      ? "The exchange's answer did not arrive. Coffer is checking by the order's client id and will never send it twice; its state appears below and in Orders."
      : outcome.kind === "replayed"
        ? "This exact submission was placed before; here is that order. Nothing new was sent."
        : `State: ${stateName(o.state)}${o.filled ? `, ${amount(o.filled)} filled${o.average ? ` at ${amount(o.average)}` : ""}` : ""}.`;
  return (
    <div className={`notice ${outcome.kind === "pending" ? "notice-warn" : "notice-ok"}`}>
      <h2>{head}</h2>
      <p>
        {o.side === "buy" ? "Buy" : "Sell"} {o.amount !== null ? amount(o.amount) : ""} {o.symbol} ({ORDER_TYPE_NAMES[o.type as OrderType] ?? o.type}
        {o.price !== null ? ` at ${amount(o.price)}` : ""}). {text}
      </p>
      {o.adjustments?.length ? <p className="small">Adjusted to the market's rules: {o.adjustments.join("; ")}.</p> : null}
      <p className="small">
        <Link to="/orders">See all orders</Link>
      </p>
    </div>
  );
}
