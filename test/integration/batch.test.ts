import net from 'node:net';
import {
  BatchRequestContent,
  BatchResponseContent,
  Client,
  type Context,
  HTTPMessageHandler,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// JSON batching (POST /v1.0/$batch) driven by graph-client v3's BatchRequestContent and
// BatchResponseContent over real HTTP, plus the payload errors through inject.

let t: TestApp;
let base: string;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** Over http graph-client skips its auth handler; this middleware adds the bearer token (stack-notes §6). */
class Bearer implements Middleware {
  private nextMiddleware: Middleware | undefined;
  constructor(private readonly token: string) {}
  async execute(context: Context): Promise<void> {
    const headers = new Headers((context.options?.headers as ConstructorParameters<typeof Headers>[0]) ?? {});
    headers.set('Authorization', `Bearer ${this.token}`);
    context.options = { ...context.options, headers };
    if (!this.nextMiddleware) throw new Error('no next middleware');
    return this.nextMiddleware.execute(context);
  }
  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }
}
const clientFor = (token: string) => {
  const auth = new Bearer(token);
  auth.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({ baseUrl: `${base}/`, defaultVersion: 'v1.0', middleware: auth });
};

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORT: String(port) } });
  await t.app.listen({ port, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});
const batch = (token: string, requests: unknown[]) => t.call('POST', '/v1.0/$batch', { token, body: { requests } });

