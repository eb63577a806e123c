export interface AdminUser {
  username: string;
  roles: string[];
  created_at: string;
  last_sign_in_at: string | null;
  locked: boolean;
  frozen: boolean;
  disabled: boolean;
  two_factor: boolean;
}

export interface Invitation {
  id: string;
  role: string;
  created_at?: string;
  expires_at: string;
  used_at?: string | null;
  used_by?: string | null;
  revoked_at?: string | null;
  created_by?: string | null;
}

export interface CreatedInvitation {
  id: string;
  invitation: string;
  role: string;
  expires_at: string;
}

export interface AuditRecord {
  seq: number;
  occurred_at: string;
  actor: string;
  user_id: string | null;
  action: string;
  target: string | null;
  outcome: string;
  client_ip: string | null;
  details: unknown;
  prev_hash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  records: number;
  last_hash: string | null;
  first_broken: { seq: number; problem: string; detail: string } | null;
}

export const ROLES = [
  { id: "trader", label: "Trader", help: "connects exchanges, sees the portfolio, trades, creates tokens" },
  { id: "viewer", label: "Viewer", help: "sees the portfolio and orders, cannot trade" },
  { id: "auditor", label: "Auditor", help: "reads the audit log" },
  { id: "admin", label: "Admin", help: "everything, plus users, invitations and seal" },
];
