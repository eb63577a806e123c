import { useState } from "react";

/**
 * Cursor paging as the API does it: the server gives an opaque `next`; the app keeps the cursors it came through.
 * Lists newest first may name the buttons "Newer" and "Older".
 */
export function Pager({
  page,
  hasNext,
  onPrevious,
  onNext,
  label = "Pages",
  previousLabel = "Previous",
  nextLabel = "Next",
}: {
  page: number;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  label?: string;
  previousLabel?: string;
  nextLabel?: string;
}) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button secondary" disabled={page === 0} onClick={onPrevious}>
        {previousLabel}
      </button>
      <span aria-live="polite">Page {page + 1}</span>
      <button type="button" className="button secondary" disabled={!hasNext} onClick={onNext}>
        {nextLabel}
      </button>
    </nav>
  );
}

/** The cursors of the pages visited so far; page 0 has none. Most cursors are strings; the access log's are ids. */
export function useCursorPages<Cursor = string>() {
  const [cursors, setCursors] = useState<(Cursor | undefined)[]>([undefined]);
  const page = cursors.length - 1;
  return {
    page,
    cursor: cursors[page],
    next: (cursor: Cursor) => setCursors((c) => [...c, cursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    reset: () => setCursors([undefined]),
  };
}
