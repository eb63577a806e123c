import { NavLink, Outlet } from "react-router-dom";
import { FreezeButton } from "../components/FreezeButton";
import { useMe, useSession } from "./session";

interface NavItem {
  to: string;
  label: string;
  /** Shown in the phone's bottom bar; the others are under "More". */
  primary?: boolean;
  role?: string;
}

export const NAV: NavItem[] = [
  { to: "/", label: "Dashboard", primary: true },
  { to: "/trade", label: "Trade", primary: true },
  { to: "/orders", label: "Orders", primary: true },
  { to: "/balances", label: "Balances" },
  { to: "/trades", label: "Trades" },
  { to: "/pnl", label: "PnL" },
  { to: "/exchanges", label: "Exchanges", primary: true },
  { to: "/tokens", label: "Tokens & apps" },
  { to: "/apps", label: "Developer apps" },
  { to: "/security", label: "Security", primary: true },
  { to: "/admin", label: "Admin", role: "admin" },
];

export function Layout() {
  const me = useMe();
  const { signOut } = useSession();
  const items = NAV.filter((item) => !item.role || me.roles.includes(item.role));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Coffer, dashboard">
          <img src="/favicon.svg" alt="" width={24} height={24} />
          <span>Coffer</span>
        </NavLink>
        <div className="topbar-actions">
          <span className="who" title={me.roles.join(", ")}>
            {me.username}
          </span>
          <FreezeButton />
          <button type="button" className="button secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="sidebar" aria-label="Main">
        <ul>
          {items.map((item) => (
            <li key={item.to} className={item.primary ? "primary" : undefined}>
              <NavLink to={item.to} end={item.to === "/"}>
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
