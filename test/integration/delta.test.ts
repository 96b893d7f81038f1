import { Client, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { BearerMiddleware } from '../helpers/graph-client.js';
import { freePort } from '../helpers/oidc.js';

// Delta queries (/users/delta, /groups/delta) round-tripped with graph-client v3 over real HTTP:
// a first round pages through everything, the delta link then returns only the changes, and
// deletions come back as @removed.

let t: TestApp;
let base: string;
let client: Client;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORT: String(port) } });
  await t.app.listen({ port, host: '127.0.0.1' });
  const auth = new BearerMiddleware(() => t.admin.token);
  auth.setNext(new HTTPMessageHandler());
  client = Client.initWithMiddleware({ baseUrl: `${base}/`, defaultVersion: 'v1.0', middleware: auth });
});
afterAll(async () => {
  await t?.close();
});

interface Item {
  id: string;
  displayName?: string;
  '@removed'?: { reason: string };
  'members@delta'?: { id: string; '@odata.type': string; '@removed'?: { reason: string } }[];
}
interface DeltaResponse {
  value: Item[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** The path of an absolute link (graph-client strips only https origins itself). */
const pathOf = (link: string) => {
  expect(link.startsWith(`${base}/v1.0/`)).toBe(true);
  return link.slice(`${base}/v1.0`.length);
};

/** Page size asked with `Prefer: odata.maxpagesize` (Graph's way), so a few objects make several pages. */
const PAGE = 4;

/** Follows @odata.nextLink to the end of a round; returns every item and the delta link. */
async function round(start: string): Promise<{ items: Item[]; deltaLink: string; pages: number }> {
  const items: Item[] = [];
  const get = (path: string) => client.api(path).header('Prefer', `odata.maxpagesize=${PAGE}`).get() as Promise<DeltaResponse>;
  let res = await get(start);
  let pages = 1;
  items.push(...res.value);
  while (res['@odata.nextLink']) {
    expect(res['@odata.deltaLink']).toBeUndefined();
    res = await get(pathOf(res['@odata.nextLink']));
    items.push(...res.value);
    pages += 1;
  }
  expect(res['@odata.deltaLink']).toBeDefined();
  return { items, deltaLink: res['@odata.deltaLink'] as string, pages };
}

const newUser = (name: string) =>
  client.api('/users').post({
    displayName: name,
    userPrincipalName: `${name.toLowerCase().replace(/\W/g, '.')}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@contoso.test`,
    passwordProfile: { password: 'Correct-Horse-9!' },
  }) as Promise<{ id: string }>;

describe('GET /users/delta with graph-client v3', () => {
  it('lists everything first, then only the change, then a deletion as @removed', async () => {
    const created = [];
    for (let i = 0; i < 12; i++) created.push(await newUser(`Delta ${i}`));

    const first = await round('/users/delta?$select=displayName,userPrincipalName');
    expect(first.pages).toBeGreaterThanOrEqual(4);
    const ids = new Set(first.items.map((i) => i.id));
    for (const u of created) expect(ids.has(u.id)).toBe(true);
    expect(ids.has(t.admin.user.id)).toBe(true);
    expect(Object.keys(first.items[0] ?? {}).sort()).toEqual(['displayName', 'id', 'userPrincipalName']);

    // Nothing changed: the delta link returns nothing.
    const quiet = await round(pathOf(first.deltaLink));
    expect(quiet.items).toEqual([]);

    // One change: only that user, with the round's $select.
    const changed = created[7] as { id: string };
    await client.api(`/users/${changed.id}`).patch({ displayName: 'Delta renamed' });
    const second = await round(pathOf(quiet.deltaLink));
    expect(second.items).toEqual([{ id: changed.id, displayName: 'Delta renamed', userPrincipalName: expect.any(String) }]);

    // A deletion: @removed "changed" while restorable, "deleted" once gone for good.
    const gone = created[9] as { id: string };
    await client.api(`/users/${gone.id}`).delete();
    const third = await round(pathOf(second.deltaLink));
    expect(third.items).toEqual([{ id: gone.id, '@removed': { reason: 'changed' } }]);
    await client.api(`/directory/deletedItems/${gone.id}`).delete();
    const fourth = await round(pathOf(third.deltaLink));
    expect(fourth.items).toEqual([{ id: gone.id, '@removed': { reason: 'deleted' } }]);

    // A restore brings the object back in the next round.
    const back = created[11] as { id: string };
    await client.api(`/users/${back.id}`).delete();
    await client.api(`/directory/deletedItems/${back.id}/restore`).post({});
    const fifth = await round(pathOf(fourth.deltaLink));
    expect(fifth.items.map((i) => i.id)).toEqual([back.id]);
    expect(fifth.items[0]?.['@removed']).toBeUndefined();
  });

  it('pages the changes of a round and keeps a change made during the round for the next one', async () => {
    const start = await round('/users/delta?$deltatoken=latest');
    expect(start.items).toEqual([]);
    const many = [];
    for (let i = 0; i < 6; i++) many.push(await newUser(`Paged ${i}`));
    const first = (await client.api(pathOf(start.deltaLink)).header('Prefer', 'odata.maxpagesize=4').get()) as DeltaResponse;
    expect(first.value).toHaveLength(4);
    expect(first['@odata.nextLink']).toBeDefined();
    const late = await newUser('Late comer');
    const rest = await round(pathOf(first['@odata.nextLink'] as string));
    const seen = [...first.value, ...rest.items].map((i) => i.id);
    expect(new Set(seen)).toEqual(new Set(many.map((u) => u.id)));
    const next = await round(pathOf(rest.deltaLink));
    expect(next.items.map((i) => i.id)).toEqual([late.id]);
  });

  it('refuses a token it did not issue, and a users token on groups', async () => {
    const bad = await t.call('GET', '/v1.0/users/delta?$deltatoken=not-a-token', { token: t.admin.token });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].code).toBe('delta_token_invalid');
    const link = (await t.call('GET', '/v1.0/users/delta?$deltatoken=latest', { token: t.admin.token })).json()[
      '@odata.deltaLink'
    ];
    const token = new URL(link).searchParams.get('$deltatoken') as string;
    const crossed = await t.call('GET', `/v1.0/groups/delta?$deltatoken=${encodeURIComponent(token)}`, { token: t.admin.token });
    expect(crossed.statusCode).toBe(400);
    const unknown = await t.call('GET', '/v1.0/users/delta?$filter=id eq 1', { token: t.admin.token });
    expect(unknown.statusCode).toBe(400);
  });
});

