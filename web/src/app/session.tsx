import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, ApiError, onSignedOut, resetAntiforgery } from "../api/client";
import type { Me } from "../api/types";

interface SessionState {
  /** Who is signed in; null when nobody is, undefined while it is being found out. */
  me: Me | null | undefined;
  /** Reads who is signed in again (after sign-in, enrolment, freeze ...). */
  reload: () => Promise<Me | null>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  const reload = useCallback(async () => {
    resetAntiforgery();
    try {
      const who = await api.get<Me>("/api/v1/auth/me");
      setMe(who);
      return who;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        setMe(null);
        return null;
      }
      throw error;
    }
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.post("/api/v1/auth/signout");
    } finally {
      resetAntiforgery();
      setMe(null);
    }
  }, []);

  useEffect(() => {
    reload().catch(() => setMe(null));
    return onSignedOut(() => {
      resetAntiforgery();
      setMe(null);
    });
  }, [reload]);

  const value = useMemo(() => ({ me, reload, signOut }), [me, reload, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) {
    throw new Error("useSession outside SessionProvider");
  }
  return state;
}

/** The signed-in user; only for pages behind the sign-in guard. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) {
    throw new Error("useMe without a signed-in user");
  }
  return me;
}
