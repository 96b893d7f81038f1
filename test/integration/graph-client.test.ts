import net from 'node:net';
import { Client, type Context, GraphError, HTTPMessageHandler, type Middleware } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// Drives Portico over real HTTP with Microsoft's own Graph JavaScript client (v3), as automation
// written for Entra ID would. Over plain http the client's AuthenticationHandler silently skips
// non-https hosts, so the bearer token is added by a small middleware in front of the
// HTTPMessageHandler (stack-notes §6).

let t: TestApp;
let base: string;
let client: Client;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

class BearerMiddleware implements Middleware {
  private nextMiddleware: Middleware | undefined;
  readonly sent: string[] = [];
  constructor(private readonly token: () => string) {}
  async execute(context: Context): Promise<void> {
    const headers = new Headers((context.options?.headers as ConstructorParameters<typeof Headers>[0]) ?? {});
    headers.set('Authorization', `Bearer ${this.token()}`);
    context.options = { ...context.options, headers };
    this.sent.push(typeof context.request === 'string' ? context.request : context.request.url);
    if (!this.nextMiddleware) throw new Error('middleware chain has no next handler');
    return this.nextMiddleware.execute(context);
  }
  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }
}

const graphClient = (token: () => string) => {
  const auth = new BearerMiddleware(token);
  auth.setNext(new HTTPMessageHandler());
  return { auth, client: Client.initWithMiddleware({ baseUrl: `${base}/`, defaultVersion: 'v1.0', middleware: auth }) };
};

/** The request path of an absolute `@odata.nextLink` (the client only strips https origins itself). */
const pathOf = (link: string) => {
  expect(link.startsWith(`${base}/v1.0/`), `${link} is an absolute link under the public URL`).toBe(true);
  return link.slice(`${base}/v1.0`.length);
};

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORT: String(port) } });
  await t.app.listen({ port, host: '127.0.0.1' });
  client = graphClient(() => t.admin.token).client;
});
afterAll(async () => {
  await t?.close();
});

const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

