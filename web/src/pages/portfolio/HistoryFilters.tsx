import { useId } from "react";
import { EXCHANGES, exchangeName } from "../exchanges/exchanges";
import type { Connection } from "../exchanges/exchanges";
import { ORDER_STATES, RANGES, type HistoryFilters } from "./history";

/** The filters of order and trade history: exchange or connection, symbol, side, (state), time range. */
export function HistoryFilterBar({ filters, onChange, connections, showState }: { filters: HistoryFilters; onChange: (f: HistoryFilters) => void; connections: Connection[]; showState?: boolean }) {
  const id = useId();
  const set = <K extends keyof HistoryFilters>(key: K, value: HistoryFilters[K]) => onChange({ ...filters, [key]: value });
  const exchanges = EXCHANGES.filter((e) => e.available);
  // One picker for "where": all, an exchange, or one connection (account).
  const where = filters.connection ? `c:${filters.connection}` : filters.exchange ? `e:${filters.exchange}` : "";
  const setWhere = (value: string) =>
    onChange({ ...filters, connection: value.startsWith("c:") ? value.slice(2) : "", exchange: value.startsWith("e:") ? value.slice(2) : "" });
  return (
    <form className="filters card" role="search" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label className="field" htmlFor={`${id}-where`}>
        <span>Account</span>
        <select id={`${id}-where`} value={where} onChange={(e) => setWhere(e.target.value)}>
          <option value="">All accounts</option>
          <optgroup label="Exchange">
            {exchanges.map((e) => (
              <option key={e.id} value={`e:${e.id}`}>
                All on {e.name}
              </option>
            ))}
          </optgroup>
          {connections.length > 0 ? (
            <optgroup label="Connection">
              {connections.map((c) => (
                <option key={c.id} value={`c:${c.id}`}>
                  {c.label} ({exchangeName(c.exchange)})
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </label>
      <label className="field" htmlFor={`${id}-symbol`}>
        <span>Market</span>
        <input id={`${id}-symbol`} placeholder="BTC/USDT" autoComplete="off" autoCapitalize="characters" value={filters.symbol} onChange={(e) => set("symbol", e.target.value)} />
      </label>
      <label className="field" htmlFor={`${id}-side`}>
        <span>Buy or sell</span>
        <select id={`${id}-side`} value={filters.side} onChange={(e) => set("side", e.target.value as HistoryFilters["side"])}>
          <option value="">Both</option>
          <option value="buy">Buys</option>
          <option value="sell">Sells</option>
        </select>
      </label>
      {showState ? (
        <label className="field" htmlFor={`${id}-state`}>
          <span>State</span>
          <select id={`${id}-state`} value={filters.state} onChange={(e) => set("state", e.target.value)}>
            <option value="">Any state</option>
            {ORDER_STATES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className="field" htmlFor={`${id}-range`}>
        <span>Time</span>
        <select id={`${id}-range`} value={filters.range} onChange={(e) => set("range", e.target.value as HistoryFilters["range"])}>
          {RANGES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      {filters.range === "custom" ? (
        <>
          <label className="field" htmlFor={`${id}-since`}>
            <span>From</span>
            <input id={`${id}-since`} type="datetime-local" value={filters.since} onChange={(e) => set("since", e.target.value)} />
          </label>
          <label className="field" htmlFor={`${id}-until`}>
            <span>Until</span>
            <input id={`${id}-until`} type="datetime-local" value={filters.until} onChange={(e) => set("until", e.target.value)} />
          </label>
        </>
      ) : null}
    </form>
  );
}
