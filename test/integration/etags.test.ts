import { randomUUID } from 'node:crypto';
import { type Client, GraphError } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { listeningWithGraphClient } from '../helpers/graph-client.js';

// ETags on users and groups: `@odata.etag` on every object read, the ETag header on a single
// object, If-Match on PATCH and DELETE (412 PreconditionFailed when stale, `*` matches), one
// version shared with SCIM's meta.version.

let t: TestApp;
let base: string;
let client: Client;

beforeAll(async () => {
  ({ t, base, client } = await listeningWithGraphClient());
});
afterAll(async () => {
  await t?.close();
});

const admin = (
  method: 'GET' | 'PATCH' | 'DELETE',
  url: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
) => t.call(method, `/v1.0${url}`, { token: t.admin.token, ...opts });
const WEAK = /^W\/"[A-Za-z0-9_-]+"$/;

const newGroup = async () =>
  (
    await t.call('POST', '/v1.0/groups', {
      token: t.admin.token,
      body: {
        displayName: `ETag group ${randomUUID().slice(0, 6)}`,
        mailNickname: `etag${randomUUID().slice(0, 6)}`,
        mailEnabled: false,
        securityEnabled: true,
      },
    })
  ).json() as { id: string };

describe.each([
  [
    'users',
    async () => (await t.createUser({ displayName: `ETag user ${randomUUID().slice(0, 6)}` })).user.id,
    { jobTitle: 'Changed' },
  ],
  ['groups', async () => (await newGroup()).id, { description: 'Changed' }],
] as const)('ETags on %s', (collection, create, change) => {
  it('reads @odata.etag in the object and the ETag header, the same in the collection and under $select', async () => {
    const id = await create();
    const one = await admin('GET', `/${collection}/${id}`);
    expect(one.statusCode, one.body).toBe(200);
    const tag = one.json()['@odata.etag'] as string;
    expect(tag).toMatch(WEAK);
    expect(one.headers.etag).toBe(tag);

    const selected = await admin('GET', `/${collection}/${id}?$select=displayName`);
    expect(selected.json()['@odata.etag']).toBe(tag);

    const list = await admin('GET', `/${collection}?$filter=id eq '${id}'&$select=id`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().value).toEqual([{ '@odata.etag': tag, id }]);
  });

  it('changes the tag on every write and refuses a stale If-Match with 412', async () => {
    const id = await create();
    const before = (await admin('GET', `/${collection}/${id}`)).headers.etag as string;

    const ok = await admin('PATCH', `/${collection}/${id}`, { body: change, headers: { 'if-match': before } });
    expect(ok.statusCode, ok.body).toBe(204);
    const after = (await admin('GET', `/${collection}/${id}`)).headers.etag as string;
    expect(after).toMatch(WEAK);
    expect(after).not.toBe(before);

    const stale = await admin('PATCH', `/${collection}/${id}`, {
      body: { displayName: 'Lost update' },
      headers: { 'if-match': before },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().error.code).toBe('PreconditionFailed');
    expect(stale.json().error.details[0].code).toBe('precondition_failed');
    expect((await admin('GET', `/${collection}/${id}`)).json().displayName).not.toBe('Lost update');

    // A list of tags (RFC 9110) matches when one is current; the strong form of the weak tag too.
    const listed = await admin('PATCH', `/${collection}/${id}`, {
      body: { displayName: 'Listed' },
      headers: { 'if-match': `${before}, ${after.replace(/^W\//, '')}` },
    });
    expect(listed.statusCode, listed.body).toBe(204);
    const star = await admin('PATCH', `/${collection}/${id}`, { body: { displayName: 'Star' }, headers: { 'if-match': '*' } });
    expect(star.statusCode, star.body).toBe(204);

    const staleDelete = await admin('DELETE', `/${collection}/${id}`, { headers: { 'if-match': after } });
    expect(staleDelete.statusCode).toBe(412);
    expect((await admin('GET', `/${collection}/${id}`)).statusCode).toBe(200);
    const current = (await admin('GET', `/${collection}/${id}`)).headers.etag as string;
    expect((await admin('DELETE', `/${collection}/${id}`, { headers: { 'if-match': current } })).statusCode).toBe(204);
    // If-Match on an object that no longer exists: 404, as without it.
    expect((await admin('DELETE', `/${collection}/${id}`, { headers: { 'if-match': '*' } })).statusCode).toBe(404);
  });
});

describe('one tag for every surface that writes', () => {
  it('a SCIM write changes the Graph ETag; a manager assignment (not part of the user object) keeps it', async () => {
    const user = await t.createUser({ displayName: 'Shared Version' });
    const before = (await admin('GET', `/users/${user.user.id}`)).headers.etag as string;
    const scim = await t.call('PATCH', `/scim/v2/Users/${user.user.id}`, {
      token: await t.appToken(['Directory.ReadWrite.All']),
      headers: { 'content-type': 'application/scim+json' },
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'Provisioned title' }],
      },
    });
    expect(scim.statusCode, scim.body).toBeLessThan(300);
    const after = (await admin('GET', `/users/${user.user.id}`)).headers.etag as string;
    expect(after).not.toBe(before);
    expect((await admin('GET', `/users/${user.user.id}`)).json().jobTitle).toBe('Provisioned title');

    // The tag is the representation's (weak, a digest of what GET returns): the manager is a
    // relationship read at /manager, so assigning one leaves the user object — and its tag — as they were.
    const boss = await t.createUser({ displayName: 'Tagged Boss' });
    await t.call('PUT', `/v1.0/users/${user.user.id}/manager/$ref`, {
      token: t.admin.token,
      body: { '@odata.id': `${base}/v1.0/users/${boss.user.id}` },
    });
    expect((await admin('GET', `/users/${user.user.id}/manager`)).json().id).toBe(boss.user.id);
    expect((await admin('GET', `/users/${user.user.id}`)).headers.etag).toBe(after);
  });

  it('reaches Microsoft’s Graph client: a stale If-Match is a GraphError 412', async () => {
    const group = await newGroup();
    const read = await client.api(`/groups/${group.id}`).get();
    const tag = read['@odata.etag'] as string;
    expect(tag).toMatch(WEAK);
    await client.api(`/groups/${group.id}`).header('If-Match', tag).patch({ description: 'First' });
    const err = await client
      .api(`/groups/${group.id}`)
      .header('If-Match', tag)
      .patch({ description: 'Second' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).statusCode).toBe(412);
    expect((err as GraphError).code).toBe('PreconditionFailed');
  });
});
