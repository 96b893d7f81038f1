import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

// Mail: the transactional outbox (written in the business transaction, delivered by the worker)
// and the development mailbox (where mail goes when no SMTP server is configured).
// Same portability rules as 0001: text ids and ISO-8601 UTC timestamps, JSON as text.

export async function up(db: Kysely<unknown>): Promise<void> {
  await ddl.createTable(db, 'outbox', {
    ...ddl.TENANT_RECORD,
    kind: 'text not null',
    message_id: 'text not null',
    payload: 'text not null',
    status: "text not null default 'pending'",
    attempts: 'integer not null default 0',
    next_attempt_at: 'text not null',
    lease_owner: 'text',
    lease_expires_at: 'text',
    last_error: 'text',
    created_date_time: 'text not null',
    sent_date_time: 'text',
  });
  // The worker's claim query: pending rows due now, oldest first.
  await ddl.createIndex(db, 'outbox_due_ix', 'outbox', ['status', 'next_attempt_at']);
  await ddl.createIndex(db, 'outbox_tenant_ix', 'outbox', ['tenant_id', 'created_date_time']);

  await ddl.createTable(db, 'dev_mailbox', {
    ...ddl.TENANT_RECORD,
    outbox_id: 'text not null',
    message_id: 'text not null',
    from: 'text not null',
    to: 'text not null',
    cc: "text not null default '[]'",
    subject: 'text not null',
    text: 'text not null',
    html: 'text',
    received_date_time: 'text not null',
  });
  // At-least-once delivery may hand the same outbox row over twice: the mailbox keeps one copy.
  await ddl.createIndex(db, 'dev_mailbox_outbox_uq', 'dev_mailbox', ['outbox_id'], { unique: true });
  await ddl.createIndex(db, 'dev_mailbox_received_ix', 'dev_mailbox', ['tenant_id', 'received_date_time', 'id']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await ddl.dropTables(db, ['dev_mailbox', 'outbox']);
}
