import type { Expression, SqlBool } from 'kysely';
import type { Executor } from '../db/index.js';
import type { DevMailboxTable, OutboxTable } from '../db/types.js';
import { authorize, type PolicyFacts } from '../domain/authorization.js';
import type { Clock } from '../domain/clock.js';
import type { OperationContext } from '../domain/context.js';
import { DomainError, denied, notFound } from '../domain/errors.js';
import type { IdGenerator } from '../domain/ids.js';
import { encodeSkipToken, type ODataQuery, type ResourceSpec } from '../http/odata/query.js';
import type { OutgoingMail } from './mailer.js';
import { bareAddress, extractLinks, type OutboxEntry, parsePayload } from './outbox.js';

/**
 * The development mailbox: where mail goes when no SMTP server is configured. Messages are kept in
 * `dev_mailbox` (one copy per outbox row, however often delivery is retried) and shown to
 * administrators over `/v1.0/devMailbox/*` (a Portico extension, not part of Microsoft Graph).
 */

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

const ALL_STRING_OPS = ['eq', 'ne', 'in', 'startswith', 'not'] as const;

export const devMessagesResource: ResourceSpec = {
  name: 'devMailbox/messages',
  idColumn: 'id',
  properties: {
    id: { type: 'guid', column: 'id', filter: ['eq', 'ne', 'in', 'not'] },
    outboxId: { type: 'guid', column: 'outbox_id', filter: ['eq', 'in'] },
    internetMessageId: { type: 'string', column: 'message_id', filter: ['eq'] },
    receivedDateTime: { type: 'datetime', column: 'received_date_time', filter: ['eq', 'ge', 'gt', 'le', 'lt'] },
    from: { type: 'string', column: 'from', filter: ALL_STRING_OPS, ci: true },
    to: { type: 'stringCollection', column: 'to', filter: ['any', 'eq'], ci: true },
    cc: { type: 'stringCollection', column: 'cc', filter: ['any', 'eq'], ci: true },
    subject: { type: 'string', column: 'subject', filter: ALL_STRING_OPS, ci: true },
    text: { type: 'string' },
    html: { type: 'string' },
    links: { type: 'stringCollection' },
  },
};

export const outboxResource: ResourceSpec = {
  name: 'devMailbox/outbox',
  idColumn: 'id',
  properties: {
    id: { type: 'guid', column: 'id', filter: ['eq', 'in'] },
    kind: { type: 'string', column: 'kind', filter: ['eq', 'ne', 'in', 'not'] },
    internetMessageId: { type: 'string', column: 'message_id', filter: ['eq'] },
    status: { type: 'enum', column: 'status', values: ['pending', 'sent', 'dead'], filter: ['eq', 'ne', 'in', 'not'] },
    attempts: { type: 'number', column: 'attempts', filter: ['eq', 'ge', 'gt', 'le', 'lt'] },
    nextAttemptDateTime: { type: 'datetime' },
    lastError: { type: 'string' },
    createdDateTime: { type: 'datetime', column: 'created_date_time', filter: ['ge', 'gt', 'le', 'lt'] },
    sentDateTime: { type: 'datetime' },
    to: { type: 'stringCollection' },
    subject: { type: 'string' },
  },
};

const jsonArray = (text: string): string[] => {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

function toMessage(r: DevMailboxTable): DevMailboxMessage {
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

function toOutboxEntry(r: OutboxTable): OutboxEntry {
  const p = parsePayload(r.payload);
  return {
    id: r.id,
    kind: r.kind,
    internetMessageId: r.message_id,
    status: r.status,
    attempts: Number(r.attempts),
    nextAttemptDateTime: r.status === 'pending' ? r.next_attempt_at : null,
    lastError: r.last_error,
    createdDateTime: r.created_date_time,
    sentDateTime: r.sent_date_time,
    to: p.to.map(bareAddress),
    subject: p.subject,
  };
}

/**
 * Stores a message delivered to the development mailbox. Idempotent per outbox row: a second
 * delivery of the same row (at-least-once) keeps the first copy and returns it.
 */
export async function storeDevMessage(
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

/** Newest first, keyset-paged on (timestamp, id); `$skiptoken` carries the last row of the page. */
async function pageNewestFirst<T extends { id: string }, R>(
  qb: any,
  timeColumn: string,
  q: ODataQuery,
  getTime: (row: T) => string,
  map: (row: T) => R,
): Promise<{ items: R[]; skiptoken?: string }> {
  let query = qb;
  if (q.where !== undefined) query = query.where(q.where as Expression<SqlBool>);
  if (q.after !== undefined) {
    const { v, id } = q.after;
    query = query.where((eb: any) =>
      eb.or([eb(timeColumn, '<', v ?? ''), eb.and([eb(timeColumn, '=', v ?? ''), eb('id', '<', id)])]),
    );
  }
  const rows = (await query
    .orderBy(timeColumn, 'desc')
    .orderBy('id', 'desc')
    .limit(q.top + 1)
    .execute()) as T[];
  if (rows.length <= q.top) return { items: rows.map(map) };
  const items = rows.slice(0, q.top);
  const last = items[items.length - 1] as T;
  return { items: items.map(map), skiptoken: encodeSkipToken(getTime(last), last.id, undefined) };
}

export interface DevMailboxDeps {
  db: Executor;
  /** The tenant policy the authorization decision needs (policies service). */
  policyFacts(tenantId: string): Promise<PolicyFacts>;
  /** With SMTP configured there is no development mailbox (its routes answer 404). */
  smtpConfigured: boolean;
}

export function createDevMailboxService(deps: DevMailboxDeps) {
  async function check(ctx: OperationContext): Promise<void> {
    const decision = authorize(ctx.caller, 'devMailbox.read', await deps.policyFacts(ctx.caller.tenantId));
    if (!decision.allowed) throw denied(decision.reason);
  }
  function requireEnabled(): void {
    if (deps.smtpConfigured) {
      throw new DomainError(
        'resource_not_found',
        'The development mailbox is turned off: PORTICO_SMTP_URL is set, so mail is delivered to the SMTP server.',
      );
    }
  }

  return {
    /** Messages in the caller's tenant, newest first. Global or User Administrators only. */
    async listMessages(ctx: OperationContext, q: ODataQuery): Promise<{ items: DevMailboxMessage[]; skiptoken?: string }> {
      await check(ctx);
      requireEnabled();
      const qb = deps.db.selectFrom('dev_mailbox').selectAll().where('tenant_id', '=', ctx.caller.tenantId);
      return pageNewestFirst<DevMailboxTable, DevMailboxMessage>(
        qb,
        'received_date_time',
        q,
        (r) => r.received_date_time,
        toMessage,
      );
    },

    async getMessage(ctx: OperationContext, id: string): Promise<DevMailboxMessage> {
      await check(ctx);
      requireEnabled();
      const row = await deps.db
        .selectFrom('dev_mailbox')
        .selectAll()
        .where('tenant_id', '=', ctx.caller.tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw notFound(id);
      return toMessage(row);
    },

    /**
     * Delivery status of the tenant's outgoing mail (pending, sent, dead; attempts; last error),
     * newest first. Available with SMTP too: that is where failures show.
     */
    async listOutbox(ctx: OperationContext, q: ODataQuery): Promise<{ items: OutboxEntry[]; skiptoken?: string }> {
      await check(ctx);
      const qb = deps.db.selectFrom('outbox').selectAll().where('tenant_id', '=', ctx.caller.tenantId);
      return pageNewestFirst<OutboxTable, OutboxEntry>(qb, 'created_date_time', q, (r) => r.created_date_time, toOutboxEntry);
    },
  };
}