describe('Microsoft Graph JavaScript client against Portico', () => {
  it('sends the bearer token through the custom middleware chain', async () => {
    const { auth, client: c } = graphClient(() => t.admin.token);
    const me = await c.api('/me').select(['id', 'displayName']).get();
    expect(me).toMatchObject({ id: t.admin.user.id, displayName: 'Ada Admin' });
    expect(auth.sent).toEqual([`${base}/v1.0/me?$select=id,displayName`]);
  });

  it('creates a user, a group, adds an owner and a member, and reads them back', async () => {
    const owner = await client.api('/users').post({
      accountEnabled: true,
      displayName: 'Megan Bowen',
      mailNickname: 'meganb',
      userPrincipalName: 'megan.bowen@contoso.test',
      passwordProfile: { forceChangePasswordNextSignIn: false, password: 'Correct-Horse-9!' },
    });
    expect(owner).toMatchObject({
      '@odata.context': `${base}/v1.0/$metadata#users/$entity`,
      displayName: 'Megan Bowen',
      userPrincipalName: 'megan.bowen@contoso.test',
      userType: 'Member',
    });
    expect(owner.passwordProfile).toBeUndefined();

    const member = await client.api('/users').post({
      accountEnabled: true,
      displayName: 'Lee Gu',
      mailNickname: 'leeg',
      userPrincipalName: 'lee.gu@contoso.test',
      passwordProfile: { password: 'Correct-Horse-9!' },
    });

    const group = await client.api('/groups').post({
      displayName: 'Mark 8 Project Team',
      description: 'Everything about the Mark 8 project',
      mailEnabled: false,
      mailNickname: 'mark8',
      securityEnabled: true,
      groupTypes: [],
    });
    expect(group).toMatchObject({ displayName: 'Mark 8 Project Team', securityEnabled: true, mailEnabled: false });
    expect(group.id).toMatch(/^[0-9a-f-]{36}$/);

    // Graph answers 204 No Content to $ref writes; the client resolves without a body.
    await client.api(`/groups/${group.id}/owners/$ref`).post(ref(owner.id));
    await client.api(`/groups/${group.id}/members/$ref`).post(ref(member.id));

    const owners = await client.api(`/groups/${group.id}/owners`).get();
    expect(owners.value.map((o: { id: string }) => o.id)).toEqual([owner.id]);
    expect(owners.value[0]['@odata.type']).toBe('#microsoft.graph.user');
    const members = await client.api(`/groups/${group.id}/members`).select(['id', 'displayName']).get();
    expect(members.value).toEqual([expect.objectContaining({ id: member.id, displayName: 'Lee Gu' })]);

    // Errors surface as the client's GraphError with Graph's status, code and message.
    const dup = await client
      .api(`/groups/${group.id}/members/$ref`)
      .post(ref(member.id))
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(GraphError);
    expect(dup).toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
    expect((dup as GraphError).message).toMatch(/One or more added object references already exist/);

    const missing = await client
      .api('/users/00000000-0000-4000-8000-000000000000')
      .get()
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
    expect((missing as GraphError).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists users with $filter=startswith(…) and pages through 250+ results via @odata.nextLink', async () => {
    const total = 260;
    const created = new Set<string>();
    const queue = Array.from({ length: total }, (_, i) => i);
    // Created through the API with the admin token; a few at a time (argon2 hashing per user).
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const n = String(i).padStart(3, '0');
          const res = await t.call('POST', '/v1.0/users', {
            token: t.admin.token,
            body: {
              displayName: `Pager ${n}`,
              userPrincipalName: `pager.${n}@contoso.test`,
              passwordProfile: { password: 'Correct-Horse-9!' },
            },
          });
          expect(res.statusCode).toBe(201);
          created.add(res.json().id);
        }
      }),
    );
    // A decoy that must not match the filter.
    await client.api('/users').post({
      displayName: 'Not a Pager',
      userPrincipalName: 'not.a.pager@contoso.test',
      passwordProfile: { password: 'Correct-Horse-9!' },
    });

    const seen: string[] = [];
    const names: string[] = [];
    let page = await client.api('/users').filter("startswith(displayName,'Pager ')").select(['id', 'displayName']).top(100).get();
    let pages = 1;
    for (;;) {
      for (const u of page.value as { id: string; displayName: string }[]) {
        seen.push(u.id);
        names.push(u.displayName);
        // $select keeps the object's @odata.etag annotation (docs/api.md, ETags).
        expect(Object.keys(u).sort()).toEqual(['@odata.etag', 'displayName', 'id']);
      }
      const next = page['@odata.nextLink'] as string | undefined;
      if (!next) break;
      page = await client.api(pathOf(next)).get();
      pages++;
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(total);
    expect(new Set(seen)).toEqual(created);
    expect(names.every((n) => n.startsWith('Pager '))).toBe(true);

    // $count with ConsistencyLevel: eventual, as Graph requires for advanced queries.
    const counted = await client
      .api('/users')
      .header('ConsistencyLevel', 'eventual')
      .filter("startswith(displayName,'Pager ')")
      .count(true)
      .top(1)
      .get();
    expect(counted['@odata.count']).toBe(total);
  });

  it('works with an application token from the client-credentials flow as well', async () => {
    const appToken = await t.appToken(['User.Read.All', 'Group.Read.All']);
    const { client: app } = graphClient(() => appToken);
    const users = await app.api('/users').filter("userPrincipalName eq 'megan.bowen@contoso.test'").get();
    expect(users.value).toHaveLength(1);
    const denied = await app
      .api('/users')
      .post({ displayName: 'Nope', userPrincipalName: 'nope@contoso.test', passwordProfile: { password: 'Correct-Horse-9!' } })
      .catch((e: unknown) => e);
    expect(denied).toMatchObject({ statusCode: 403, code: 'Authorization_RequestDenied' });
  });
});
