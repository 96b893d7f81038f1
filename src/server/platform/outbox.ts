import type { Updateable } from 'kysely';
import type { OutboxEntry } from '../../contracts/mail.js';
import type { Dialect, Executor } from '../db/index.js';
import type { Clock } from '../domain/clock.js';
import type { IdGenerator } from '../domain/ids.js';
import type { ODataQuery, ResourceSpec } from '../odata/query.js';
import { newestFirstPage } from '../odata/rows-page.js';
import type { OutboxTable } from './platform.table.js';

export type { OutboxEntry } from '../../contracts/mail.js';

/**
 * The transactional outbox: use cases record the mail they announce in the SAME transaction as the
 * change itself (`enqueueMail(trx, …)`), so a rolled-back change sends nothing and a committed one
 * is never lost. The outbox worker delivers after commit (see outbox-worker.ts).
 */

/** What is stored in `outbox.payload` (JSON) and handed to the mailer. */
export interface MailPayload {
  /** RFC 5322 mailbox, e.g. `Portico <no-reply@contoso.com>`. */
  from: string;
  /** Addresses (`a@b.c` or `Name <a@b.c>`), at least one. */
  to: string[];
  cc: string[];
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers such as `X-Portico-Invitation-Id`. */
  headers: Record<string, string>;
}

/** A message to enqueue. `from` defaults to `PORTICO_MAIL_FROM`. */
export interface MailMessage {
  tenant: { id: string; initialDomain: string };
  /** What the message is about, for operators: 'invitation', 'otp', … */
  kind: string;
  from?: string;
  to: string[];
  cc?: string[];
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export interface OutboxDeps {
  clock: Clock;
  newId: IdGenerator;
  /** Default sender (`config.mailFrom`). */
  mailFrom: string;
}

export interface EnqueuedMail {
  /** Outbox row id. */
  id: string;
  /** The stable `Message-ID` header value, `<uuid@tenant-domain>`. */
  messageId: string;
}

// Header values must not smuggle in extra headers; addresses must not either.
const CONTROL = /[\u0000-\u001f\u007f]/;
const HEADER_NAME = /^[!-9;-~]{1,76}$/;
/** Headers the mailer sets itself; a caller may not override them. */
const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'message-id',
  'date',
  'sender',
  'return-path',
]);

function validate(msg: MailMessage, from: string): void {
  const problems: string[] = [];
  if (msg.to.length === 0) problems.push('at least one recipient is required');
  for (const a of [from, ...msg.to, ...(msg.cc ?? []), ...(msg.replyTo === undefined ? [] : [msg.replyTo])]) {
    if (CONTROL.test(a) || !a.includes('@') || a.length > 512) problems.push(`invalid address ${JSON.stringify(a)}`);
  }
  if (CONTROL.test(msg.subject) || msg.subject.length > 998) problems.push('invalid subject');
  if (!/^[a-zA-Z][a-zA-Z0-9._-]{0,63}$/.test(msg.kind)) problems.push(`invalid kind ${JSON.stringify(msg.kind)}`);
  for (const [name, value] of Object.entries(msg.headers ?? {})) {
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase()))
      problems.push(`header ${JSON.stringify(name)} not allowed`);
    if (CONTROL.test(value) || value.length > 998) problems.push(`invalid value for header ${name}`);
  }
  // A programming error in the caller, not user input: it aborts the caller's transaction.
  if (problems.length > 0) throw new Error(`enqueueMail: ${problems.join('; ')}`);
}

/**
 * Records `msg` for delivery. Call it with the caller's open transaction: the row commits or rolls
 * back with the business change. Performs one INSERT and no other I/O; never sends anything.
 * No authorization here: the calling use case has already decided the mail is due.
 */
export async function enqueueMail(db: Executor, deps: OutboxDeps, msg: MailMessage): Promise<EnqueuedMail> {
  const from = msg.from ?? deps.mailFrom;
  validate(msg, from);
  const id = deps.newId();
  const messageId = `<${id}@${msg.tenant.initialDomain}>`;
  const payload: MailPayload = {
    from,
    to: [...msg.to],
    cc: [...(msg.cc ?? [])],
    ...(msg.replyTo === undefined ? {} : { replyTo: msg.replyTo }),
    subject: msg.subject,
    text: msg.text,
    ...(msg.html === undefined ? {} : { html: msg.html }),
    headers: { ...(msg.headers ?? {}) },
  };
  const now = deps.clock.now().toISOString();
  await db
    .insertInto('outbox')
    .values({
      id,
      tenant_id: msg.tenant.id,
      kind: msg.kind,
      message_id: messageId,
      payload: JSON.stringify(payload),
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      created_date_time: now,
      sent_date_time: null,
    })
    .execute();
  return { id, messageId };
}

