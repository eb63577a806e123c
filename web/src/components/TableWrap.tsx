import type { ReactNode } from "react";

/**
 * A table that may be wider than a phone: it scrolls inside itself (never the page), and the scrolling box is a named,
 * focusable region so keyboard users can scroll it too (axe: scrollable-region-focusable).
 */
export function TableWrap({ label, children, busy }: { label: string; children: ReactNode; busy?: boolean }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0} aria-busy={busy || undefined}>
      {children}
    </div>
  );
}
