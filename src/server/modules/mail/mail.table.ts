export interface DevMailboxTable {
  id: string;
  tenant_id: string;
  outbox_id: string;
  message_id: string;
  from: string;
  /** JSON array of bare addresses. */
  to: string;
  /** JSON array of bare addresses. */
  cc: string;
  subject: string;
  text: string;
  html: string | null;
  received_date_time: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface MailTables {
  dev_mailbox: DevMailboxTable;
}
