import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/domain/clock.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/oidc.js';
import { directPgUrl, pgBouncerUrl, pgTarget } from '../helpers/pg-target.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

// Resilience, bounded in time, on both databases: a Portico process killed with SIGKILL in the middle
// of a burst of invitations, SMTP going away and coming back, and (PostgreSQL) the database
// connection lost under load.

const root = path.resolve(import.meta.dirname, '../..');
const HIGH_LIMIT = { PORTICO_INVITATION_RATE_LIMIT: '100000/5' };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const invitationBody = (email: string) => ({
  invitedUserEmailAddress: email,
  inviteRedirectUrl: 'https://apps.fabrikam.example/welcome',
  sendInvitationMessage: true,
});

/** Invitations, guest users, invitation mails and audit entries of addresses starting with `prefix`. */
async function rowsOf(t: TestApp, prefix: string) {
  const db = t.database.db;
  const invitations = await db
    .selectFrom('invitations')
    .select(['id', 'user_id', 'invited_email_lower'])
    .where('invited_email_lower', 'like', `${prefix}%`)
    .execute();
  const users = await db.selectFrom('users').select(['id', 'mail_lower']).where('mail_lower', 'like', `${prefix}%`).execute();
  const mails = await db
    .selectFrom('outbox')
    .select(['payload', 'status'])
    .where('kind', '=', 'invitation')
    .where('payload', 'like', `%${prefix}%`)
    .execute();
  const audited = await db
    .selectFrom('directory_audits as a')
    .innerJoin('directory_audit_targets as x', 'x.audit_id', 'a.id')
    .select('x.target_id')
    .where('a.activity_display_name', '=', 'Invite external user')
    .execute();
  return { invitations, users, mails, audited: new Set(audited.map((a) => a.target_id)) };
}

/** Every invitation has its guest, its mail and its audit entry, and nothing exists without its invitation. */
function expectWhole(r: Awaited<ReturnType<typeof rowsOf>>) {
  const userIds = new Set(r.users.map((u) => u.id));
  for (const inv of r.invitations) {
    expect(userIds.has(inv.user_id), `guest of ${inv.invited_email_lower}`).toBe(true);
    expect(r.audited.has(inv.user_id), `audit of ${inv.invited_email_lower}`).toBe(true);
  }
  expect(r.users).toHaveLength(r.invitations.length);
  expect(r.mails).toHaveLength(r.invitations.length);
}

/** Waits until each address got a message, then a moment more for duplicates; returns address → count. */
async function deliveries(sink: SmtpSink, addresses: string[], timeoutMs = 60_000) {
  const wanted = new Set(addresses);
  const count = () => {
    const m = new Map<string, number>();
    for (const msg of sink.messages) for (const a of msg.to) if (wanted.has(a)) m.set(a, (m.get(a) ?? 0) + 1);
    return m;
  };
  const until = Date.now() + timeoutMs;
  while (count().size < wanted.size && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1500));
  return count();
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));

