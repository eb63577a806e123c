import { useState } from "react";

/** Cursor paging as the API does it: the server gives an opaque `next`; the app keeps the cursors it came through. */
export function Pager({ page, hasNext, onPrevious, onNext, label = "Pages" }: { page: number; hasNext: boolean; onPrevious: () => void; onNext: () => void; label?: string }) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button secondary" disabled={page === 0} onClick={onPrevious}>
        Previous
      </button>
      <span aria-live="polite">Page {page + 1}</span>
      <button type="button" className="button secondary" disabled={!hasNext} onClick={onNext}>
        Next
      </button>
    </nav>
  );
}

/** The cursors of the pages visited so far; page 0 has none. */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const page = cursors.length - 1;
  return {
    page,
    cursor: cursors[page],
    next: (cursor: string) => setCursors((c) => [...c, cursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    reset: () => setCursors([undefined]),
  };
}
