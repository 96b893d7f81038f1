/**
 * Portico extension (not Microsoft Graph), `/v1.0/devMailbox/*`: the development mailbox, where
 * mail goes when no SMTP server is configured, and the delivery status of outgoing mail.
 */

/** `GET /devMailbox/messages[/{id}]`: a stored message. */
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

export type OutboxStatus = 'pending' | 'sent' | 'dead';

/** `GET /devMailbox/outbox`: an outgoing message and where its delivery stands. */
export interface OutboxEntry {
  id: string;
  kind: string;
  internetMessageId: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptDateTime: string | null;
  lastError: string | null;
  createdDateTime: string;
  sentDateTime: string | null;
  to: string[];
  subject: string;
}
