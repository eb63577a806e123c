import { lazy, Suspense, type ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router-dom";
import { Loading } from "../components/Loading";
import { Layout } from "./Layout";
import { SessionProvider, useSession } from "./session";

// Each page is its own chunk: the sign-in page does not download the charts.
const SignInPage = lazy(() => import("../pages/auth/SignInPage"));
const SignUpPage = lazy(() => import("../pages/auth/SignUpPage"));
const SetupPage = lazy(() => import("../pages/auth/SetupPage"));
const UnfreezePage = lazy(() => import("../pages/auth/UnfreezePage"));
const DashboardPage = lazy(() => import("../pages/dashboard/DashboardPage"));
const ExchangesPage = lazy(() => import("../pages/exchanges/ExchangesPage"));
const ConnectPage = lazy(() => import("../pages/exchanges/ConnectPage"));
const BalancesPage = lazy(() => import("../pages/portfolio/BalancesPage"));
const OrdersPage = lazy(() => import("../pages/portfolio/OrdersPage"));
const TradesPage = lazy(() => import("../pages/portfolio/TradesPage"));
const PnlPage = lazy(() => import("../pages/portfolio/PnlPage"));
const TradePage = lazy(() => import("../pages/trade/TradePage"));
const TokensPage = lazy(() => import("../pages/tokens/TokensPage"));
const TokenPage = lazy(() => import("../pages/tokens/TokenPage"));
const SecurityPage = lazy(() => import("../pages/security/SecurityPage"));
const ConsentPage = lazy(() => import("../pages/oauth/ConsentPage"));
const DeveloperAppsPage = lazy(() => import("../pages/oauth/DeveloperAppsPage"));
const AdminPage = lazy(() => import("../pages/admin/AdminPage"));
const NotFoundPage = lazy(() => import("../pages/NotFoundPage"));

function RequireSession({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const location = useLocation();
  if (me === undefined) {
    return <Loading label="Opening Coffer…" />;
  }
  if (me === null) {
    const next = location.pathname + location.search;
    return <Navigate to={next === "/" ? "/signin" : `/signin?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/signin" element={<SignInPage />} />
            <Route path="/signup" element={<SignUpPage />} />
            <Route path="/setup" element={<SetupPage />} />
            <Route path="/unfreeze" element={<UnfreezePage />} />
            <Route path="/frozen" element={<UnfreezePage />} />
            {/* Outside the app's frame: the consent is the one thing on screen, and who is asking is not hidden by the nav. */}
            <Route
              path="/consent/:id"
              element={
                <RequireSession>
                  <ConsentPage />
                </RequireSession>
              }
            />
            <Route
              element={
                <RequireSession>
                  <Layout />
                </RequireSession>
              }
            >
              <Route index element={<DashboardPage />} />
              <Route path="exchanges" element={<ExchangesPage />} />
              <Route path="exchanges/connect" element={<ConnectPage />} />
              <Route path="balances" element={<BalancesPage />} />
              <Route path="orders" element={<OrdersPage />} />
              <Route path="trades" element={<TradesPage />} />
              <Route path="pnl" element={<PnlPage />} />
              <Route path="trade" element={<TradePage />} />
              <Route path="tokens" element={<TokensPage />} />
              <Route path="tokens/:accessor" element={<TokenPage />} />
              <Route path="apps" element={<DeveloperAppsPage />} />
              <Route path="security" element={<SecurityPage />} />
              <Route path="admin" element={<AdminPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </Suspense>
      </SessionProvider>
    </BrowserRouter>
  );
}
