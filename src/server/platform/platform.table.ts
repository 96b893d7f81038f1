export interface SigningKeysTable {
  kid: string;
  tenant_id: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_date_time: string;
  retired_date_time: string | null;
}

export interface InstanceSecretsTable {
  name: string;
  value: string;
  created_date_time: string;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  window_ends_at: string;
}

export type OutboxStatus = 'pending' | 'sent' | 'dead';

export interface OutboxTable {
  id: string;
  tenant_id: string;
  kind: string;
  /** Stable RFC 5322 Message-ID `<uuid@tenant-domain>`, the same on every delivery attempt. */
  message_id: string;
  /** JSON `MailPayload`: from, to[], cc[], replyTo?, subject, text, html, headers{}. */
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  created_date_time: string;
  sent_date_time: string | null;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface PlatformTables {
  signing_keys: SigningKeysTable;
  instance_secrets: InstanceSecretsTable;
  rate_limits: RateLimitsTable;
  outbox: OutboxTable;
}
