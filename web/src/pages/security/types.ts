export interface TwoFactorStatus {
  totp_enabled: boolean;
  totp_pending: boolean;
  recovery_codes_left: number;
}

export interface TotpEnrolment {
  secret: string;
  otpauth_uri: string;
  algorithm: string;
  digits: number;
  period: number;
}

export interface Passkey {
  id: string;
  name: string | null;
  created_at: string;
  last_used_at: string | null;
}

export interface SessionInfo {
  accessor: string;
  display_name: string | null;
  created_at: string;
  expires_at: string | null;
  current: boolean;
}

export interface SignInRecord {
  at: string;
  ip: string | null;
  user_agent: string | null;
  method: string;
  outcome: string;
}

export interface Channel {
  id: string;
  type: "email" | "webhook";
  target: string;
  kinds: string[] | null;
  enabled: boolean;
  created_at: string;
  secret?: string | null;
}

export interface Delivery {
  id: string;
  status: string;
  attempts: number;
  last_code: number | null;
  last_error: string | null;
  completed_at: string | null;
}

export interface NotificationItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  occurred_at: string;
  read_at: string | null;
}

export const NOTIFICATION_KINDS: { id: string; label: string }[] = [
  { id: "signin.new_device", label: "Sign-in from a new device or address" },
  { id: "signin.second_factor_failed", label: "Password right but second factor wrong" },
  { id: "token.created", label: "Token created" },
  { id: "token.revoked", label: "Token revoked" },
  { id: "token.ip_denied", label: "Token used from a refused address" },
  { id: "credential.added", label: "Exchange key or passkey added" },
  { id: "credential.removed", label: "Exchange key or passkey removed" },
  { id: "exchange.permissions_changed", label: "Exchange key permissions changed" },
  { id: "order.large", label: "Large order" },
  { id: "security.anomaly", label: "Unusual activity (new address range, failed sign-in burst, request spike)" },
  { id: "account.frozen", label: "Account frozen" },
  { id: "account.unfrozen", label: "Account unfrozen" },
  { id: "sys.sealed", label: "Server sealed" },
];
