import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api, ndjson, request } from "../../api/client";
import type { ConnectionSetup } from "../../api/connections";
import { amount } from "../../app/format";
import { useApi } from "../../app/useApi";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { useStepUp } from "../../components/StepUp";
import "../common/common.css";
import { useConnections } from "../common/useConnections";
import { AllowListAddress } from "./AllowListAddress";
import { connectGuide, EXCHANGES, exchangeInfo, permissionWords, refusalWords, type Connection } from "./exchanges";
import "./exchanges.css";
import { KeyFields, type KeyValues } from "./KeyFields";

interface Holding {
  connection_id: string;
  asset: string;
  total: number;
}

type Phase =
  | { kind: "form" }
  | { kind: "verifying" }
  | { kind: "connected"; connection: Connection; balances: Holding[] | null; syncing: boolean }
  | { kind: "refused"; error: unknown };

const STEPS = ["Exchange", "Make a key", "Enter it", "Verify", "Result"];

export default function ConnectPage() {
  const id = useId();
  const [exchange, setExchange] = useState("");
  const [label, setLabel] = useState("");
  const [keys, setKeys] = useState<KeyValues>({ apiKey: "", secret: "" });
  const [baseUrl, setBaseUrl] = useState("");
  const [phase, setPhase] = useState<Phase>({ kind: "form" });
  const stepUp = useStepUp();
  const connections = useConnections();
  const resultRef = useRef<HTMLDivElement>(null);
  // The address to allow-list (COFFER_EGRESS_IP), whether a base URL is accepted, and the exchanges the server connects.
  const setup = useApi((signal) => api.get<ConnectionSetup>("/api/v1/connections/setup", undefined, signal), []);
  const guide = connectGuide(setup.data, connections.data);
  const info = exchangeInfo(exchange);

  const step = phase.kind === "connected" || phase.kind === "refused" ? 4 : phase.kind === "verifying" ? 3 : !info ? 0 : keys.apiKey || keys.secret || label ? 2 : 1;

  useEffect(() => {
    if (phase.kind === "connected" || phase.kind === "refused") {
      resultRef.current?.focus();
    }
  }, [phase.kind]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!info) {
      return;
    }
    const body = {
      exchange: info.id,
      label: label.trim(),
      api_key: keys.apiKey.trim(),
      secret: info.multilineSecret ? keys.secret.trim() + "\n" : keys.secret.trim(),
      ...(guide.baseUrl && baseUrl.trim() ? { base_url: baseUrl.trim() } : {}),
    };
    // The secret is in this one request only: the inputs are cleared now, whatever the answer.
    setKeys({ apiKey: "", secret: "" });
    setPhase({ kind: "verifying" });
    try {
      const connection = await stepUp.confirm((proof) => api.post<Connection>("/api/v1/connections", body, proof ? { stepUp: proof } : {}), "Adding an exchange key needs a fresh code from your authenticator app.");
      if (!connection) {
        setPhase({ kind: "form" });
        return;
      }
      setPhase({ kind: "connected", connection, balances: null, syncing: true });
      setLabel("");
      setBaseUrl("");
      setPhase({ kind: "connected", connection, balances: await firstBalances(connection.id), syncing: false });
    } catch (error) {
      setPhase({ kind: "refused", error });
    }
  };

  const again = () => {
    setPhase({ kind: "form" });
  };

  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>Connect an exchange</h1>
      <ol className="xc-steps" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li key={s} aria-current={i === step ? "step" : undefined}>
            {i + 1}. {s}
          </li>
        ))}
      </ol>

      {phase.kind === "connected" ? (
        <div className="card stack" ref={resultRef} tabIndex={-1} aria-live="polite">
          <h2>Connected: {phase.connection.label}</h2>
          <p>
            {exchangeInfo(phase.connection.exchange)?.name} accepted the key. It can {permissionWords(phase.connection.permissions).join(" and ").toLowerCase() || "do nothing Coffer needs"}; it
            cannot withdraw or transfer funds. Its secret is in Coffer's vault and will never be shown again.
          </p>
          {!phase.connection.permissions.trade ? <p className="notice notice-warn">This key is read only: to trade from Coffer, give it trade permission on the exchange, then re-verify it on the Exchanges page.</p> : null}
          {phase.syncing ? <Loading label="Reading balances…" /> : null}
          {phase.balances && phase.balances.length > 0 ? (
            <div>
              <h3>Balances found</h3>
              <ul>
                {phase.balances.map((h) => (
                  <li key={h.asset}>
                    {amount(h.total)} {h.asset}
                  </li>
                ))}
              </ul>
            </div>
          ) : phase.balances ? (
            <p>No balances were found on this account yet. Deposit on the exchange, and they appear at the next sync.</p>
          ) : !phase.syncing ? (
            <p>Balances appear on the dashboard after the first sync.</p>
          ) : null}
          <div className="row">
            <Link className="button primary" to="/">
              Go to the dashboard
            </Link>
            <Link className="button secondary" to="/exchanges">
              See your exchanges
            </Link>
          </div>
        </div>
      ) : null}

      {phase.kind === "refused" ? (
        <div className="card stack" ref={resultRef} tabIndex={-1}>
          <Refusal error={phase.error} exchange={exchange} />
          <div className="row">
            <button type="button" className="button primary" onClick={again}>
              Try again with another key
            </button>
          </div>
        </div>
      ) : null}

      {phase.kind === "form" || phase.kind === "verifying" ? (
        <form className="stack" onSubmit={submit} aria-busy={phase.kind === "verifying"}>
          <div className="card stack">
            <h2>1. Choose the exchange</h2>
            <label className="field" htmlFor={`${id}-exchange`}>
              <span>Exchange</span>
              <select id={`${id}-exchange`} value={exchange} onChange={(e) => setExchange(e.target.value)} required disabled={phase.kind === "verifying"}>
                <option value="">Choose…</option>
                {EXCHANGES.map((e) => (
                  <option key={e.id} value={e.id} disabled={!guide.available(e.id)}>
                    {guide.available(e.id) ? e.name : `${e.name} (coming later)`}
                  </option>
                ))}
              </select>
            </label>
            <p className="muted small">OKX, Bybit and KuCoin are coming later.</p>
          </div>

          {info ? (
            <div className="card stack xc-guide">
              <h2>2. Make a key on {info.name}</h2>
              <div>
                <h3>Where</h3>
                <ol>
                  {info.where.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ol>
              </div>
              <div>
                <h3>Tick only these</h3>
                <ul>
                  {info.tick.map((t) => (
                    <li key={t}>{t}</li>
                  ))}
                </ul>
              </div>
              <div>
                <h3>Never tick</h3>
                <ul className="xc-never">
                  {info.never.map((t) => (
                    <li key={t}>✕ {t}</li>
                  ))}
                </ul>
                <p className="small">Coffer asks {info.name} what the key may do and refuses a key that can withdraw or transfer funds.</p>
              </div>
              <div>
                <h3>Allow-list Coffer's address</h3>
                <p>{info.ipHelp}</p>
                <AllowListAddress egress={guide.egress} loading={setup.loading || connections.loading} />
              </div>
              <p className="small">
                <a href={info.docs} target="_blank" rel="noreferrer noopener">
                  {info.name}'s own guide to API keys
                </a>{" "}
                (opens in a new tab)
              </p>
            </div>
          ) : null}

          {info ? (
            <div className="card stack">
              <h2>3. Enter the key</h2>
              <label className="field" htmlFor={`${id}-label`}>
                <span>Label</span>
                <input id={`${id}-label`} name="label" autoComplete="off" required maxLength={64} value={label} onChange={(e) => setLabel(e.target.value)} disabled={phase.kind === "verifying"} aria-describedby={`${id}-label-help`} />
                <small id={`${id}-label-help`}>Your name for this account, e.g. “{info.name} main”.</small>
              </label>
              <KeyFields exchange={info} values={keys} onChange={setKeys} disabled={phase.kind === "verifying"} />
              {guide.baseUrl ? (
                <details className="xc-advanced">
                  <summary>Advanced</summary>
                  <label className="field" htmlFor={`${id}-base`}>
                    <span>Base URL</span>
                    <input id={`${id}-base`} type="url" inputMode="url" autoComplete="off" placeholder="https://testnet.example.com" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} disabled={phase.kind === "verifying"} aria-describedby={`${id}-base-help`} />
                    <small id={`${id}-base-help`}>Only for the exchange's testnet, the Coffer sandbox or a proxy. Leave empty for the real exchange. The server must allow custom URLs.</small>
                  </label>
                </details>
              ) : null}
              <div aria-live="polite">
                {phase.kind === "verifying" ? <Loading label={`Checking the key with ${info.name}: signed calls for its permissions and balances. This takes a few seconds…`} /> : null}
              </div>
              <div className="row">
                <button type="submit" className="button primary" disabled={phase.kind === "verifying"}>
                  Connect
                </button>
                <Link className="button secondary" to="/exchanges">
                  Cancel
                </Link>
              </div>
              <p className="small muted">You will be asked for a code from your authenticator app.</p>
            </div>
          ) : null}
        </form>
      ) : null}
      {stepUp.element}
    </section>
  );
}

function Refusal({ error, exchange }: { error: unknown; exchange: string }) {
  const words = refusalWords(error, exchange);
  if (!words) {
    return (
      <>
        <h2>Not connected</h2>
        <ErrorNotice error={error} />
      </>
    );
  }
  return (
    <div className="stack" role="alert">
      <h2>{words.title}</h2>
      <p>{words.what}</p>
      <h3>What to do</h3>
      <ol>
        {words.fix.map((f) => (
          <li key={f}>{f}</li>
        ))}
      </ol>
    </div>
  );
}

/** Syncs now (the refresh reports each connection as it finishes) and reads what the new connection holds. */
async function firstBalances(connectionId: string): Promise<Holding[] | null> {
  try {
    const response = await request("POST", "/api/v1/portfolio/refresh", { body: {}, accept: "application/x-ndjson" });
    for await (const line of ndjson<{ connection_id?: string }>(response)) {
      if (line.connection_id === connectionId) {
        break;
      }
    }
    const balances = await api.get<{ items: Holding[] }>("/api/v1/portfolio/balances");
    return balances.items.filter((h) => h.connection_id === connectionId && h.total > 0);
  } catch {
    return null;
  }
}
