import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/server/domain/clock.js';
import { uuidv7 } from '../../src/server/domain/ids.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { devMailboxMailer } from '../../src/server/modules/mail/mail.service.js';
import { createMailer, type MailLogger } from '../../src/server/platform/mailer.js';
import { enqueueMail, type MailMessage } from '../../src/server/platform/outbox.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// Without PORTICO_SMTP_URL, mail goes to the development mailbox: stored in the database, listed
// for administrators over /v1.0/devMailbox, and logged with its links. The in-process worker runs
// as in `portico serve` (polling every 50 ms here).

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { PORTICO_OUTBOX_POLL_MS: '50' } });
});
afterAll(async () => {
  await t?.close();
});

const deps = () => ({ clock: systemClock, newId: uuidv7, mailFrom: t.config.mailFrom });
const msg = (to: string, subject: string, extra: Partial<MailMessage> = {}): MailMessage => ({
  tenant: { id: t.tenant.id, initialDomain: t.tenant.initialDomain },
  kind: 'invitation',
  to: [to],
  subject,
  text: `Ada invited you. Accept: http://localhost:8080/redeem?t=${encodeURIComponent(subject)}.\nPrivacy: https://contoso.test/privacy`,
  html: '<p>Ada invited you.</p>',
  ...extra,
});

const enqueue = (m: MailMessage) => t.database.db.transaction().execute((trx) => enqueueMail(trx, deps(), m));

