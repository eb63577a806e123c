import { useState, type FormEvent } from "react";
import { api } from "../../api/client";
import { ago, dateTime } from "../../app/format";
import { useApi } from "../../app/useApi";
import { CopyButton } from "../../components/CopyButton";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { NOTIFICATION_KINDS, type Channel, type Delivery, type NotificationItem } from "./types";

const kindLabel = (id: string) => NOTIFICATION_KINDS.find((k) => k.id === id)?.label ?? id;

function ChannelRow({ channel, onChanged }: { channel: Channel; onChanged: () => void }) {
  const [busy, setBusy] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState("");

  const run = async (what: string, action: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    setResult("");
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy("");
    }
  };

  const test = () =>
    run("test", async () => {
      const sent = await api.post<{ notification_id: string; delivery_id: string }>(`/api/v1/notifications/channels/${channel.id}/test`);
      setResult("Test sent. Checking delivery…");
      // Deliveries happen in the background: look once or twice for the outcome.
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => window.setTimeout(r, 1200));
        const list = await api.get<{ items: (Delivery & { notification_id: string })[] }>(`/api/v1/notifications/channels/${channel.id}/deliveries`);
        const d = list.items.find((x) => x.id === sent.delivery_id);
        if (d && d.status !== "pending") {
          setResult(
            d.status === "delivered" || d.status === "sent"
              ? "Test delivered."
              : `Test not delivered (${d.status}${d.last_code ? `, HTTP ${d.last_code}` : ""}${d.last_error ? `: ${d.last_error}` : ""}). Check the address or URL.`,
          );
          return;
        }
      }
      setResult("Test queued; it will be retried if the first attempt fails.");
    });

  const toggle = () => run("toggle", async () => {
    await api.patch(`/api/v1/notifications/channels/${channel.id}`, { enabled: !channel.enabled });
    onChanged();
  });
  const remove = () => run("delete", async () => {
    await api.delete(`/api/v1/notifications/channels/${channel.id}`);
    onChanged();
  });

  const name = `${channel.type === "email" ? "E-mail" : "Webhook"} ${channel.target}`;
  return (
    <li className="card stack-tight">
      <div className="section-head">
        <h4 className="wrap-anywhere">
          {channel.type === "email" ? "E-mail" : "Webhook"}: {channel.target}
        </h4>
        <span className={`badge ${channel.enabled ? "ok" : "warn"}`}>{channel.enabled ? "On" : "Paused"}</span>
      </div>
      <p className="muted">{channel.kinds ? channel.kinds.map(kindLabel).join(", ") : "Every kind of notification"}</p>
      <div className="row">
        <button type="button" className="button secondary" onClick={() => void test()} disabled={busy !== ""} aria-label={`Send a test to ${name}`}>
          {busy === "test" ? "Testing…" : "Send test"}
        </button>
        <button type="button" className="button secondary" onClick={() => void toggle()} disabled={busy !== ""} aria-label={`${channel.enabled ? "Pause" : "Resume"} ${name}`}>
          {channel.enabled ? "Pause" : "Resume"}
        </button>
        <button type="button" className="button secondary" onClick={() => void remove()} disabled={busy !== ""} aria-label={`Delete ${name}`}>
          Delete
        </button>
      </div>
      <p role="status" aria-live="polite" className={result ? "" : "visually-hidden"}>
        {result}
      </p>
      <ErrorNotice error={error} />
    </li>
  );
}

function AddChannel({ onAdded }: { onAdded: () => void }) {
  const [type, setType] = useState<"email" | "webhook">("email");
  const [target, setTarget] = useState("");
  const [all, setAll] = useState(true);
  const [kinds, setKinds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [secret, setSecret] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSecret(null);
    try {
      const created = await api.post<Channel>("/api/v1/notifications/channels", { type, target: target.trim(), kinds: all ? null : kinds });
      setTarget("");
      if (created.secret) {
        setSecret(created.secret);
      }
      onAdded();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit} aria-labelledby="add-channel-title">
      <h3 id="add-channel-title">Add a channel</h3>
      <div className="row align-end">
        <div className="field">
          <label htmlFor="channel-type">Channel</label>
          <select id="channel-type" value={type} onChange={(e) => setType(e.target.value as "email" | "webhook")}>
            <option value="email">E-mail</option>
            <option value="webhook">Webhook (signed HTTPS POST)</option>
          </select>
        </div>
        <div className="field grow">
          <label htmlFor="channel-target">{type === "email" ? "E-mail address" : "Webhook URL"}</label>
          <input
            id="channel-target"
            type={type === "email" ? "email" : "url"}
            inputMode={type === "email" ? "email" : "url"}
            autoComplete={type === "email" ? "email" : "url"}
            placeholder={type === "email" ? "you@example.com" : "https://hooks.example.com/coffer"}
            required
            value={target}
            onChange={(e) => setTarget(e.target.value)}
          />
        </div>
      </div>
      <fieldset>
        <legend>What to send</legend>
        <label className="check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          Every kind of notification
        </label>
        {!all ? (
          <div className="kinds">
            {NOTIFICATION_KINDS.map((k) => (
              <label key={k.id} className="check">
                <input
                  type="checkbox"
                  checked={kinds.includes(k.id)}
                  onChange={(e) => setKinds((list) => (e.target.checked ? [...list, k.id] : list.filter((x) => x !== k.id)))}
                />
                {k.label}
              </label>
            ))}
          </div>
        ) : null}
      </fieldset>
      <ErrorNotice error={error} />
      <div>
        <button type="submit" className="button primary" disabled={busy || (!all && kinds.length === 0)}>
          {busy ? "Adding…" : "Add channel"}
        </button>
      </div>
      {secret ? (
        <div className="notice notice-warn stack-tight" role="status">
          <p className="notice-what">Webhook signing secret — shown only this once.</p>
          <p>Your receiver checks each request's signature with it. Copy it into the receiver's configuration now.</p>
          <p className="secret">{secret}</p>
          <div className="row">
            <CopyButton value={secret} label="Copy secret" />
            <button type="button" className="button secondary" onClick={() => setSecret(null)}>
              I have saved it
            </button>
          </div>
        </div>
      ) : null}
    </form>
  );
}