describe('POST /v1.0/$batch with graph-client v3', () => {
  it('runs independent and dependent requests and answers each with its status, headers and body', async () => {
    const client = clientFor(t.admin.token);
    const n = Date.now().toString(36);
    const content = new BatchRequestContent([
      {
        id: 'create',
        request: new Request(
          `${base}/v1.0/users`,
          json({
            displayName: `Batch ${n}`,
            userPrincipalName: `batch.${n}@contoso.test`,
            passwordProfile: { password: 'Correct-Horse-9' },
          }),
        ),
      },
      { id: 'me', request: new Request(`${base}/v1.0/me?$select=id,displayName`), dependsOn: ['create'] },
      {
        id: 'missing',
        request: new Request(`${base}/v1.0/users/00000000-0000-4000-8000-000000000000`),
        dependsOn: ['me'],
      },
    ]);
    const raw = await client.api('/$batch').post(await content.getContent());
    const responses = new BatchResponseContent(raw);

    const created = responses.getResponseById('create');
    expect(created.status).toBe(201);
    const user = await created.json();
    expect(user).toMatchObject({ displayName: `Batch ${n}`, userPrincipalName: `batch.${n}@contoso.test` });

    const me = responses.getResponseById('me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: t.admin.user.id, displayName: 'Ada Admin' });

    const missing = responses.getResponseById('missing');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('Request_ResourceNotFound');

    // graph-client allows only serial, parallel or same-dependency chains; the server takes any acyclic graph.
    // The write really happened, through the same route (and its audit record).
    const read = await t.call('GET', `/v1.0/users/${user.id}`, { token: t.admin.token });
    expect(read.statusCode).toBe(200);
    const audit = await t.call('GET', `/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Add user'`, {
      token: t.admin.token,
    });
    expect(audit.json().value.some((a: { targetResources: { id: string }[] }) => a.targetResources[0]?.id === user.id)).toBe(
      true,
    );
  });

  it('answers 424 Failed Dependency for the dependents of a failed request, transitively', async () => {
    const res = await batch(t.admin.token, [
      { id: '1', method: 'GET', url: '/users/00000000-0000-4000-8000-000000000000' },
      { id: '2', method: 'GET', url: '/me', dependsOn: ['1'] },
      { id: '3', method: 'GET', url: 'users?$top=1', dependsOn: ['2'] },
      { id: '4', method: 'GET', url: 'organization' },
    ]);
    expect(res.statusCode).toBe(200);
    const byId = Object.fromEntries(res.json().responses.map((r: { id: string }) => [r.id, r]));
    expect(byId['1'].status).toBe(404);
    expect(byId['2'].status).toBe(424);
    expect(byId['2'].body.error.code).toBe('FailedDependency');
    expect(byId['3'].status).toBe(424);
    expect(byId['4'].status).toBe(200);
    expect(byId['4'].headers['Content-Type']).toMatch(/application\/json/);
  });

  it('authorizes every request as the caller (a member cannot create users through a batch)', async () => {
    const member = await t.createUser();
    const n = Date.now().toString(36);
    const res = await batch(member.token, [
      { id: 'a', method: 'GET', url: '/me' },
      {
        id: 'b',
        method: 'POST',
        url: '/users',
        headers: { 'Content-Type': 'application/json' },
        body: {
          displayName: 'Nope',
          userPrincipalName: `nope.${n}@contoso.test`,
          passwordProfile: { password: 'Correct-Horse-9' },
        },
      },
    ]);
    const [a, b] = res.json().responses;
    expect(a).toMatchObject({ id: 'a', status: 200, body: { id: member.user.id } });
    expect(b).toMatchObject({ id: 'b', status: 403, body: { error: { code: 'Authorization_RequestDenied' } } });
  });

  it('needs a token for the batch itself', async () => {
    const res = await t.call('POST', '/v1.0/$batch', { body: { requests: [{ id: '1', method: 'GET', url: '/me' }] } });
    expect(res.statusCode).toBe(401);
  });

  it('refuses more than 20 requests, duplicate ids, unknown or cyclic dependencies and bad JSON', async () => {
    const tooMany = await batch(
      t.admin.token,
      Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me' })),
    );
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details[0].code).toBe('batch_too_many_requests');

    const dup = await batch(t.admin.token, [
      { id: 'A', method: 'GET', url: '/me' },
      { id: 'a', method: 'GET', url: '/me' },
    ]);
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.details[0].code).toBe('batch_duplicate_id');

    const unknown = await batch(t.admin.token, [{ id: '1', method: 'GET', url: '/me', dependsOn: ['9'] }]);
    expect(unknown.json().error.details[0].code).toBe('batch_dependency_invalid');
    const cycle = await batch(t.admin.token, [
      { id: '1', method: 'GET', url: '/me', dependsOn: ['2'] },
      { id: '2', method: 'GET', url: '/me', dependsOn: ['1'] },
    ]);
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().error.details[0].code).toBe('batch_dependency_invalid');

    const shape = await batch(t.admin.token, [{ id: '1', url: '/me' }]);
    expect(shape.statusCode).toBe(400);
    expect(shape.json().error.details[0].code).toBe('batch_invalid');
    expect((await batch(t.admin.token, [])).json().error.details[0].code).toBe('batch_invalid');

    const badJson = await t.app.inject({
      method: 'POST',
      url: '/v1.0/$batch',
      headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'application/json' },
      payload: '{"requests": [',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.details[0].code).toBe('request_body_malformed');
  });

  it('answers a nested batch, an absolute URL or an unknown method in that request only', async () => {
    const res = await batch(t.admin.token, [
      { id: '1', method: 'POST', url: '/$batch', body: { requests: [] }, headers: { 'content-type': 'application/json' } },
      { id: '2', method: 'GET', url: 'https://evil.example/v1.0/me' },
      { id: '3', method: 'TRACE', url: '/me' },
      { id: '4', method: 'get', url: '/v1.0/me' },
    ]);
    expect(res.statusCode).toBe(200);
    const statuses = res
      .json()
      .responses.map((r: { status: number; body: { error?: { details: { code: string }[] } } }) => [
        r.status,
        r.body.error?.details[0]?.code,
      ]);
    expect(statuses).toEqual([
      [400, 'batch_request_invalid'],
      [400, 'batch_request_invalid'],
      [400, 'batch_request_invalid'],
      [200, undefined],
    ]);
  });
});
