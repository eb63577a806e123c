import { useEffect, useId, useState, type FormEvent } from "react";
import { api } from "../../api/client";
import { dateTime } from "../../app/format";
import { useMe } from "../../app/session";
import { useApi } from "../../app/useApi";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { CopyButton } from "../../components/CopyButton";
import { Dialog } from "../../components/Dialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { useStepUp } from "../../components/StepUp";
import { SuccessNotice } from "../../components/SuccessNotice";
import { TableWrap } from "../../components/TableWrap";
import "../common/common.css";
import { limitWords } from "../trade/limits";
import { TradingLimitsFields } from "../tokens/TradingLimitsFields";
import { scopeLabel } from "../tokens/tokens";
import "../tokens/tokens.css";
import { appScopeChoices, buildAppRequest, EMPTY_APP_FORM, MAX_REDIRECT_URIS, type AppForm, type AppFormErrors } from "./oauth";
import type { AppType, CreatedApp, OAuthApp } from "./types";
import { APP_TYPE_WORDS } from "./words";
import "./oauth.css";

/**
 * Developer apps: register an OAuth client (a tool other people — or you — connect to Coffer through the consent
 * page), see its client id, and disable it, which revokes every grant it holds. Admins may list and disable every
 * user's apps.
 */
export default function DeveloperAppsPage() {
  const me = useMe();
  const isAdmin = me.scopes.includes("admin");
  const [all, setAll] = useState(false);
  const showAll = isAdmin && all;
  const apps = useApi((signal) => api.get<{ apps: OAuthApp[] }>("/api/v1/apps", showAll ? { all: true } : undefined, signal), [showAll]);
  // The secret lives only here, in memory, until the dialog is closed or the page is left: never stored anywhere.
  const [created, setCreated] = useState<CreatedApp | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    document.title = "Developer apps · Coffer";
  }, []);
  const items = apps.data?.apps ?? [];

  return (
    <section className="stack" aria-labelledby="apps-title">
      <h1 id="apps-title">Developer apps</h1>
      <p className="muted">
        Register a tool that signs people in with Coffer (OAuth 2.0): they approve it on a consent page, and it gets tokens limited to what they approved — never an exchange key.
      </p>

      <RegisterAppForm
        available={me.scopes}
        onCreated={(app) => {
          setCreated(app);
          apps.reload();
        }}
      />

      <div className="stack">
        <div className="page-head">
          <h2>{showAll ? "All users' apps" : "Your apps"}</h2>
          {isAdmin ? (
            <label className="check">
              <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
              <span>All users' apps</span>
            </label>
          ) : null}
        </div>
        <SuccessNotice message={notice} boxed />
        <ErrorNotice error={apps.error} onRetry={apps.reload} />
        {apps.loading && !apps.data ? <Loading label="Loading apps…" /> : null}
        {apps.data && items.length === 0 ? (
          <div className="card empty">
            <p>No apps registered{showAll ? "" : " by you"}.</p>
          </div>
        ) : null}
        {items.length > 0 ? (
          <TableWrap label={showAll ? "All users' apps" : "Your apps"}>
            <table className="rt">
              <caption className="visually-hidden">{showAll ? "All users' apps" : "Your apps"}</caption>
              <thead>
                <tr>
                  <th scope="col">App</th>
                  {showAll ? <th scope="col">Owner</th> : null}
                  <th scope="col">Kind</th>
                  <th scope="col">Redirect URIs</th>
                  <th scope="col">May ask for</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((a) => (
                  <AppRow
                    key={a.client_id}
                    app={a}
                    showOwner={showAll}
                    currency={me.currency}
                    onDisabled={(n) => {
                      setNotice(n);
                      apps.reload();
                    }}
                  />
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
      </div>

      {created ? <CreatedAppDialog app={created} onClose={() => setCreated(null)} /> : null}
    </section>
  );
}

function AppRow({ app: a, showOwner, currency, onDisabled }: { app: OAuthApp; showOwner: boolean; currency: string; onDisabled: (notice: string) => void }) {
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const nameId = `app-${a.client_id}`;
  const limits = limitWords(a.trading, currency);
  const disable = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post<OAuthApp>(`/api/v1/apps/${encodeURIComponent(a.client_id)}/disable`);
      setConfirm(false);
      onDisabled(`Disabled ${a.name}: every grant it held was revoked, on every node at once.`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr className={a.disabled_at ? "tk-revoked" : undefined}>
      <td data-label="App">
        <strong id={nameId}>{a.name}</strong>
        <div className="mono small muted">{a.client_id}</div>
        {a.disabled_at ? <span className="badge bad">disabled {dateTime(a.disabled_at)}</span> : null}
        {a.dpop_bound ? <span className="badge ok">DPoP required</span> : null}
      </td>
      {showOwner ? <td data-label="Owner">{a.owner}</td> : null}
      <td data-label="Kind">{a.type === "confidential" ? "Confidential" : "Public"}</td>
      <td data-label="Redirect URIs" className="small rt-full">
        <ul className="oa-uris">
          {a.redirect_uris.map((u) => (
            <li key={u} className="mono">
              {u}
            </li>
          ))}
        </ul>
      </td>
      <td data-label="May ask for" className="small">
        {a.scopes.map(scopeLabel).join(", ")}
        {limits.length ? <div className="muted">{limits.join("; ")}</div> : null}
      </td>
      <td data-label="Created">
        <time dateTime={a.created_at}>{dateTime(a.created_at)}</time>
      </td>
      <td data-label="Actions">
        {!a.disabled_at ? (
          <button type="button" className="button danger small-button" onClick={() => setConfirm(true)} aria-describedby={nameId}>
            Disable
          </button>
        ) : null}
        {confirm ? (
          <ConfirmDialog title={`Disable ${a.name}?`} onClose={() => setConfirm(false)} onConfirm={disable} busy={busy} error={error} confirmLabel="Disable app" busyLabel="Disabling…" cancelLabel="Keep it">
            <p>It can no longer sign anyone in, and every grant it holds is revoked at once, on every node: every person who connected it loses the connection and every token it has stops working.</p>
            <p>This cannot be undone; register a new app to start again.</p>
          </ConfirmDialog>
        ) : null}
      </td>
    </tr>
  );
}

function RegisterAppForm({ available, onCreated }: { available: string[]; onCreated: (app: CreatedApp) => void }) {
  const id = useId();
  const choices = appScopeChoices(available);
  const initial = (): AppForm => ({ ...EMPTY_APP_FORM, scopes: EMPTY_APP_FORM.scopes.filter((s) => choices.some((c) => c.scope === s)) });
  const [form, setForm] = useState<AppForm>(initial);
  const [errors, setErrors] = useState<AppFormErrors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const stepUp = useStepUp();
  const set = <K extends keyof AppForm>(key: K, value: AppForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const trades = form.scopes.includes("orders:write");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { body, errors } = buildAppRequest(form, available);
    setErrors(errors);
    if (!body) {
      const first = Object.keys(errors)[0];
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // Step-up only if the server asks for it (an app that may trade, say): the same dialog as for tokens.
      const app = await stepUp.confirm((proof) => api.post<CreatedApp>("/api/v1/apps", body, proof ? { stepUp: proof } : {}), "Registering an app that may trade needs a fresh code from your authenticator app.");
      if (app) {
        onCreated(app);
        setForm(initial());
        setErrors({});
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const err = (key: keyof AppForm) =>
    errors[key] ? (
      <small id={`${id}-${key}-error`} className="tk-error">
        {errors[key]}
      </small>
    ) : null;
  const described = (key: keyof AppForm, help?: string) => [errors[key] ? `${id}-${key}-error` : "", help ?? ""].filter(Boolean).join(" ") || undefined;

  return (
    <>
      <form className="card stack" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Register an app</h2>
        <label className="field" htmlFor={`${id}-name`}>
          <span>Name</span>
          <input id={`${id}-name`} maxLength={100} autoComplete="off" placeholder="e.g. Tax tool" value={form.name} onChange={(e) => set("name", e.target.value)} aria-invalid={Boolean(errors.name)} aria-describedby={described("name", `${id}-name-help`)} />
          <small id={`${id}-name-help`}>People see it, with your username, when they are asked to approve the app.</small>
          {err("name")}
        </label>

        <fieldset>
          <legend>Kind</legend>
          <div className="oa-type">
            {(["confidential", "public"] as AppType[]).map((type) => (
              <label key={type} className="tk-scope">
                <input type="radio" name={`${id}-type`} value={type} checked={form.type === type} onChange={() => set("type", type)} />
                <span>{type === "confidential" ? "Confidential" : "Public"}</span>
                <small>
                  {APP_TYPE_WORDS[type]}
                  {type === "confidential" ? " Coffer shows the secret once, when you register it." : " For mobile, desktop and single-page apps."}
                </small>
              </label>
            ))}
          </div>
        </fieldset>

        <label className="field" htmlFor={`${id}-redirectUris`}>
          <span>Redirect URIs</span>
          <textarea
            id={`${id}-redirectUris`}
            rows={3}
            autoComplete="off"
            spellCheck={false}
            placeholder={"https://tool.example/callback\nhttp://127.0.0.1/callback"}
            value={form.redirectUris}
            onChange={(e) => set("redirectUris", e.target.value)}
            aria-invalid={Boolean(errors.redirectUris)}
            aria-describedby={described("redirectUris", `${id}-uris-help`)}
          />
          <small id={`${id}-uris-help`}>
            One a line, at most {MAX_REDIRECT_URIS}: where Coffer sends people back after they answer. https only, or http to 127.0.0.1 or [::1] for an app on the user's own machine (any port). Compared exactly; no fragments.
          </small>
          {err("redirectUris")}
        </label>

        <fieldset aria-describedby={described("scopes")}>
          <legend>What it may ask for</legend>
          <div className="tk-scopes" id={`${id}-scopes`} tabIndex={-1}>
            {choices.map((s) => (
              <label key={s.scope} className="tk-scope">
                <input type="checkbox" checked={form.scopes.includes(s.scope)} onChange={(e) => set("scopes", e.target.checked ? [...form.scopes, s.scope] : form.scopes.filter((x) => x !== s.scope))} />
                <span>
                  {s.label} <span className="mono small muted">{s.scope}</span>
                </span>
                <small>{s.help}</small>
              </label>
            ))}
          </div>
          <small className="muted">Only scopes you have yourself; never administering, creating tokens or changing account settings.</small>
          {err("scopes")}
        </fieldset>

        {trades ? <TradingLimitsFields id={id} form={form} errors={errors} onChange={(patch) => setForm((f) => ({ ...f, ...patch }))} /> : null}

        <label className="check">
          <input type="checkbox" checked={form.dpopBound} onChange={(e) => set("dpopBound", e.target.checked)} aria-describedby={`${id}-dpop-help`} />
          <span>Require DPoP-bound tokens</span>
        </label>
        <small id={`${id}-dpop-help`} className="muted">
          The app must prove with a key of its own each time it uses a token (RFC 9449), so a leaked token is useless without that key.
        </small>

        <ErrorNotice error={error} />
        <div className="row">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? "Registering…" : "Register app"}
          </button>
        </div>
      </form>
      {/* Outside the form: the step-up dialog has a form of its own, and forms do not nest. */}
      {stepUp.element}
    </>
  );
}

function CreatedAppDialog({ app, onClose }: { app: CreatedApp; onClose: () => void }) {
  return (
    <Dialog open title={`${app.name} is registered`} onClose={onClose}>
      <div className="stack">
        <div className="stack-tight">
          <p>Client ID (public: it goes in the app's configuration and in its authorization requests):</p>
          <p className="mono" aria-label="Client ID">
            {app.client_id}
          </p>
          <div className="row">
            <CopyButton value={app.client_id} label="Copy client ID" />
          </div>
        </div>
        {app.client_secret ? (
          <div className="stack-tight">
            <p className="notice notice-warn">Copy the client secret now: you won't see this again. Coffer keeps only its hash, so nobody — not even an admin — can show it to you later.</p>
            <p className="secret oa-secret mono" aria-label="Client secret">
              {app.client_secret}
            </p>
            <div className="row">
              <CopyButton value={app.client_secret} label="Copy client secret" className="button primary" />
            </div>
          </div>
        ) : (
          <p className="small muted">A public app has no secret: it proves each sign-in with PKCE (S256).</p>
        )}
        <div className="row">
          <button type="button" className="button secondary" onClick={onClose}>
            {app.client_secret ? "I have copied it" : "Done"}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