describe('GET /groups/delta with members@delta', () => {
  it('reports members on the first round, then joins and leaves', async () => {
    const a = await newUser('Member A');
    const b = await newUser('Member B');
    const group = (await client.api('/groups').post({
      displayName: 'Delta group',
      mailNickname: `delta${Date.now().toString(36)}`,
      mailEnabled: false,
      securityEnabled: true,
    })) as { id: string };
    const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
    await client.api(`/groups/${group.id}/members/$ref`).post(ref(a.id));

    const first = await round('/groups/delta?$select=displayName,members');
    const g = first.items.find((i) => i.id === group.id);
    expect(g).toEqual({
      id: group.id,
      displayName: 'Delta group',
      'members@delta': [{ '@odata.type': '#microsoft.graph.user', id: a.id }],
    });

    await client.api(`/groups/${group.id}/members/$ref`).post(ref(b.id));
    await client.api(`/groups/${group.id}/members/${a.id}/$ref`).delete();
    const second = await round(pathOf(first.deltaLink));
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.id).toBe(group.id);
    expect(second.items[0]?.['members@delta']).toEqual(
      expect.arrayContaining([
        { '@odata.type': '#microsoft.graph.user', id: b.id },
        { '@odata.type': '#microsoft.graph.user', id: a.id, '@removed': { reason: 'deleted' } },
      ]),
    );
    expect(second.items[0]?.['members@delta']).toHaveLength(2);

    // A deleted member leaves its groups: the group's members@delta says so.
    await client.api(`/users/${b.id}`).delete();
    const third = await round(pathOf(second.deltaLink));
    expect(third.items.find((i) => i.id === group.id)?.['members@delta']).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: b.id, '@removed': { reason: 'deleted' } },
    ]);

    await client.api(`/groups/${group.id}`).delete();
    const fourth = await round(pathOf(third.deltaLink));
    expect(fourth.items).toEqual([{ id: group.id, '@removed': { reason: 'changed' } }]);
  });
});