function Inbox() {
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [older, setOlder] = useState<NotificationItem[]>([]);
  const list = useApi((signal) => api.get<{ items: NotificationItem[]; next_cursor: string | null }>("/api/v1/notifications", { limit: 20, cursor }, signal), [cursor]);
  const [error, setError] = useState<unknown>(null);
  const [readIds, setReadIds] = useState<Set<string>>(new Set());

  const items = [...older, ...(list.data?.items ?? [])];
  const unread = items.filter((n) => !n.read_at && !readIds.has(n.id));

  const markRead = async (ids: string[]) => {
    setError(null);
    try {
      for (const id of ids) {
        await api.post(`/api/v1/notifications/${id}/read`);
        setReadIds((s) => new Set(s).add(id));
      }
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div className="stack" aria-labelledby="inbox-title">
      <div className="section-head">
        <h3 id="inbox-title">
          In-app notifications {unread.length > 0 ? <span className="badge warn">{unread.length} unread</span> : null}
        </h3>
        {unread.length > 0 ? (
          <button type="button" className="button secondary" onClick={() => void markRead(unread.map((n) => n.id))}>
            Mark all as read
          </button>
        ) : null}
      </div>
      {list.loading && !list.data ? <Loading label="Reading notifications…" /> : null}
      <ErrorNotice error={list.error ?? error} onRetry={list.reload} />
      {list.data && items.length === 0 ? <p className="muted">No notifications yet. Coffer tells you here about new sign-ins, tokens, keys, freezes and large orders.</p> : null}
      {items.length > 0 ? (
        <ul className="plain">
          {items.map((n) => {
            const isUnread = !n.read_at && !readIds.has(n.id);
            return (
              <li key={n.id} className="notification">
                <div className="section-head">
                  <p className={isUnread ? "unread" : undefined}>
                    {isUnread ? <span className="visually-hidden">Unread: </span> : null}
                    {n.title}
                  </p>
                  <span className="muted small">
                    <time dateTime={n.occurred_at} title={dateTime(n.occurred_at)}>
                      {ago(n.occurred_at)}
                    </time>
                  </span>
                </div>
                <p className="muted">{n.body}</p>
                {isUnread ? (
                  <button type="button" className="link-button" onClick={() => void markRead([n.id])} aria-label={`Mark as read: ${n.title}`}>
                    Mark as read
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {list.data?.next_cursor ? (
        <div>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setOlder(items);
              setCursor(list.data!.next_cursor!);
            }}
          >
            Show older
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function NotificationsSection() {
  const channels = useApi((signal) => api.get<{ items: Channel[] }>("/api/v1/notifications/channels", undefined, signal), []);
  const items = channels.data?.items ?? [];
  return (
    <section className="card stack" aria-labelledby="notifications-title">
      <h2 id="notifications-title">Notifications</h2>
      <p className="muted">Coffer always notifies you here, in the app. Add e-mail or a webhook to hear about sign-ins, new tokens and keys, freezes and large orders elsewhere too.</p>
      <Inbox />
      <div className="stack divider-top" aria-labelledby="channels-title">
        <h3 id="channels-title">Channels</h3>
        {channels.loading && !channels.data ? <Loading label="Reading channels…" /> : null}
        <ErrorNotice error={channels.error} onRetry={channels.reload} />
        {channels.data && items.length === 0 ? <p className="muted">No e-mail or webhook channels yet.</p> : null}
        {items.length > 0 ? (
          <ul className="plain">
            {items.map((c) => (
              <ChannelRow key={c.id} channel={c} onChanged={channels.reload} />
            ))}
          </ul>
        ) : null}
        <AddChannel onAdded={channels.reload} />
      </div>
    </section>
  );
}
