/** Wire types of the development mailbox and the outbox status (Portico extensions, not Microsoft Graph). */

/** A stored development-mailbox message as the API returns it. */
export interface DevMailboxMessage {
  id: string;
  outboxId: string;
  internetMessageId: string;
  receivedDateTime: string;
  from: string;
  /** Bare recipient addresses. */
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string | null;
  /** The http(s) links in the text part (redeem links, sign-in links). */
  links: string[];
}

/** An outbox row as operators see it (`/v1.0/devMailbox/outbox`, Portico extension). */
export interface OutboxEntry {
  id: string;
  kind: string;
  internetMessageId: string;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptDateTime: string | null;
  lastError: string | null;
  createdDateTime: string;
  sentDateTime: string | null;
  to: string[];
  subject: string;
}
