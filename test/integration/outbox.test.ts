import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../src/server/db/index.js';
import { ManualClock } from '../../src/server/domain/clock.js';
import { uuidv7 } from '../../src/server/domain/ids.js';
import { createMailer, type Mailer, type MailLogger } from '../../src/server/platform/mailer.js';
import { enqueueMail, type MailMessage } from '../../src/server/platform/outbox.js';
import { backoffDelayMs, createOutboxWorker } from '../../src/server/platform/outbox-worker.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';
import { pgTarget } from '../helpers/pg-target.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

// The transactional outbox against a real SMTP server (smtp-server on 127.0.0.1), on both
// dialects. Time is a manual clock: backoff and lease expiry are skipped, never slept through.

const SMTP_USER = 'portico';
const SMTP_PASS = 'S3cret:P@ss/word';

const clock = new ManualClock('2026-03-01T09:00:00.000Z');
let sink: SmtpSink;
let t: TestApp;

const silent: MailLogger = { info() {}, warn() {}, error() {} };

beforeAll(async () => {
  sink = await startSmtpSink({ auth: { user: SMTP_USER, pass: SMTP_PASS } });
  t = await buildTestApp({ clock, env: { PORTICO_SMTP_URL: sink.url, PORTICO_OUTBOX_WORKER: 'off' } });
});
afterAll(async () => {
  await t?.close();
  await sink?.stop();
});
beforeEach(async () => {
  if (!sink.running) await sink.start();
  sink.clear();
  await t.database.db.deleteFrom('outbox').execute();
});

const db = () => t.database.db;
const deps = () => ({ clock, newId: uuidv7, mailFrom: t.config.mailFrom });
const tenant = () => ({ id: t.tenant.id, initialDomain: t.tenant.initialDomain });

const message = (i: number, extra: Partial<MailMessage> = {}): MailMessage => ({
  tenant: tenant(),
  kind: 'invitation',
  to: [`guest${i}@fabrikam.test`],
  subject: `Message ${i}`,
  text: `Hello ${i}: http://localhost:8080/redeem?t=${i}`,
  html: `<p>Hello ${i}: <a href="http://localhost:8080/redeem?t=${i}">Accept invitation</a></p>`,
  ...extra,
});

/** Enqueues each message in its own committed transaction, as separate use cases would. */
async function enqueueCommitted(count: number) {
  const out: { id: string; messageId: string }[] = [];
  for (let i = 0; i < count; i++)
    out.push(
      await db()
        .transaction()
        .execute((trx) => enqueueMail(trx, deps(), message(i))),
    );
  return out;
}

const rows = () => db().selectFrom('outbox').selectAll().orderBy('created_date_time').orderBy('id').execute();