/** Parses a stored payload (tolerates rows written by older versions missing optional fields). */
export function parsePayload(text: string): MailPayload {
  const p = JSON.parse(text) as Partial<MailPayload>;
  return {
    from: String(p.from ?? ''),
    to: Array.isArray(p.to) ? p.to.map(String) : [],
    cc: Array.isArray(p.cc) ? p.cc.map(String) : [],
    ...(typeof p.replyTo === 'string' ? { replyTo: p.replyTo } : {}),
    subject: String(p.subject ?? ''),
    text: String(p.text ?? ''),
    ...(typeof p.html === 'string' ? { html: p.html } : {}),
    headers: p.headers && typeof p.headers === 'object' ? { ...p.headers } : {},
  };
}

/** The http(s) URLs in a text part, in order and without duplicates (what a reader would click). */
export function extractLinks(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/https?:\/\/[^\s<>"'`]+/g)) {
    const url = m[0].replace(/[).,;:!?\]]+$/, '');
    if (!out.includes(url)) out.push(url);
  }
  return out;
}

/** The bare address of `Name <a@b.c>` or `a@b.c`. */
export function bareAddress(mailbox: string): string {
  const m = /<([^<>]+)>\s*$/.exec(mailbox);
  return (m?.[1] ?? mailbox).trim();
}

/** OData description of the outbox status listing (`/v1.0/devMailbox/outbox`). */
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

/** Delivery status of a tenant's outgoing mail (pending, sent, dead; attempts; last error), newest first. */
export function listOutboxEntries(
  db: Executor,
  tenantId: string,
  q: ODataQuery,
): Promise<{ items: OutboxEntry[]; skiptoken?: string }> {
  const qb = db.selectFrom('outbox').selectAll().where('tenant_id', '=', tenantId);
  return newestFirstPage(qb, outboxResource, 'created_date_time', q, toOutboxEntry);
}

/**
 * Claims up to `limit` due rows for `owner` by writing a lease (owner + expiry): `FOR UPDATE SKIP
 * LOCKED` on PostgreSQL so concurrent claims never block on or take the same rows; SQLite has a
 * single writer, so the one UPDATE … RETURNING is already exclusive.
 */
export async function claimOutboxBatch(
  db: Executor,
  dialect: Dialect,
  c: { owner: string; now: Date; leaseMs: number; limit: number },
): Promise<OutboxTable[]> {
  const nowIso = c.now.toISOString();
  let due = db
    .selectFrom('outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', nowIso)
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', nowIso)]))
    .orderBy('next_attempt_at')
    .limit(c.limit);
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  return db
    .updateTable('outbox')
    .set({ lease_owner: c.owner, lease_expires_at: new Date(c.now.getTime() + c.leaseMs).toISOString() })
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/**
 * Records a delivery outcome and releases the lease — only for the lease holder, and only once
 * (false when the lease passed to another worker, whose outcome then stands).
 */
export async function finishOutboxRow(
  db: Executor,
  id: string,
  owner: string,
  set: Pick<Updateable<OutboxTable>, 'status' | 'attempts' | 'sent_date_time' | 'last_error' | 'next_attempt_at'>,
): Promise<boolean> {
  const res = await db
    .updateTable('outbox')
    .set({ ...set, lease_owner: null, lease_expires_at: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Outbox backlog for monitoring: pending and dead rows, age of the oldest pending one (all tenants). */
export async function outboxBacklog(
  db: Executor,
  now: Date,
): Promise<{ pending: number; dead: number; oldestPendingSeconds: number }> {
  const rows = await db
    .selectFrom('outbox')
    .select((eb) => ['status', eb.fn.countAll<number>().as('n'), eb.fn.min('created_date_time').as('oldest')])
    .where('status', 'in', ['pending', 'dead'])
    .groupBy('status')
    .execute();
  const pending = rows.find((r) => r.status === 'pending');
  const dead = rows.find((r) => r.status === 'dead');
  const oldest = pending?.oldest ? Date.parse(String(pending.oldest)) : Number.NaN;
  return {
    pending: Number(pending?.n ?? 0),
    dead: Number(dead?.n ?? 0),
    oldestPendingSeconds: Number.isNaN(oldest) ? 0 : Math.max(0, (now.getTime() - oldest) / 1000),
  };
}
