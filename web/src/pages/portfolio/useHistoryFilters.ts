import { useCallback, useMemo } from "react";
import { useSearchParams } from "react-router-dom";
import { filtersFromSearch, filtersToSearch, type HistoryFilters } from "./history";

/** Filters live in the address bar: bookmarkable, and Back undoes a change. */
export function useHistoryFilters(extra: Record<string, string> = {}) {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(params), [params]);
  const setFilters = useCallback(
    (next: HistoryFilters) => {
      const search = filtersToSearch(next);
      for (const [k, v] of Object.entries(extra)) search.set(k, v);
      setParams(search, { replace: true });
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [setParams, JSON.stringify(extra)],
  );
  return { filters, setFilters, params };
}