describe('outbox delivery over SMTP', () => {
  it('delivers a message enqueued in a committed transaction, with its stable Message-ID, headers, text and HTML', async () => {
    const enqueued = await db()
      .transaction()
      .execute((trx) =>
        enqueueMail(trx, deps(), {
          tenant: tenant(),
          kind: 'invitation',
          to: ['Gabriel Guest <gabriel@fabrikam.test>'],
          cc: ['carol@fabrikam.test'],
          replyTo: 'Ada Admin <ada@contoso.test>',
          subject: 'Ada invited you to access applications within Contoso — Zoë',
          text: 'Accept the invitation: http://localhost:8080/redeem?t=abc',
          html: '<p><a href="http://localhost:8080/redeem?t=abc">Accept invitation</a></p>',
          headers: { 'X-Portico-Invitation-Id': 'inv-1' },
        }),
      );
    expect(enqueued.messageId).toMatch(/^<[0-9a-f-]{36}@contoso\.test>$/);
    expect(enqueued.messageId).toBe(`<${enqueued.id}@contoso.test>`);

    const [pending] = await rows();
    expect(pending).toMatchObject({ status: 'pending', attempts: 0, kind: 'invitation', lease_owner: null });

    // The app's own worker and mailer (PORTICO_SMTP_URL), driven by hand.
    const result = await t.app.portico.outboxWorker.drain();
    expect(result).toMatchObject({ claimed: 1, sent: 1, failed: 0 });
    expect(t.app.portico.mailer.kind).toBe('smtp');
    expect(t.app.portico.mailer.description).not.toContain(SMTP_PASS);

    const [m] = await sink.waitFor(1);
    expect(m).toMatchObject({
      messageId: enqueued.messageId,
      envelopeFrom: 'no-reply@contoso.test',
      to: ['gabriel@fabrikam.test'],
      cc: ['carol@fabrikam.test'],
      replyTo: ['ada@contoso.test'],
      subject: 'Ada invited you to access applications within Contoso — Zoë',
      user: SMTP_USER,
    });
    expect(m?.envelopeTo.sort()).toEqual(['carol@fabrikam.test', 'gabriel@fabrikam.test']);
    expect(m?.from).toMatch(/^"?Portico"? <no-reply@contoso\.test>$/);
    expect(m?.text.trim()).toBe('Accept the invitation: http://localhost:8080/redeem?t=abc');
    expect(m?.html).toContain('<a href="http://localhost:8080/redeem?t=abc">Accept invitation</a>');
    expect(m?.headers.get('x-portico-invitation-id')).toBe('inv-1');

    const [sent] = await rows();
    expect(sent).toMatchObject({
      status: 'sent',
      attempts: 1,
      sent_date_time: clock.now().toISOString(),
      lease_owner: null,
      lease_expires_at: null,
    });
    expect(await t.app.portico.outboxWorker.drain()).toMatchObject({ claimed: 0 });
    expect(sink.messages).toHaveLength(1);
  });

  it('sends nothing for a rolled-back transaction', async () => {
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await enqueueMail(trx, deps(), message(1));
          throw new Error('business rule failed after the mail was enqueued');
        }),
    ).rejects.toThrow('business rule failed');
    expect(await rows()).toEqual([]);
    expect(await t.app.portico.outboxWorker.drain()).toMatchObject({ claimed: 0 });
    expect(sink.messages).toEqual([]);
  });

  it('refuses header injection and empty recipients (the caller transaction fails)', async () => {
    await expect(
      db()
        .transaction()
        .execute((trx) => enqueueMail(trx, deps(), message(1, { subject: 'Hi\r\nBcc: victim@example.test' }))),
    ).rejects.toThrow(/invalid subject/);
    await expect(
      db()
        .transaction()
        .execute((trx) => enqueueMail(trx, deps(), message(1, { to: ['a@b.test\nBcc: victim@example.test'] }))),
    ).rejects.toThrow(/invalid address/);
    await expect(
      db()
        .transaction()
        .execute((trx) => enqueueMail(trx, deps(), message(1, { to: [] }))),
    ).rejects.toThrow(/recipient/);
    await expect(
      db()
        .transaction()
        .execute((trx) => enqueueMail(trx, deps(), message(1, { headers: { 'Message-ID': '<forged@x>' } }))),
    ).rejects.toThrow(/not allowed/);
    expect(await rows()).toEqual([]);
  });

  it('keeps all 50 messages while SMTP is down and delivers each exactly once when it is back', async () => {
    await sink.stop();
    const enqueued = await enqueueCommitted(50);
    const worker = t.app.portico.outboxWorker;

    expect(await worker.drain()).toMatchObject({ claimed: 50, sent: 0, failed: 50 });
    let all = await rows();
    expect(all).toHaveLength(50);
    for (const r of all) {
      expect(r.status).toBe('pending');
      expect(r.attempts).toBe(1);
      expect(r.last_error).toMatch(/ECONNREFUSED|connect/i);
      expect(r.last_error).not.toContain(SMTP_PASS);
      expect(r.lease_owner).toBeNull();
      // Backoff: the first retry is due within base (30 s), never immediately.
      expect(r.next_attempt_at > clock.now().toISOString()).toBe(true);
      expect(Date.parse(r.next_attempt_at) - clock.now().getTime()).toBeLessThanOrEqual(30_000);
    }
    // Nothing is due until the backoff has passed.
    expect(await worker.drain()).toMatchObject({ claimed: 0 });

    // Still down at the second attempt: attempts counted, the delay cap doubles.
    clock.advance(30_000);
    expect(await worker.drain()).toMatchObject({ claimed: 50, failed: 50 });
    all = await rows();
    expect(all.every((r) => r.attempts === 2 && r.status === 'pending')).toBe(true);
    expect(all.every((r) => Date.parse(r.next_attempt_at) - clock.now().getTime() <= 60_000)).toBe(true);

    await sink.start();
    clock.advance(60_000);
    expect(await worker.drain()).toMatchObject({ claimed: 50, sent: 50, failed: 0 });
    await sink.waitFor(50);
    const counts = sink.countByMessageId();
    expect(counts.size).toBe(50);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect([...counts.keys()].sort()).toEqual(enqueued.map((e) => e.messageId).sort());
    all = await rows();
    expect(all.every((r) => r.status === 'sent' && r.attempts === 3)).toBe(true);

    clock.advance(3_600_000);
    expect(await worker.drain()).toMatchObject({ claimed: 0 });
    expect(sink.messages).toHaveLength(50);
  });

  it('marks a message dead after 25 failed attempts and shows it in the outbox view', async () => {
    await sink.stop();
    await enqueueCommitted(1);
    const worker = t.app.portico.outboxWorker;
    let dead = 0;
    for (let i = 0; i < 25; i++) {
      const r = await worker.drain();
      expect(r.claimed).toBe(1);
      dead += r.dead;
      clock.advance(3_600_000);
    }
    expect(dead).toBe(1);
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'dead', attempts: 25 });
    expect(await worker.drain()).toMatchObject({ claimed: 0 });

    const res = await t.call('GET', '/v1.0/devMailbox/outbox', { token: t.admin.token });
    expect(res.statusCode).toBe(200);
    const [entry] = res.json().value;
    expect(entry).toMatchObject({
      id: row?.id,
      kind: 'invitation',
      status: 'dead',
      attempts: 25,
      nextAttemptDateTime: null,
      to: ['guest0@fabrikam.test'],
      subject: 'Message 0',
    });
    expect(entry.lastError).toMatch(/ECONNREFUSED|connect/i);

    const filtered = await t.call('GET', "/v1.0/devMailbox/outbox?$filter=status eq 'pending'", { token: t.admin.token });
    expect(filtered.json().value).toEqual([]);
    const member = await t.createUser();
    expect((await t.call('GET', '/v1.0/devMailbox/outbox', { token: member.token })).statusCode).toBe(403);
  });

  it('answers 404 for the dev mailbox while SMTP is configured', async () => {
    const res = await t.call('GET', '/v1.0/devMailbox/messages', { token: t.admin.token });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('Request_ResourceNotFound');
    expect(res.json().error.message).toContain('PORTICO_SMTP_URL');
  });

  it('never puts the SMTP password in logs or in lastError when the login is refused', async () => {
    const entries: unknown[] = [];
    const capture: MailLogger = {
      info: (o, m) => entries.push([o, m]),
      warn: (o, m) => entries.push([o, m]),
      error: (o, m) => entries.push([o, m]),
    };
    const wrongPass = 'Wr0ng:Secret/42';
    const url = sink.url.replace(encodeURIComponent(SMTP_PASS), encodeURIComponent(wrongPass));
    const mailer = createMailer({ smtpUrl: url }, capture);
    const worker = createOutboxWorker({ db: db(), dialect: t.database.dialect, mailer, clock, logger: capture });
    await enqueueCommitted(1);
    expect(await worker.drain()).toMatchObject({ claimed: 1, failed: 1 });
    const [row] = await rows();
    expect(row?.last_error).toMatch(/535|auth/i);
    const logged = JSON.stringify(entries);
    expect(entries.length).toBeGreaterThan(0);
    for (const secret of [wrongPass, encodeURIComponent(wrongPass), SMTP_PASS]) {
      expect(logged).not.toContain(secret);
      expect(row?.last_error).not.toContain(secret);
    }
    expect(mailer.description).toBe(`smtp://127.0.0.1:${sink.port}`);
    mailer.close();
  });
});

