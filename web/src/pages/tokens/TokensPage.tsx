import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api } from "../../api/client";
import type { Page } from "../../api/types";
import { ago, dateTime } from "../../app/format";
import { useMe } from "../../app/session";
import { useApi } from "../../app/useApi";
import { CopyButton } from "../../components/CopyButton";
import { Dialog } from "../../components/Dialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { Pager, useCursorPages } from "../../components/Pager";
import { useStepUp } from "../../components/StepUp";
import { SuccessNotice } from "../../components/SuccessNotice";
import { TableWrap } from "../../components/TableWrap";
import "../common/common.css";
import { useResetOn } from "../common/useResetOn";
import { limitWords } from "../trade/limits";
import { ConnectedAppsSection } from "../oauth/ConnectedAppsSection";
import { RevokeTokenDialog } from "./RevokeTokenDialog";
import { TradingLimitsFields } from "./TradingLimitsFields";
import { buildTokenRequest, EMPTY_TOKEN_FORM, EXPIRIES, inheritedExpiryLabel, needsStepUp, SCOPES, scopeLabel, type TokenForm, type TokenFormErrors } from "./tokens";
import "./tokens.css";
import { KIND_NAMES, type TokenInfo } from "./types";

export default function TokensPage() {
  const id = useId();
  const me = useMe();
  const [showAll, setShowAll] = useState(false);
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const pages = useCursorPages();
  useResetOn(String(includeRevoked), pages.reset);
  const tokens = useApi((signal) => api.get<Page<TokenInfo>>("/api/v1/tokens", { limit: 100, after: pages.cursor, include_revoked: includeRevoked || undefined }, signal), [pages.cursor, includeRevoked]);
  const [created, setCreated] = useState<{ token: string; accessor: string } | null>(null);
  const [revokeNotice, setRevokeNotice] = useState<string | null>(null);
  const items = (tokens.data?.items ?? []).filter((t) => showAll || t.kind === "api" || t.kind === "oauth");

  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>Tokens and apps</h1>
      <p className="muted">
        Give bots, tax software and dashboards a Coffer token instead of an exchange key: scoped, limited, revocable at once, and every use logged.
      </p>

      <CreateTokenForm
        sessionExpires={me.session.expires_at}
        available={me.scopes}
        canStepUp={me.second_factors.totp || me.second_factors.passkeys > 0}
        onCreated={(t) => {
          setCreated(t);
          tokens.reload();
        }}
      />

      <div className="stack">
        <div className="page-head">
          <h2>Your tokens</h2>
          <div className="row">
            <label className="check">
              <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />
              <span>Also sessions and exchange credentials</span>
            </label>
            <label className="check">
              <input type="checkbox" checked={includeRevoked} onChange={(e) => setIncludeRevoked(e.target.checked)} />
              <span>Show revoked</span>
            </label>
          </div>
        </div>
        <SuccessNotice message={revokeNotice} boxed />
        <ErrorNotice error={tokens.error} onRetry={tokens.reload} />
        {tokens.loading && !tokens.data ? <Loading label="Loading tokens…" /> : null}
        {tokens.data && items.length === 0 ? (
          <div className="card empty">
            <p>No API tokens yet.</p>
            <p className="muted">Create one above for each tool that should read your portfolio or trade for you.</p>
          </div>
        ) : null}
        {items.length > 0 ? (
          <TableWrap label="Your tokens">
            <table className="rt">
              <caption className="visually-hidden">Your tokens</caption>
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col">Kind</th>
                  <th scope="col">May</th>
                  <th scope="col">Limits</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Uses</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((t) => (
                  <TokenRow key={t.accessor} token={t} current={t.accessor === me.session.accessor} currency={me.currency} onRevoked={(n) => { setRevokeNotice(n); tokens.reload(); }} />
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
        {tokens.data && (tokens.data.next || pages.page > 0) ? <Pager page={pages.page} hasNext={Boolean(tokens.data.next)} onPrevious={pages.previous} onNext={() => tokens.data?.next && pages.next(tokens.data.next)} /> : null}
      </div>

      <ConnectedAppsSection currency={me.currency} />

      {created ? <CreatedDialog created={created} onClose={() => setCreated(null)} /> : null}
    </section>
  );
}

function constraintsOf(t: TokenInfo, currency: string): string[] {
  const words = limitWords(t.trading, currency);
  if (t.ip_allowlist.length) words.push(`From ${t.ip_allowlist.join(", ")}`);
  if (t.max_uses) words.push(`${t.max_uses} uses at most`);
  return words;
}

function TokenRow({ token: t, current, currency, onRevoked }: { token: TokenInfo; current: boolean; currency: string; onRevoked: (notice: string) => void }) {
  const [confirm, setConfirm] = useState(false);
  const name = t.display_name || t.accessor;
  const nameId = `tok-${t.accessor}`;
  const expired = t.expires_at !== null && new Date(t.expires_at).getTime() < Date.now();
  return (
    <tr className={t.revoked ? "tk-revoked" : undefined}>
      <td data-label="Token">
        <Link id={nameId} to={`/tokens/${encodeURIComponent(t.accessor)}`}>
          {name}
        </Link>
        {t.display_name ? <div className="mono small muted">{t.accessor}</div> : null}
        {current ? <span className="badge ok">this browser</span> : null}
        {t.revoked ? <span className="badge bad">revoked {ago(t.revoked_at)}</span> : expired ? <span className="badge warn">expired</span> : null}
      </td>
      <td data-label="Kind">{KIND_NAMES[t.kind] ?? t.kind}</td>
      <td data-label="May" className="small">{t.scopes.map(scopeLabel).join(", ")}</td>
      <td data-label="Limits" className="small">{constraintsOf(t, currency).join("; ") || "none of its own"}</td>
      <td data-label="Created">
        <time dateTime={t.created_at}>{dateTime(t.created_at)}</time>
      </td>
      <td data-label="Expires">{t.expires_at ? <time dateTime={t.expires_at}>{dateTime(t.expires_at)}</time> : "never"}</td>
      <td data-label="Uses">
        {t.uses}
        {t.max_uses ? ` of ${t.max_uses}` : ""}
      </td>
      <td data-label="Last used">{t.last_used_at ? <time dateTime={t.last_used_at} title={dateTime(t.last_used_at)}>{ago(t.last_used_at)}</time> : "never"}</td>
      <td data-label="Actions">
        {!t.revoked && t.kind !== "trader" ? (
          <button type="button" className="button danger small-button" onClick={() => setConfirm(true)} aria-describedby={nameId}>
            Revoke
          </button>
        ) : null}
        {confirm ? (
          <RevokeTokenDialog
            token={t}
            current={current}
            onClose={() => setConfirm(false)}
            onRevoked={(revoked) => {
              setConfirm(false);
              onRevoked(revoked === 0 ? `${name} was already revoked.` : `Revoked ${name}${revoked > 1 ? ` and ${revoked - 1} token(s) below it` : ""}: ${revoked} token(s) in all, on every node at once.`);
            }}
          />
        ) : null}
      </td>
    </tr>
  );
}

function CreateTokenForm({ available, sessionExpires, canStepUp, onCreated }: { available: string[]; sessionExpires: string; canStepUp: boolean; onCreated: (t: { token: string; accessor: string }) => void }) {
  const id = useId();
  // Under the root by default (it outlives this session); without a second factor there is no step-up, so only a token
  // inside this session can be made until one is set up.
  const initial = (): TokenForm => ({ ...EMPTY_TOKEN_FORM, scopes: EMPTY_TOKEN_FORM.scopes.filter((s) => available.includes(s)), underRoot: canStepUp, expiry: canStepUp ? EMPTY_TOKEN_FORM.expiry : "parent" });
  const [form, setForm] = useState<TokenForm>(initial);
  const [errors, setErrors] = useState<TokenFormErrors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const stepUp = useStepUp();
  const set = <K extends keyof TokenForm>(key: K, value: TokenForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const scopes = SCOPES.filter((s) => available.includes(s.scope));
  const trades = form.scopes.includes("orders:write");
  const sessionLeft = (new Date(sessionExpires).getTime() - Date.now()) / 1000;
  const tooLong = (seconds: number | null) => !form.underRoot && seconds !== null && seconds > sessionLeft;
  const stepUpAhead = needsStepUp({ scopes: form.scopes, ...(form.underRoot ? { parent: "root" as const } : {}) });
  const setUnderRoot = (underRoot: boolean) =>
    setForm((f) => {
      // Inside the session an expiry beyond the session's is refused: fall back to the session's own.
      const seconds = EXPIRIES.find((x) => x.value === f.expiry)?.seconds ?? null;
      return { ...f, underRoot, expiry: !underRoot && seconds !== null && seconds > sessionLeft ? "parent" : f.expiry };
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { body, errors } = buildTokenRequest(form);
    setErrors(errors);
    if (!body) {
      const first = Object.keys(errors)[0];
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await stepUp.confirm(
        (proof) => api.post<{ token: string; accessor: string }>("/api/v1/tokens", body, proof ? { stepUp: proof } : {}),
        body.parent === "root"
          ? "A token that stays valid after you sign out needs a fresh code from your authenticator app."
          : "A token that can place orders needs a fresh code from your authenticator app.",
        needsStepUp(body),
      );
      if (created) {
        onCreated({ token: created.token, accessor: created.accessor });
        setForm(initial());
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const err = (key: keyof TokenForm) =>
    errors[key] ? (
      <small id={`${id}-${key}-error`} className="tk-error">
        {errors[key]}
      </small>
    ) : null;
  const described = (key: keyof TokenForm, help?: string) => [errors[key] ? `${id}-${key}-error` : "", help ?? ""].filter(Boolean).join(" ") || undefined;

  return (
    <>
      <form className="card stack" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Create a token</h2>
        <label className="field" htmlFor={`${id}-displayName`}>
          <span>Name</span>
          <input id={`${id}-displayName`} maxLength={100} autoComplete="off" placeholder="e.g. tax export, grid bot" value={form.displayName} onChange={(e) => set("displayName", e.target.value)} aria-invalid={Boolean(errors.displayName)} aria-describedby={described("displayName")} />
          {err("displayName")}
        </label>

        <fieldset aria-describedby={described("scopes")}>
          <legend>What it may do</legend>
          <div className="tk-scopes" id={`${id}-scopes`} tabIndex={-1}>
            {scopes.map((s) => (
              <label key={s.scope} className="tk-scope">
                <input
                  type="checkbox"
                  checked={form.scopes.includes(s.scope)}
                  onChange={(e) => set("scopes", e.target.checked ? [...form.scopes, s.scope] : form.scopes.filter((x) => x !== s.scope))}
                />
                <span>
                  {s.label} <span className="mono small muted">{s.scope}</span>
                </span>
                <small>{s.help}</small>
              </label>
            ))}
          </div>
          {err("scopes")}
        </fieldset>

        <fieldset>
          <legend>Lifetime</legend>
          <label className="check">
            <input type="checkbox" checked={form.underRoot} disabled={!canStepUp} onChange={(e) => setUnderRoot(e.target.checked)} aria-describedby={`${id}-root-help`} />
            <span>Keep it working after I sign out</span>
          </label>
          <small id={`${id}-root-help`} className="muted">
            {form.underRoot ? (
              "It stays valid after you sign out, until it expires or you revoke it. Creating it asks for your second factor."
            ) : canStepUp ? (
              <>It ends with this browser session: when you sign out, or at {dateTime(sessionExpires)}.</>
            ) : (
              <>
                It ends with this browser session: when you sign out, or at {dateTime(sessionExpires)}. To make tokens that outlive it, <Link to="/security">set up a second factor</Link>.
              </>
            )}
          </small>
        </fieldset>

        <fieldset>
          <legend>Limits</legend>
          <div className="tk-limits">
            <label className="field" htmlFor={`${id}-ipRanges`}>
              <span>IP ranges</span>
              <textarea id={`${id}-ipRanges`} rows={2} autoComplete="off" spellCheck={false} placeholder="203.0.113.0/24" value={form.ipRanges} onChange={(e) => set("ipRanges", e.target.value)} aria-invalid={Boolean(errors.ipRanges)} aria-describedby={described("ipRanges", `${id}-ip-help`)} />
              <small id={`${id}-ip-help`}>Addresses or CIDR ranges it may be used from, separated by commas. Empty: any address.</small>
              {err("ipRanges")}
            </label>
            <label className="field" htmlFor={`${id}-expiry`}>
              <span>Expires after</span>
              <select id={`${id}-expiry`} value={form.expiry} onChange={(e) => set("expiry", e.target.value)} aria-describedby={`${id}-expiry-help`}>
                {EXPIRIES.map((x) => (
                  <option key={x.value} value={x.value} disabled={tooLong(x.seconds)}>
                    {x.value === "parent" ? inheritedExpiryLabel(form.underRoot) : x.label}
                    {tooLong(x.seconds) ? " (longer than this session)" : ""}
                  </option>
                ))}
              </select>
              <small id={`${id}-expiry-help`}>
                {form.underRoot ? "Revoking it, or freezing your account, ends it sooner." : `Inside this browser session it cannot outlive it (${dateTime(sessionExpires)}).`}
              </small>
            </label>
            <label className="field" htmlFor={`${id}-maxUses`}>
              <span>Maximum uses</span>
              <input id={`${id}-maxUses`} inputMode="numeric" autoComplete="off" value={form.maxUses} onChange={(e) => set("maxUses", e.target.value)} aria-invalid={Boolean(errors.maxUses)} aria-describedby={described("maxUses")} />
              {err("maxUses")}
            </label>
          </div>
        </fieldset>

        {trades ? <TradingLimitsFields id={id} form={form} errors={errors} onChange={(patch) => setForm((f) => ({ ...f, ...patch }))} /> : null}

        <ErrorNotice error={error} />
        <div className="row">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? "Creating…" : "Create token"}
          </button>
          {stepUpAhead ? <span className="small muted">You will be asked for a code from your authenticator app.</span> : null}
        </div>
      </form>
      {/* Outside the form: the step-up dialog has a form of its own, and forms do not nest. */}
      {stepUp.element}
    </>
  );
}

function CreatedDialog({ created, onClose }: { created: { token: string; accessor: string }; onClose: () => void }) {
  return (
    <Dialog open title="Your new token" onClose={onClose}>
      <div className="stack">
        <p className="notice notice-warn">
          Copy it now: it will not be shown again. Coffer keeps only its hash, so nobody — not even an admin — can show it to you later.
        </p>
        <p className="secret tk-value mono" aria-label="Token value">
          {created.token}
        </p>
        <div className="row">
          <CopyButton value={created.token} label="Copy token" className="button primary" />
        </div>
        <p className="small muted">
          Its accessor (safe to share, e.g. in logs) is <span className="mono">{created.accessor}</span>.
        </p>
        <div className="row">
          <button type="button" className="button secondary" onClick={onClose}>
            I have copied it
          </button>
        </div>
      </div>
    </Dialog>
  );
}
