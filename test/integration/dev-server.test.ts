import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/oidc.js';
import { allCodeMails } from '../helpers/redeem.js';

// The first minutes with a development server: the address it listens on leads to the public URL,
// and the console shows what the dev mailbox received (passcodes, redeem links) in one line each.

let t: TestApp;
let port: number;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  port = await freePort();
  t = await buildTestApp({
    env: { PORTICO_PUBLIC_URL: `http://localhost:${port}`, PORTICO_OUTBOX_WORKER: 'off', PORTICO_LOG_LEVEL: 'info' },
    logDestination: {
      write(line: string) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
});

afterAll(async () => {
  await t?.close();
});

const get = (url: string, accept: string) => fetch(url, { headers: { accept }, redirect: 'manual' });
const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('loopback addresses of a development server', () => {
  it('sends a browser page opened at 127.0.0.1 or [::1] to the public URL (localhost), path and query kept', async () => {
    const res = await get(`http://127.0.0.1:${port}/myapps?x=1`, html);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`http://localhost:${port}/myapps?x=1`);
    const root = await get(`http://127.0.0.1:${port}/`, html);
    expect(root.headers.get('location')).toBe(`http://localhost:${port}/`);
  });

  it('leaves API calls, the public URL itself and other hosts alone', async () => {
    const api = await get(`http://127.0.0.1:${port}/.well-known/openid-configuration`, 'application/json');
    expect(api.status).toBe(200);
    const graph = await get(`http://127.0.0.1:${port}/v1.0/me`, 'application/json');
    expect(graph.status).toBe(401);
    const pub = await get(`http://localhost:${port}/healthz`, html);
    expect(pub.status).toBe(200);
    const other = await t.app.inject({ method: 'GET', url: '/healthz', headers: { host: 'portico.contoso.com', accept: html } });
    expect(other.statusCode).toBe(200);
  });

  it('never redirects when the public URL is not on loopback', async () => {
    const prod = await buildTestApp({ env: { PORTICO_PUBLIC_URL: 'https://portico.contoso.com' } });
    try {
      const res = await prod.app.inject({ method: 'GET', url: '/healthz', headers: { host: '127.0.0.1:8080', accept: html } });
      expect(res.statusCode).toBe(200);
    } finally {
      await prod.close();
    }
  });
});

describe('the dev mailbox in the console', () => {
  it('logs each message in one line with its passcode or first link', async () => {
    const { user } = await t.createUser({ displayName: 'Console Reader', upn: 'reader@contoso.test' });
    const sent = await t.app.portico.services.redemption.otp.sendCode(
      t.tenant,
      { tenantId: t.tenant.id, userId: user.id, purpose: 'signin', invitationId: null },
      'reader@contoso.test',
    );
    expect(sent.status).toBe('sent');
    const invited = await t.call('POST', '/v1.0/invitations', {
      token: t.admin.token,
      body: {
        invitedUserEmailAddress: 'partner@fabrikam.test',
        inviteRedirectUrl: `http://localhost:${port}/myapps`,
        sendInvitationMessage: true,
      },
    });
    expect(invited.statusCode).toBe(201);
    lines.length = 0;
    await t.app.portico.outboxWorker.drain();
    const mailLines = lines.filter((l) => l.devMailbox === true);
    expect(mailLines).toHaveLength(2);

    const code = (await allCodeMails(t)).at(-1)?.text.match(/code: (\d+)/)?.[1];
    expect(code).toMatch(/^\d{8}$/);
    const otpLine = mailLines.find((l) => String(l.msg).includes('passcode'));
    expect(otpLine?.msg).toContain(`to reader@contoso.test — passcode ${code}`);

    const redeemLink = `${t.config.publicUrl}/redeem/`;
    const inviteLine = mailLines.find((l) => String(l.msg).includes('partner@fabrikam.test'));
    expect(inviteLine?.msg).toContain(`— open ${redeemLink}`);
    expect(inviteLine?.msg).not.toContain('passcode');
  });

  it('writes one line per request, none for probes', async () => {
    lines.length = 0;
    await fetch(`http://localhost:${port}/healthz`);
    await fetch(`http://localhost:${port}/.well-known/openid-configuration`);
    const requestLines = lines.filter((l) => l.msg === 'request completed');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      req: { method: 'GET', url: '/.well-known/openid-configuration' },
      res: { statusCode: 200 },
    });
    expect(lines.filter((l) => l.msg === 'incoming request')).toEqual([]);
  });
});
