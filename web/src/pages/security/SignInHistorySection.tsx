import { useState } from "react";
import { api } from "../../api/client";
import { unlessMissing } from "../../api/missing";
import type { Page } from "../../api/types";
import { dateTime } from "../../app/format";
import { useApi } from "../../app/useApi";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { Pager, useCursorPages } from "../../components/Pager";
import { describeDevice } from "./SessionsSection";
import type { SignInRecord } from "./types";
import { TableWrap } from "../../components/TableWrap";

const METHODS: Record<string, string> = { password: "Password", totp: "Password + app code", recovery_code: "Password + recovery code", passkey: "Passkey", unfreeze: "Unfreeze" };

export function SignInHistorySection() {
  const pages = useCursorPages();
  const [missing, setMissing] = useState(false);
  const list = useApi(
    (signal) => unlessMissing(api.get<Page<SignInRecord>>("/api/v1/auth/signins", { limit: 20, cursor: pages.cursor }, signal), { items: [], next: null }, () => setMissing(true)),
    [pages.cursor],
  );
  const items = list.data?.items ?? [];
  return (
    <section className="card stack" aria-labelledby="signins-title">
      <h2 id="signins-title">Sign-in history</h2>
      {list.loading && !list.data ? <Loading label="Reading your sign-ins…" /> : null}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {missing ? <p className="muted">This server does not keep a sign-in history yet. Active sessions are listed above.</p> : null}
      {!missing && list.data && items.length === 0 ? <p className="muted">No sign-ins recorded yet.</p> : null}
      {items.length > 0 ? (
        <>
          <TableWrap label="Sign-in history">
            <table>
              <caption className="visually-hidden">Recent sign-ins</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Result</th>
                  <th scope="col">Method</th>
                  <th scope="col">Address</th>
                  <th scope="col">Device</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r, i) => {
                  const ok = r.outcome === "success" || r.outcome === "ok";
                  return (
                    <tr key={`${r.at}-${i}`}>
                      <td>{dateTime(r.at)}</td>
                      <td>
                        <span className={`badge ${ok ? "ok" : "bad"}`}>{ok ? "Signed in" : r.outcome.replace(/[_-]/g, " ")}</span>
                      </td>
                      <td>{METHODS[r.method] ?? r.method}</td>
                      <td>{r.ip ?? "—"}</td>
                      <td>{describeDevice(r.user_agent)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
          <Pager label="Sign-in history pages" page={pages.page} hasNext={!!list.data?.next} onPrevious={pages.previous} onNext={() => list.data?.next && pages.next(list.data.next)} />
        </>
      ) : null}
    </section>
  );
}
