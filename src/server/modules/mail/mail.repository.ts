import type { DevMailboxMessage } from '../../../contracts/mail.js';
import type { Executor } from '../../db/index.js';
import { tenantRow } from '../../db/tenant-rows.js';
import type { Clock } from '../../domain/clock.js';
import type { IdGenerator } from '../../domain/ids.js';
import type { ODataQuery } from '../../odata/query.js';
import { newestFirstPage } from '../../odata/rows-page.js';
import type { OutgoingMail } from '../../platform/mailer.js';
import { bareAddress, extractLinks } from '../../platform/outbox.js';
import { devMessagesResource } from './mail.query.js';
import type { DevMailboxTable } from './mail.table.js';

const jsonArray = (text: string): string[] => {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

const toMessage = (r: DevMailboxTable): DevMailboxMessage => toMessageOf(r);
function toMessageOf(r: DevMailboxTable): DevMailboxMessage {
  return {
    id: r.id,
    outboxId: r.outbox_id,
    internetMessageId: r.message_id,
    receivedDateTime: r.received_date_time,
    from: r.from,
    to: jsonArray(r.to),
    cc: jsonArray(r.cc),
    subject: r.subject,
    text: r.text,
    html: r.html,
    links: extractLinks(r.text),
  };
}

/**
 * Stores a message delivered to the development mailbox. Idempotent per outbox row: a second
 * delivery of the same row (at-least-once) keeps the first copy and returns it.
 */
export async function insertDevMessage(
  db: Executor,
  deps: { clock: Clock; newId: IdGenerator },
  mail: OutgoingMail,
): Promise<{ id: string }> {
  const p = mail.payload;
  const id = deps.newId();
  await db
    .insertInto('dev_mailbox')
    .values({
      id,
      tenant_id: mail.tenantId,
      outbox_id: mail.outboxId,
      message_id: mail.messageId,
      from: p.from,
      to: JSON.stringify(p.to.map(bareAddress)),
      cc: JSON.stringify(p.cc.map(bareAddress)),
      subject: p.subject,
      text: p.text,
      html: p.html ?? null,
      received_date_time: deps.clock.now().toISOString(),
    })
    .onConflict((oc) => oc.column('outbox_id').doNothing())
    .execute();
  const row = await db.selectFrom('dev_mailbox').select('id').where('outbox_id', '=', mail.outboxId).executeTakeFirstOrThrow();
  return { id: row.id };
}

/** A tenant's development-mailbox messages, newest first. */
export function listDevMessages(
  db: Executor,
  tenantId: string,
  q: ODataQuery,
): Promise<{ items: DevMailboxMessage[]; skiptoken?: string }> {
  const qb = db.selectFrom('dev_mailbox').selectAll().where('tenant_id', '=', tenantId);
  return newestFirstPage(qb, devMessagesResource, 'received_date_time', q, toMessage);
}

export async function findDevMessage(db: Executor, tenantId: string, id: string): Promise<DevMailboxMessage | undefined> {
  const row = await tenantRow(db.selectFrom('dev_mailbox').selectAll(), tenantId, { id });
  return row && toMessage(row);
}
