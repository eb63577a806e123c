import type { Query } from "../../api/client";
import { localToIso } from "../../app/format";

export interface AuditFilters {
  action: string;
  actor: string;
  since: string;
  until: string;
}

export function auditQuery(filters: AuditFilters, afterSeq: string | undefined, limit = 50): Query {
  return {
    limit,
    after_seq: afterSeq,
    action: filters.action.trim() || undefined,
    actor: filters.actor.trim() || undefined,
    since: localToIso(filters.since),
    until: localToIso(filters.until),
  };
}

const PROBLEMS: Record<string, string> = {
  edited: "was changed after it was written",
  deleted: "is missing (deleted)",
  reordered: "is out of order",
};

/** The verification result in words: the chain intact, or which record broke it and how. */
export function describeVerification(v: { ok: boolean; records: number; first_broken: { seq: number; problem: string; detail: string } | null }): string {
  if (v.ok) {
    return `Verified: all ${v.records} record${v.records === 1 ? "" : "s"} are intact and in order.`;
  }
  const b = v.first_broken;
  if (!b) {
    return "Broken: the chain does not verify.";
  }
  return `Broken at record #${b.seq}: it ${PROBLEMS[b.problem] ?? b.problem}. ${v.records} record${v.records === 1 ? "" : "s"} before it verify.`;
}

/** Details as short text for a table cell. */
export function detailsText(details: unknown): string {
  if (details === null || details === undefined) {
    return "";
  }
  if (typeof details === "string") {
    return details;
  }
  if (typeof details === "object") {
    return Object.entries(details as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined && v !== "")
      .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
      .join(", ");
  }
  return String(details);
}
