import { useEffect } from "react";
import { useMe } from "../../app/session";
import { AuditSection } from "./AuditSection";
import { InvitationsSection } from "./InvitationsSection";
import { SealSection } from "./SealSection";
import { UsersSection } from "./UsersSection";

export default function AdminPage() {
  const me = useMe();
  useEffect(() => {
    document.title = "Admin · Coffer";
  }, []);
  const admin = me.roles.includes("admin");
  const auditor = admin || me.roles.includes("auditor") || me.scopes?.includes("audit:read");
  return (
    <section className="stack" aria-labelledby="admin-title">
      <h1 id="admin-title">Admin</h1>
      {!admin && !auditor ? (
        <div className="notice notice-warn" role="status">
          <p className="notice-what">This page is for admins.</p>
          <p>Your account does not have the admin role. Ask an admin of this Coffer if you need it.</p>
        </div>
      ) : null}
      {admin ? (
        <>
          <UsersSection />
          <InvitationsSection />
        </>
      ) : null}
      {auditor ? <AuditSection /> : null}
      {admin ? <SealSection /> : null}
    </section>
  );
}
