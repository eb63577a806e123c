import { api } from "../../api/client";
import { useApi } from "../../app/useApi";
import type { ConnectionList } from "../exchanges/exchanges";

/** The user's exchange connections (`GET /api/v1/connections`), for pickers and filters. */
export function useConnections() {
  return useApi((signal) => api.get<ConnectionList>("/api/v1/connections", undefined, signal), []);
}
