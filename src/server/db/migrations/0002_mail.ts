import type { Kysely } from 'kysely';

// Mail: the transactional outbox (written in the business transaction, delivered by the worker)
// and the development mailbox (where mail goes when no SMTP server is configured).
// Same portability rules as 0001: text ids and ISO-8601 UTC timestamps, JSON as text.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addColumn('sent_date_time', 'text')
    .execute();
  // The worker's claim query: pending rows due now, oldest first.
  await db.schema.createIndex('outbox_due_ix').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_tenant_ix').on('outbox').columns(['tenant_id', 'created_date_time']).execute();

  await db.schema
    .createTable('dev_mailbox')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('from', 'text', (c) => c.notNull())
    .addColumn('to', 'text', (c) => c.notNull())
    .addColumn('cc', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    .addColumn('received_date_time', 'text', (c) => c.notNull())
    .execute();
  // At-least-once delivery may hand the same outbox row over twice: the mailbox keeps one copy.
  await db.schema.createIndex('dev_mailbox_outbox_uq').on('dev_mailbox').column('outbox_id').unique().execute();
  await db.schema
    .createIndex('dev_mailbox_received_ix')
    .on('dev_mailbox')
    .columns(['tenant_id', 'received_date_time', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dev_mailbox').ifExists().execute();
  await db.schema.dropTable('outbox').ifExists().execute();
}
