import type { DevMailboxMessage, OutboxEntry } from '../../../contracts/mail.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, notFound } from '../../domain/errors.js';
import type { IdGenerator } from '../../domain/ids.js';
import type { ODataQuery } from '../../odata/query.js';
import type { Mailer, MailLogger } from '../../platform/mailer.js';
import { bareAddress, extractLinks, listOutboxEntries } from '../../platform/outbox.js';
import type { Access } from '../access/access.js';
import { findDevMessage, insertDevMessage, listDevMessages } from './mail.repository.js';

export type { DevMailboxMessage, OutboxEntry } from '../../../contracts/mail.js';

export interface DevMailboxDeps {
  db: Executor;
  clock: Clock;
  newId: IdGenerator;
  access: Access;
  /** With SMTP configured there is no development mailbox (its routes answer 404). */
  smtpConfigured: boolean;
}

/**
 * The development mailbox: where mail goes when no SMTP server is configured. Messages are kept in
 * `dev_mailbox` (one copy per outbox row, however often delivery is retried) and shown to
 * administrators over `/v1.0/devMailbox/*` (a Portico extension, not part of Microsoft Graph),
 * with the delivery status of outgoing mail. Global and User Administrators (`devMailbox.read`).
 */
export class DevMailboxService {
  constructor(private readonly deps: DevMailboxDeps) {}

  private requireEnabled(): void {
    if (this.deps.smtpConfigured) {
      throw new DomainError(
        'resource_not_found',
        'The development mailbox is turned off: PORTICO_SMTP_URL is set, so mail is delivered to the SMTP server.',
      );
    }
  }

  /** Messages in the caller's tenant, newest first. */
  async listMessages(ctx: OperationContext, q: ODataQuery): Promise<{ items: DevMailboxMessage[]; skiptoken?: string }> {
    await this.deps.access.require(ctx, 'devMailbox.read');
    this.requireEnabled();
    return listDevMessages(this.deps.db, ctx.caller.tenantId, q);
  }

  async getMessage(ctx: OperationContext, id: string): Promise<DevMailboxMessage> {
    await this.deps.access.require(ctx, 'devMailbox.read');
    this.requireEnabled();
    const m = await findDevMessage(this.deps.db, ctx.caller.tenantId, id);
    if (!m) throw notFound(id);
    return m;
  }

  /** Delivery status of the tenant's outgoing mail, newest first. Available with SMTP too: that is where failures show. */
  async listOutbox(ctx: OperationContext, q: ODataQuery): Promise<{ items: OutboxEntry[]; skiptoken?: string }> {
    await this.deps.access.require(ctx, 'devMailbox.read');
    return listOutboxEntries(this.deps.db, ctx.caller.tenantId, q);
  }

  /** The mailer that delivers into this mailbox (see devMailboxMailer). */
  mailer(logger: MailLogger): Mailer {
    return devMailboxMailer(this.deps.db, logger, this.deps);
  }
}

/**
 * The mailer used when PORTICO_SMTP_URL is not set: stores each message (idempotent per outbox
 * row) and logs its links at info level, so a new installation completes invitation and sign-in
 * flows without a mail server.
 */
export function devMailboxMailer(db: Executor, logger: MailLogger, deps: { clock: Clock; newId: IdGenerator }): Mailer {
  return {
    kind: 'devMailbox',
    description: 'dev mailbox (PORTICO_SMTP_URL is not set)',
    async send(mail) {
      const p = mail.payload;
      const stored = await insertDevMessage(db, deps, mail);
      const to = p.to.map(bareAddress);
      const links = extractLinks(p.text);
      // Development only: the passcode is in the stored message anyway, and reading it here is the point.
      const passcode = mail.kind === 'otp' ? /verification code: (\d{4,10})/.exec(p.text)?.[1] : undefined;
      const what = [passcode ? `passcode ${passcode}` : undefined, links[0] ? `open ${links[0]}` : undefined].filter(Boolean);
      logger.info(
        { devMailbox: true, id: stored.id, to, subject: p.subject, links, ...(passcode ? { passcode } : {}) },
        `Dev mailbox: "${p.subject}" to ${to.join(', ')}${what.length ? ` — ${what.join(' — ')}` : ''} (not sent: PORTICO_SMTP_URL is not set)`,
      );
    },
    close() {},
  };
}
