import { useEffect, useRef } from "react";

/** Calls `reset` when `key` changes (not on mount): back to page 1 when the filters change. */
export function useResetOn(key: string, reset: () => void): void {
  const last = useRef(key);
  const resetRef = useRef(reset);
  resetRef.current = reset;
  useEffect(() => {
    if (last.current !== key) {
      last.current = key;
      resetRef.current();
    }
  }, [key]);
}
