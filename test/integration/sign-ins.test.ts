import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { freePort, startAuthorization, submitCredentials } from '../helpers/oidc.js';

// auditLogs/signIns: every password sign-in (success, wrong password, disabled account) and
// every client-credentials sign-in (success, wrong secret) is recorded through the sign-in port,
// in Graph's signIn shape, filterable and readable only by Entra's report readers.

let t: TestApp;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base } });
  await t.app.listen({ port, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

interface SignInJson {
  id: string;
  userId: string | null;
  userPrincipalName: string | null;
  appId: string | null;
  appDisplayName: string | null;
  ipAddress: string | null;
  clientAppUsed: string;
  isInteractive: boolean;
  createdDateTime: string;
  status: { errorCode: number; failureReason: string | null };
}

const list = async (query = '', token = t.admin.token) => {
  const res = await t.call('GET', `/v1.0/auditLogs/signIns${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { value: SignInJson[]; '@odata.nextLink'?: string };
};
const q = (filter: string) => `?$filter=${encodeURIComponent(filter)}`;

describe('interactive sign-ins', () => {
  it('records success, a wrong password and a disabled account, with the application and the address', async () => {
    const { user } = await t.createUser({ displayName: 'Signing Sam' });
    const wrong = await startAuthorization(t);
    expect((await submitCredentials(wrong, user.userPrincipalName, 'Wrong-Horse-1')).status).toBe(401);
    const right = await startAuthorization(t);
    await submitCredentials(right, user.userPrincipalName, 'Correct-Horse-9');

    const mine = (await list(q(`userId eq '${user.id}'`))).value;
    expect(mine.map((s) => s.status.errorCode)).toEqual([0, 50126]);
    const [ok, failed] = mine as [SignInJson, SignInJson];
    expect(ok).toMatchObject({
      userPrincipalName: user.userPrincipalName,
      isInteractive: true,
      clientAppUsed: 'Browser',
      ipAddress: '127.0.0.1',
      appId: expect.any(String),
      appDisplayName: expect.any(String),
      status: { errorCode: 0, failureReason: null },
    });
    expect(failed.status.failureReason).toMatch(/invalid username or password/);
    expect(Date.parse(ok.createdDateTime)).toBeGreaterThanOrEqual(Date.parse(failed.createdDateTime));

    const one = await t.call('GET', `/v1.0/auditLogs/signIns/${ok.id}`, { token: t.admin.token });
    expect(one.json()).toMatchObject({ id: ok.id, '@odata.context': `${base}/v1.0/$metadata#auditLogs/signIns/$entity` });

    await t.call('PATCH', `/v1.0/users/${user.id}`, { token: t.admin.token, body: { accountEnabled: false } });
    const locked = await startAuthorization(t);
    expect((await submitCredentials(locked, user.userPrincipalName, 'Correct-Horse-9')).status).toBe(403);
    expect((await list(q(`userId eq '${user.id}' and status/errorCode eq 50057`))).value).toHaveLength(1);
    expect((await list(q(`userId eq '${user.id}' and status/errorCode ne 0`))).value).toHaveLength(2);
  });
});

describe('application sign-ins', () => {
  it('records client-credentials grants and refusals as non-interactive sign-ins of the app', async () => {
    const created = await t.app.portico.services.clients.createClient(t.tenant.id, {
      displayName: 'Sign-in bot',
      permissions: [],
    });
    const config = (secret: string) =>
      client.discovery(new URL(base), created.client.clientId, undefined, client.ClientSecretBasic(secret), {
        execute: [client.allowInsecureRequests],
      });
    await client.clientCredentialsGrant(await config(created.clientSecret));
    await client.clientCredentialsGrant(await config('not-the-secret')).catch(() => undefined);
    // oidc-provider's events are synchronous: the report of a grant lands just after its answer.
    let app: SignInJson[] = [];
    for (let i = 0; i < 100 && app.length < 2; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 20));
      app = (await list(q(`appId eq '${created.client.clientId}'`))).value;
    }
    expect(app.map((s) => [s.status.errorCode, s.isInteractive, s.clientAppUsed])).toEqual([
      [7000215, false, 'Other clients'],
      [0, false, 'Other clients'],
    ]);
    expect(app[1]?.appDisplayName).toBe('Sign-in bot');
  });
});

describe('GET /auditLogs/signIns', () => {
  it('filters on createdDateTime and pages newest first', async () => {
    const all = (await list()).value;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await list(q(`createdDateTime ge ${future}`))).value).toEqual([]);
    const page = await list('?$top=2');
    expect(page.value).toHaveLength(2);
    expect(page['@odata.nextLink']).toBeDefined();
    const next = await list(page['@odata.nextLink']?.slice(`${base}/v1.0/auditLogs/signIns`.length) ?? '');
    expect(next.value[0]?.id).toBe(all[2]?.id);
    const bad = await t.call('GET', `/v1.0/auditLogs/signIns${q("status/errorCode eq 'x'")}`, { token: t.admin.token });
    expect(bad.statusCode).toBe(400);
  });

  it("is for Entra's report readers (Reports Reader, administrators) and AuditLog.Read.All", async () => {
    const member = await t.createUser();
    expect((await t.call('GET', '/v1.0/auditLogs/signIns', { token: member.token })).statusCode).toBe(403);
    for (const role of [RoleIds.reportsReader, RoleIds.helpdeskAdministrator]) {
      const reader = await t.createUser({ roles: [role] });
      expect((await t.call('GET', '/v1.0/auditLogs/signIns', { token: reader.token })).statusCode).toBe(200);
    }
    expect((await t.call('GET', '/v1.0/auditLogs/signIns', { token: await t.appToken(['AuditLog.Read.All']) })).statusCode).toBe(
      200,
    );
    expect((await t.call('GET', '/v1.0/auditLogs/signIns', { token: await t.appToken(['Directory.Read.All']) })).statusCode).toBe(
      403,
    );
  });
});
