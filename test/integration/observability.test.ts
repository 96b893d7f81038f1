import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';

// Probes and metrics: /healthz (liveness), /readyz (database reachable, migrations current),
// /metrics (Prometheus), on both databases.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { PORTICO_OUTBOX_WORKER: 'off' } });
});
afterAll(async () => {
  await t?.close();
});

/** The value of one sample line `name{labels} value` (labels matched as a substring). */
const sample = (text: string, name: string, labels = ''): number | undefined => {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels && !line.includes(labels)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
};

const scrape = async (app = t) => {
  const res = await app.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body;
};

describe('probes', () => {
  it('/healthz answers while the process serves', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is ready when the database answers and every migration is applied', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({ status: 'ready', checks: { database: { status: 'ok' }, migrations: { status: 'ok' } } });
  });

  it('/readyz answers 503 naming the migrations when one is pending, and ready again once applied', async () => {
    const other = await buildTestApp();
    try {
      const last = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(
        other.database.db,
      );
      const name = last.rows[0]?.name ?? '';
      await sql`delete from kysely_migration where name = ${name}`.execute(other.database.db);
      const res = await other.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        status: 'unavailable',
        checks: { database: { status: 'ok' }, migrations: { status: 'failed', reason: '1 pending (run portico migrate)' } },
      });
      await sql`insert into kysely_migration (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(
        other.database.db,
      );
      expect((await other.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('/readyz answers 503 when the database is gone, without details; /healthz still answers', async () => {
    const other = await buildTestApp();
    try {
      await other.database.destroy();
      const res = await other.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        status: 'unavailable',
        checks: {
          database: { status: 'failed', reason: 'unreachable' },
          migrations: { status: 'failed', reason: 'unknown (database unreachable)' },
        },
      });
      expect((await other.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await other.close().catch(() => {});
    }
  });
});

describe('/metrics', () => {
  it('counts requests by route pattern, method and status, never by raw URL', async () => {
    const { user } = await t.createUser({ displayName: 'Metered' });
    expect((await t.call('GET', `/v1.0/users/${user.id}`, { token: t.admin.token })).statusCode).toBe(200);
    expect((await t.call('GET', '/v1.0/users/00000000-0000-0000-0000-000000000000', { token: t.admin.token })).statusCode).toBe(
      404,
    );
    const text = await scrape();
    expect(
      sample(text, 'portico_http_request_duration_seconds_count', 'method="GET",route="/v1.0/users/:id",status_code="200"'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'portico_http_request_duration_seconds_count', 'method="GET",route="/v1.0/users/:id",status_code="404"'),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(user.id);
  });

  it('counts token endpoint answers by grant type and result', async () => {
    const { client, clientSecret } = await t.app.portico.services.clients.createClient(t.tenant.id, {
      displayName: 'metrics automation',
      permissions: ['User.Read.All'],
    });
    const token = (secret: string) =>
      t.app.inject({
        method: 'POST',
        url: '/oauth2/v2.0/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: client.clientId,
          client_secret: secret,
          scope: '.default',
        }).toString(),
      });
    expect((await token(clientSecret)).statusCode).toBe(200);
    expect((await token(`${clientSecret}x`)).statusCode).toBe(401);
    const text = await scrape();
    expect(sample(text, 'portico_oauth_token_requests_total', 'grant_type="client_credentials",result="issued"')).toBe(1);
    expect(sample(text, 'portico_oauth_token_requests_total', 'grant_type="client_credentials",result="invalid_client"')).toBe(1);
  });

  it('reports the outbox backlog and delivery outcomes', async () => {
    const before = await scrape();
    const pendingBefore = sample(before, 'portico_outbox_pending_messages') ?? 0;
    const res = await t.call('POST', '/v1.0/invitations', {
      token: t.admin.token,
      body: {
        invitedUserEmailAddress: 'metrics.guest@fabrikam.test',
        inviteRedirectUrl: 'https://myapps.example',
        sendInvitationMessage: true,
      },
    });
    expect(res.statusCode).toBe(201);
    const queued = await scrape();
    expect(sample(queued, 'portico_outbox_pending_messages')).toBe(pendingBefore + 1);
    expect(sample(queued, 'portico_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(queued, 'portico_outbox_dead_messages')).toBe(0);
    const drained = await t.app.portico.outboxWorker.drain();
    expect(drained.sent).toBeGreaterThanOrEqual(1);
    const after = await scrape();
    expect(sample(after, 'portico_outbox_pending_messages')).toBe(0);
    expect(sample(after, 'portico_outbox_oldest_pending_age_seconds')).toBe(0);
    expect(sample(after, 'portico_mail_deliveries_total', 'outcome="sent"')).toBe(drained.sent);
  });

  it('includes the process figures (event-loop delay, memory) and, on PostgreSQL, the pool', async () => {
    const text = await scrape();
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    if (dialect === 'postgres') {
      expect(sample(text, 'portico_db_pool_connections', 'state="idle"')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'portico_db_pool_connections', 'state="waiting"')).toBe(0);
    } else {
      expect(text).not.toContain('portico_db_pool_connections');
    }
  });

  it('requires the bearer token when PORTICO_METRICS_TOKEN is set', async () => {
    const secret = 'metrics-token-0123456789';
    const other = await buildTestApp({ env: { PORTICO_METRICS_TOKEN: secret } });
    try {
      for (const authorization of [undefined, 'Bearer wrong', `Bearer ${secret}x`, `Basic ${secret}`]) {
        const res = await other.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
        expect(res.statusCode, authorization).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
        expect(res.body).not.toContain('portico_');
      }
      const ok = await other.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${secret}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('portico_http_request_duration_seconds');
    } finally {
      await other.close();
    }
  });
});

describe('logs', () => {
  it('every line written while serving a request carries its request id, whoever logs it', async () => {
    const lines: Record<string, unknown>[] = [];
    const other = await buildTestApp({
      env: { PORTICO_LOG_LEVEL: 'info' },
      logDestination: {
        write(line: string) {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        },
      },
    });
    try {
      // The SAML adapter logs through the app's logger (built once at start), not req.log.
      const xml =
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"/>';
      const res = await other.app.inject({
        method: 'POST',
        url: `/${other.tenant.id}/saml2`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ SAMLRequest: Buffer.from(xml).toString('base64') }).toString(),
      });
      expect(res.statusCode).toBe(400);
      const reqId = res.headers['request-id'];
      const adapterLine = lines.find((l) => String(l.msg).includes('DOCTYPE/ENTITY'));
      expect(adapterLine?.reqId).toBe(reqId);
      const ofRequest = lines.filter((l) => l.reqId === reqId);
      // The adapter's warning and the one request line.
      expect(ofRequest.map((l) => l.msg)).toEqual([adapterLine?.msg, 'request completed']);
      const completed = ofRequest[1] as { req?: { method?: string; url?: string }; res?: { statusCode?: number } };
      expect(completed.req).toMatchObject({ method: 'POST', url: `/${other.tenant.id}/saml2` });
      expect(completed.res?.statusCode).toBe(400);
      // Probes and static files are not logged.
      lines.length = 0;
      for (const url of ['/healthz', '/readyz', '/metrics', '/assets/none.js']) await other.app.inject({ method: 'GET', url });
      expect(lines.filter((l) => l.msg === 'request completed')).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
