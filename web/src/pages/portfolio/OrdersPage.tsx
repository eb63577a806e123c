import { useId, useState } from "react";
import { Link } from "react-router-dom";
import { api } from "../../api/client";
import type { Order } from "../../api/trading";
import type { Page } from "../../api/types";
import { useApi } from "../../app/useApi";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { Pager, useCursorPages } from "../../components/Pager";
import { SuccessNotice } from "../../components/SuccessNotice";
import "../common/common.css";
import { useConnections } from "../common/useConnections";
import { useResetOn } from "../common/useResetOn";
import { filtersError, filtersToSearch, historyQuery } from "./history";
import { HistoryFilterBar } from "./HistoryFilters";
import { CancelAllButton, OrdersTable } from "./OrdersTable";
import { useHistoryFilters } from "./useHistoryFilters";

const PAGE_SIZE = 50;

export default function OrdersPage() {
  const id = useId();
  const { filters, setFilters, params } = useHistoryFilters();
  const tab = params.get("tab") === "history" ? "history" : "open";
  const connections = useConnections();
  const pages = useCursorPages();
  const [notice, setNotice] = useState<string | null>(null);
  const invalid = filtersError(filters);
  const key = JSON.stringify([tab, filters]);
  useResetOn(key, pages.reset);
  const orders = useApi(
    (signal) => {
      if (invalid) return Promise.resolve<Page<Order>>({ items: [], next: null });
      const query = historyQuery(tab === "open" ? { ...filters, state: "open" } : filters, new Date(), { orders: true });
      return api.get<Page<Order>>("/api/v1/orders", { ...query, limit: PAGE_SIZE, cursor: pages.cursor }, signal);
    },
    [key, pages.cursor],
  );
  const list = connections.data?.items ?? [];
  const cancelAllConnection = tab === "open" && filters.connection && filters.symbol.trim() ? list.find((c) => c.id === filters.connection) : undefined;
  const tabLink = (t: "open" | "history") => {
    const search = filtersToSearch(filters);
    if (t === "history") search.set("tab", "history");
    const s = search.toString();
    return s ? `/orders?${s}` : "/orders";
  };

  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <h1 id={`${id}-title`}>Orders</h1>
        <Link className="button primary" to="/trade">
          New order
        </Link>
      </div>
      <nav className="tabs" aria-label="Orders">
        <Link to={tabLink("open")} aria-current={tab === "open" ? "page" : undefined}>
          Open orders
        </Link>
        <Link to={tabLink("history")} aria-current={tab === "history" ? "page" : undefined}>
          Order history
        </Link>
      </nav>
      <h2 className="visually-hidden">{tab === "open" ? "Open orders" : "Order history"}</h2>
      <HistoryFilterBar filters={filters} onChange={setFilters} connections={list} showState={tab === "history"} />
      {invalid ? <p className="notice notice-error" role="alert">{invalid}</p> : null}
      {tab === "open" ? (
        <div className="row">
          {cancelAllConnection ? (
            <CancelAllButton
              connection={cancelAllConnection}
              symbol={filters.symbol.trim().toUpperCase()}
              count={orders.data && !orders.data.next ? orders.data.items.length : null}
              onDone={(text) => {
                setNotice(text);
                orders.reload();
              }}
            />
          ) : (
            <p className="muted small">To cancel every open order of one market, choose one account and a market in the filters.</p>
          )}
        </div>
      ) : null}
      <SuccessNotice message={notice} boxed />
      <ErrorNotice error={orders.error} onRetry={orders.reload} />
      {orders.loading && !orders.data ? <Loading label="Loading orders…" /> : null}
      {orders.data && orders.data.items.length === 0 && pages.page === 0 ? (
        <div className="card empty">
          <p>{tab === "open" ? "No open orders." : "No orders match these filters."}</p>
          <p className="muted">{tab === "open" ? "Orders resting on your exchanges appear here, whether placed in Coffer or elsewhere." : "Widen the time range or clear a filter."}</p>
          <Link className="button primary" to="/trade">
            Place an order
          </Link>
        </div>
      ) : null}
      {orders.data && orders.data.items.length > 0 ? (
        <OrdersTable orders={orders.data.items} connections={list} onChanged={orders.reload} caption={tab === "open" ? "Open orders" : "Order history"} />
      ) : null}
      {orders.data && (orders.data.next || pages.page > 0) ? (
        <Pager page={pages.page} hasNext={Boolean(orders.data.next)} onPrevious={pages.previous} onNext={() => orders.data?.next && pages.next(orders.data.next)} />
      ) : null}
    </section>
  );
}