describe(`resilience (${dialect})`, () => {
  it('kill -9 of a real Portico process mid-burst: every 201 is whole, nothing half-written, each mail sent once after restart', async () => {
    const sink = await startSmtpSink();
    cleanups.push(() => sink.stop());
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORTICO_PUBLIC_URL: base, PORTICO_OUTBOX_WORKER: 'off', ...HIGH_LIMIT };
    // Set up the database and an administrator's token in-process, then hand the storage to a child.
    const setup = await buildTestApp({ env });
    const { storage } = setup;
    const token = setup.admin.token;
    await setup.close({ keepStorage: true });
    let target: Awaited<ReturnType<typeof pgTarget>> | undefined;
    if (dialect === 'postgres') target = await pgTarget(storage.schema);
    const dbEnv: Record<string, string> = { PORTICO_DATA_DIR: storage.dir };
    if (target) {
      const url = new URL(target.url);
      if (target.pgSchema) url.searchParams.set('options', `-c search_path=${target.pgSchema}`);
      dbEnv.DATABASE_URL = url.href;
    }
    const serve = (outbox: 'on' | 'off') => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', 'serve'], {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          ...dbEnv,
          ...HIGH_LIMIT,
          PORT: String(port),
          PORTICO_HOST: '127.0.0.1',
          PORTICO_PUBLIC_URL: base,
          PORTICO_TENANT_DOMAIN: 'contoso.test',
          PORTICO_TENANT_NAME: 'Contoso',
          PORTICO_LOG_LEVEL: 'error',
          PORTICO_SMTP_URL: sink.url,
          PORTICO_OUTBOX_WORKER: outbox,
          PORTICO_OUTBOX_POLL_MS: '100',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      cleanups.push(async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      return { child, stderr: () => stderr };
    };
    const ready = async (p: { child: ChildProcess; stderr: () => string }) => {
      const until = Date.now() + 60_000;
      for (;;) {
        if (p.child.exitCode !== null) throw new Error(`portico exited: ${p.stderr()}`);
        const ok = await fetch(`${base}/readyz`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) return;
        if (Date.now() > until) throw new Error(`portico did not become ready: ${p.stderr()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    // First life: a burst of invitations from 8 clients; SIGKILL once 40 have been answered 201.
    const first = serve('off');
    await ready(first);
    const accepted: { id: string; invitedUser: { id: string }; invitedUserEmailAddress: string }[] = [];
    let n = 0;
    let killed = false;
    const client = async () => {
      while (!killed) {
        const email = `crash.${n++}@fabrikam.example`;
        try {
          const res = await fetch(`${base}/v1.0/invitations`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(invitationBody(email)),
          });
          if (res.status !== 201) throw new Error(`${res.status} ${await res.text()}`);
          accepted.push((await res.json()) as (typeof accepted)[number]);
          if (accepted.length >= 40 && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        } catch (err) {
          if (!killed) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    await exited(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');

    // The database after the crash (read in-process, no worker): whole invitations only.
    const check = await buildTestApp({ env, storage });
    cleanups.push(() => check.close());
    const after = await rowsOf(check, 'crash.');
    const ids = new Set(after.invitations.map((i) => i.id));
    for (const a of accepted) expect(ids.has(a.id), `201 ${a.invitedUserEmailAddress} kept`).toBe(true);
    expectWhole(after);
    expect(after.mails.every((m) => m.status === 'pending')).toBe(true);
    // Requests in flight at the kill were either committed whole (no response seen) or not at all.
    expect(after.invitations.length).toBeGreaterThanOrEqual(accepted.length);

    // Second life: the restarted process delivers every committed invitation's mail, once.
    const second = serve('on');
    await ready(second);
    const counts = await deliveries(
      sink,
      after.invitations.map((i) => i.invited_email_lower),
    );
    expect(counts.size).toBe(after.invitations.length);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    second.child.kill('SIGTERM');
    await exited(second.child);
  }, 180_000);

  it('SMTP down, then up: invitations accepted meanwhile are all delivered, none twice', async () => {
    const sink = await startSmtpSink();
    cleanups.push(() => sink.stop());
    await sink.stop();
    const clock = new ManualClock(new Date());
    const t = await buildTestApp({
      clock,
      env: { PORTICO_SMTP_URL: sink.url, PORTICO_OUTBOX_WORKER: 'on', PORTICO_OUTBOX_POLL_MS: '50', ...HIGH_LIMIT },
    });
    cleanups.push(() => t.close());
    const addresses = Array.from({ length: 20 }, (_, i) => `smtp.${i}@fabrikam.example`);
    for (const a of addresses) {
      expect((await t.call('POST', '/v1.0/invitations', { token: t.admin.token, body: invitationBody(a) })).statusCode).toBe(201);
    }
    // The running worker tries, fails and backs off; nothing is lost.
    const until = Date.now() + 20_000;
    for (;;) {
      const r = await rowsOf(t, 'smtp.');
      if (
        r.mails.length === 20 &&
        (await t.database.db.selectFrom('outbox').select('attempts').where('attempts', '=', 0).execute()).length === 0
      )
        break;
      if (Date.now() > until) throw new Error('the worker did not attempt every message');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await rowsOf(t, 'smtp.')).mails.every((m) => m.status === 'pending')).toBe(true);
    expect(sink.messages).toHaveLength(0);
    // SMTP is back; once the backoff has passed, the worker delivers each message once.
    await sink.start();
    clock.advance(3_600_000);
    const counts = await deliveries(sink, addresses, 30_000);
    expect(counts.size).toBe(20);
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    expect((await rowsOf(t, 'smtp.')).mails.every((m) => m.status === 'sent')).toBe(true);
  }, 90_000);

  it.skipIf(dialect !== 'sqlite')(
    'SQLite locked by another process past the busy timeout: a clean 503 with Retry-After, then writes go on',
    async () => {
      const t = await buildTestApp({ env: { PORTICO_OUTBOX_WORKER: 'off', ...HIGH_LIMIT } });
      cleanups.push(() => t.close());
      if (t.config.database.kind !== 'sqlite') throw new Error('expected SQLite');
      // Another process (a maintenance script, a stuck tool) holds the write lock.
      const other = new SqliteDatabase(t.config.database.file);
      cleanups.push(async () => {
        if (other.inTransaction) other.exec('rollback');
        other.close();
      });
      other.exec('begin exclusive');
      const refused = await t.call('POST', '/v1.0/invitations', {
        token: t.admin.token,
        body: invitationBody('locked.1@fabrikam.example'),
      });
      expect(refused.statusCode, refused.body).toBe(503);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect((refused.json() as { error: { code: string; details: { code: string }[] } }).error).toMatchObject({
        code: 'serviceNotAvailable',
        details: [{ code: 'database_unavailable' }],
      });
      // Reads still work meanwhile (WAL); once the lock is gone, the same request succeeds.
      expect((await t.call('GET', '/v1.0/me', { token: t.admin.token })).statusCode).toBe(200);
      other.exec('commit');
      const accepted = await t.call('POST', '/v1.0/invitations', {
        token: t.admin.token,
        body: invitationBody('locked.1@fabrikam.example'),
      });
      expect(accepted.statusCode, accepted.body).toBe(201);
      expectWhole(await rowsOf(t, 'locked.'));
    },
    60_000,
  );

  it.skipIf(dialect !== 'postgres')(
    'PostgreSQL connection lost under load: clean 503s in the Graph envelope with Retry-After, recovery without a restart',
    async () => {
      const upstream = new URL(pgBouncerUrl() ?? directPgUrl());
      const relay: TcpProxy = await startTcpProxy({ host: upstream.hostname, port: Number(upstream.port || 5432) });
      cleanups.push(() => relay.close());
      const t = await buildTestApp({
        env: { PORTICO_OUTBOX_WORKER: 'off', ...HIGH_LIMIT },
        pgUrl: (u) => {
          const via = new URL(u);
          via.hostname = '127.0.0.1';
          via.port = String(relay.port);
          return via.href;
        },
      });
      cleanups.push(() => t.close());
      const { user, token } = await t.createUser();

      const seen: { phase: string; res: LightMyRequestResponse }[] = [];
      const created: string[] = [];
      let phase = 'up';
      let running = true;
      let n = 0;
      const worker = async (w: number) => {
        while (running) {
          const res =
            w % 2 === 0
              ? await t.call('GET', `/v1.0/users/${user.id}`, { token })
              : await t.call('POST', '/v1.0/invitations', {
                  token: t.admin.token,
                  body: invitationBody(`loss.${n++}@fabrikam.example`),
                });
          seen.push({ phase, res });
          if (res.statusCode === 201) created.push((res.json() as { id: string }).id);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const load = Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)));
      const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
      await wait(1000);

      // The server ends the sessions (as a restart does) and refuses connections for 2 s.
      phase = 'down';
      const ports = relay.upstreamPorts();
      if (!pgBouncerUrl()) {
        const admin = new pg.Client({ connectionString: directPgUrl() });
        await admin.connect();
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where client_port = any($1::int[])', [ports]);
        await admin.end();
      }
      relay.cut();
      await wait(2000);
      phase = 'recovering';
      relay.restore();
      const until = Date.now() + 15_000;
      while (Date.now() < until && !seen.slice(-6).every((s) => s.phase === 'recovering' && s.res.statusCode < 300))
        await wait(100);
      phase = 'recovered';
      await wait(500);
      running = false;
      await load;

      const during = seen.filter((s) => s.phase === 'down');
      const unavailable = seen.filter((s) => s.res.statusCode === 503);
      expect(during.length).toBeGreaterThan(0);
      expect(unavailable.length).toBeGreaterThan(0);
      // Every failure is a clean 503 — never a 500 — in the Graph envelope, with Retry-After.
      for (const { res } of seen.filter((s) => s.res.statusCode >= 300)) {
        expect(res.statusCode, res.body).toBe(503);
        expect(res.headers['retry-after']).toMatch(/^\d+$/);
        const body = res.json() as {
          error: { code: string; message: string; details: { code: string }[]; innerError: Record<string, string> };
        };
        expect(body.error.code).toBe('serviceNotAvailable');
        expect(body.error.details[0]?.code).toBe('database_unavailable');
        expect(body.error.innerError['request-id']).toBe(res.headers['request-id']);
      }
      // Recovery without a restart: the last requests all succeeded.
      const last = seen.filter((s) => s.phase === 'recovered');
      expect(last.length).toBeGreaterThan(0);
      expect(last.every((s) => s.res.statusCode < 300)).toBe(true);
      // Each 201 has its rows; nothing is half-written.
      const rows = await rowsOf(t, 'loss.');
      const ids = new Set(rows.invitations.map((i) => i.id));
      for (const id of created) expect(ids.has(id)).toBe(true);
      expectWhole(rows);
    },
    60_000,
  );
});