/** Waits for the in-process worker to deliver (real timers: this is the serve path). */
async function delivered(outboxIds: string[], timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await t.database.db.selectFrom('dev_mailbox').select('outbox_id').where('outbox_id', 'in', outboxIds).execute();
    if (rows.length === outboxIds.length) return;
    if (Date.now() > until) throw new Error(`only ${rows.length} of ${outboxIds.length} messages delivered`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('dev mailbox (no SMTP configured)', () => {
  it('the in-process worker stores an enqueued message; admins list and read it', async () => {
    expect(t.app.portico.mailer.kind).toBe('devMailbox');
    const { id, messageId } = await enqueue(
      msg('Gabriel Guest <Gabriel@Fabrikam.test>', 'Ada invited you to access applications within Contoso', {
        cc: ['carol@fabrikam.test'],
      }),
    );
    await delivered([id]);

    const res = await t.call('GET', '/v1.0/devMailbox/messages', { token: t.admin.token });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#devMailbox/messages');
    const found = body.value.find((m: { outboxId: string }) => m.outboxId === id);
    expect(found).toMatchObject({
      outboxId: id,
      internetMessageId: messageId,
      from: 'Portico <no-reply@contoso.test>',
      to: ['Gabriel@Fabrikam.test'],
      cc: ['carol@fabrikam.test'],
      subject: 'Ada invited you to access applications within Contoso',
      html: '<p>Ada invited you.</p>',
      links: [
        `http://localhost:8080/redeem?t=${encodeURIComponent('Ada invited you to access applications within Contoso')}`,
        'https://contoso.test/privacy',
      ],
    });
    expect(found.text).toContain('Accept: http://localhost:8080/redeem');
    expect(Date.parse(found.receivedDateTime)).not.toBeNaN();

    const one = await t.call('GET', `/v1.0/devMailbox/messages/${found.id}`, { token: t.admin.token });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: found.id, outboxId: id, subject: found.subject });
    const missing = await t.call('GET', `/v1.0/devMailbox/messages/${uuidv7()}`, { token: t.admin.token });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('Request_ResourceNotFound');

    const outbox = await t.database.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(outbox).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('lists newest first with $top and @odata.nextLink paging, and filters by recipient', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const { id } = await enqueue(msg(`pager${n}@fabrikam.test`, `Paging ${n}`));
      await delivered([id]); // one by one, so received times are ordered
      ids.push(id);
    }
    const filter = encodeURIComponent("startswith(subject,'Paging')");
    const first = await t.call('GET', `/v1.0/devMailbox/messages?$top=2&$filter=${filter}`, { token: t.admin.token });
    expect(first.statusCode).toBe(200);
    expect(first.json().value.map((m: { subject: string }) => m.subject)).toEqual(['Paging 3', 'Paging 2']);
    const next: string = first.json()['@odata.nextLink'];
    expect(next).toMatch(/^http:\/\/localhost:8080\/v1\.0\/devMailbox\/messages\?.*(\$|%24)skiptoken=/);
    const second = await t.call('GET', next.replace('http://localhost:8080', ''), { token: t.admin.token });
    expect(second.statusCode).toBe(200);
    expect(second.json().value.map((m: { subject: string }) => m.subject)).toEqual(['Paging 1']);
    expect(second.json()['@odata.nextLink']).toBeUndefined();

    const byTo = await t.call(
      'GET',
      `/v1.0/devMailbox/messages?$filter=${encodeURIComponent("to/any(a: a eq 'PAGER2@fabrikam.test')")}`,
      { token: t.admin.token },
    );
    expect(byTo.statusCode).toBe(200);
    expect(byTo.json().value.map((m: { subject: string }) => m.subject)).toEqual(['Paging 2']);

    const bad = await t.call('GET', `/v1.0/devMailbox/messages?$filter=${encodeURIComponent("text eq 'x'")}`, {
      token: t.admin.token,
    });
    expect(bad.statusCode).toBe(400);
  });

  it('is for Global and User Administrators only', async () => {
    const member = await t.createUser();
    const guest = await t.createUser({ userType: 'Guest' });
    const inviter = await t.createUser({ roles: [RoleIds.guestInviter] });
    const userAdmin = await t.createUser({ roles: [RoleIds.userAdministrator] });
    for (const who of [member, guest, inviter]) {
      const res = await t.call('GET', '/v1.0/devMailbox/messages', { token: who.token });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('Authorization_RequestDenied');
    }
    const app = await t.call('GET', '/v1.0/devMailbox/messages', { token: await t.appToken(['Directory.ReadWrite.All']) });
    expect(app.statusCode).toBe(403);
    expect((await t.call('GET', '/v1.0/devMailbox/messages', { token: userAdmin.token })).statusCode).toBe(200);
    expect((await t.call('GET', '/v1.0/devMailbox/outbox', { token: userAdmin.token })).statusCode).toBe(200);
    expect((await t.call('GET', '/v1.0/devMailbox/messages')).statusCode).toBe(401);
  });

  it('logs recipients, subject and links at info level, and keeps one copy when a delivery is repeated', async () => {
    const entries: { obj: Record<string, unknown>; msg: string | undefined; level: string }[] = [];
    const capture: MailLogger = {
      info: (obj, m) => entries.push({ obj: obj as Record<string, unknown>, msg: m, level: 'info' }),
      warn: (obj, m) => entries.push({ obj: obj as Record<string, unknown>, msg: m, level: 'warn' }),
      error: (obj, m) => entries.push({ obj: obj as Record<string, unknown>, msg: m, level: 'error' }),
    };
    const mailer = createMailer({ smtpUrl: undefined }, capture, () =>
      devMailboxMailer(t.database.db, capture, { clock: systemClock, newId: uuidv7 }),
    );
    expect(mailer.kind).toBe('devMailbox');
    const outboxId = uuidv7();
    const mail = {
      outboxId,
      tenantId: t.tenant.id,
      kind: 'otp',
      messageId: `<${outboxId}@contoso.test>`,
      payload: {
        from: 'Portico <no-reply@contoso.test>',
        to: ['Gina <gina@fabrikam.test>'],
        cc: [],
        subject: 'Your one-time passcode',
        text: 'Your code is 12345678. Or open https://localhost:8080/redeem/continue?x=1, then sign in.',
        headers: {},
      },
    };
    await mailer.send(mail);
    await mailer.send(mail); // at-least-once: the same outbox row again
    const stored = await t.database.db.selectFrom('dev_mailbox').selectAll().where('outbox_id', '=', outboxId).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.html).toBeNull();

    const info = entries.filter((e) => e.level === 'info');
    expect(info).toHaveLength(2);
    expect(info[0]?.obj).toMatchObject({
      to: ['gina@fabrikam.test'],
      subject: 'Your one-time passcode',
      links: ['https://localhost:8080/redeem/continue?x=1'],
    });
    expect(info[0]?.msg).toMatch(/dev mailbox/i);
  });
});

describe('dev mailbox with SMTP configured', () => {
  it('answers 404 with a message that names the setting', async () => {
    const smtp = await buildTestApp({ env: { PORTICO_SMTP_URL: 'smtp://127.0.0.1:9', PORTICO_OUTBOX_WORKER: 'off' } });
    try {
      for (const url of ['/v1.0/devMailbox/messages', `/v1.0/devMailbox/messages/${uuidv7()}`]) {
        const res = await smtp.call('GET', url, { token: smtp.admin.token });
        expect(res.statusCode).toBe(404);
        expect(res.json().error.message).toBe(
          'The development mailbox is turned off: PORTICO_SMTP_URL is set, so mail is delivered to the SMTP server.',
        );
      }
      // Still 403 (not 404) for callers who may not see it at all.
      const member = await smtp.createUser();
      expect((await smtp.call('GET', '/v1.0/devMailbox/messages', { token: member.token })).statusCode).toBe(403);
      // The delivery status stays available with SMTP.
      expect((await smtp.call('GET', '/v1.0/devMailbox/outbox', { token: smtp.admin.token })).statusCode).toBe(200);
    } finally {
      await smtp.close();
    }
  });
});