describe('outbox worker robustness', () => {
  it('redelivers a row leased by a crashed worker once the lease has expired; the stale worker cannot overwrite it', async () => {
    const [enq] = await enqueueCommitted(1);
    // Worker A claims the row and "crashes" mid-delivery: its send never completes.
    let release: () => void = () => {};
    const stuck: Mailer = {
      kind: 'smtp',
      description: 'stuck',
      send: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      close() {},
    };
    const crashed = createOutboxWorker({
      db: db(),
      dialect: t.database.dialect,
      mailer: stuck,
      clock,
      logger: silent,
      workerId: 'crashed',
    });
    const inFlight = crashed.runOnce();
    for (let i = 0; i < 200; i++) {
      const [r] = await rows();
      if (r?.lease_owner === 'crashed') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const [leased] = await rows();
    expect(leased).toMatchObject({ lease_owner: 'crashed', status: 'pending' });
    expect(leased?.lease_expires_at).toBe(new Date(clock.now().getTime() + 60_000).toISOString());

    // A new process starts: the row is still leased, so it waits.
    const smtp = createMailer(t.config, silent);
    const fresh = createOutboxWorker({
      db: db(),
      dialect: t.database.dialect,
      mailer: smtp,
      clock,
      logger: silent,
      workerId: 'fresh',
    });
    expect(await fresh.drain()).toMatchObject({ claimed: 0 });
    clock.advance(60_001);
    expect(await fresh.drain()).toMatchObject({ claimed: 1, sent: 1 });
    await sink.waitFor(1);
    expect(sink.messages.map((m) => m.messageId)).toEqual([enq?.messageId]);

    // The crashed worker wakes up: its outcome is not recorded over the new one.
    release();
    expect(await inFlight).toMatchObject({ claimed: 1, sent: 0, lost: 1 });
    const [done] = await rows();
    expect(done).toMatchObject({ status: 'sent', attempts: 1, lease_owner: null });
    smtp.close();
  });

  it(`two workers on separate connections drain 100 messages concurrently, each delivered exactly once (${dialect})`, async () => {
    const enqueued = await enqueueCommitted(100);
    const target = dialect === 'postgres' ? await pgTarget(t.storage.schema) : undefined;
    const second = await createDb(t.config, target?.pgSchema ? { pgSchema: target.pgSchema, pgPoolMax: 5 } : { pgPoolMax: 5 });
    try {
      const mailerA = createMailer(t.config, silent);
      const mailerB = createMailer(t.config, silent);
      const a = createOutboxWorker({
        db: db(),
        dialect: t.database.dialect,
        mailer: mailerA,
        clock,
        logger: silent,
        workerId: 'a',
      });
      const b = createOutboxWorker({
        db: second.db,
        dialect: second.dialect,
        mailer: mailerB,
        clock,
        logger: silent,
        workerId: 'b',
      });
      const [ra, rb] = await Promise.all([a.drain(), b.drain()]);
      expect((ra?.claimed ?? 0) + (rb?.claimed ?? 0)).toBe(100);
      expect((ra?.sent ?? 0) + (rb?.sent ?? 0)).toBe(100);
      if (dialect === 'postgres') {
        // Both really worked (SKIP LOCKED lets them take different rows at the same time).
        expect(ra?.claimed).toBeGreaterThan(0);
        expect(rb?.claimed).toBeGreaterThan(0);
      }
      await sink.waitFor(100);
      const counts = sink.countByMessageId();
      expect(counts.size).toBe(100);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect([...counts.keys()].sort()).toEqual(enqueued.map((e) => e.messageId).sort());
      expect((await rows()).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
      mailerA.close();
      mailerB.close();
    } finally {
      await second.destroy();
    }
  });

  it('backoff: full jitter under min(base·2^n, 1 h), never below 1 s', () => {
    const base = 30_000;
    const max = 3_600_000;
    expect(backoffDelayMs(0, base, max, () => 0)).toBe(1000);
    expect(backoffDelayMs(0, base, max, () => 0.999999)).toBeLessThan(30_000);
    expect(backoffDelayMs(3, base, max, () => 0.5)).toBe(120_000);
    expect(backoffDelayMs(10, base, max, () => 0.999999)).toBeLessThan(max);
    expect(backoffDelayMs(24, base, max, () => 0.5)).toBe(max / 2);
  });
});
