import { type Client, PageIterator, ResponseType } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { listeningWithGraphClient } from '../helpers/graph-client.js';

// Microsoft's Graph JavaScript client (v3) over real HTTP against Portico's read features:
// PageIterator over an `$expand`ed collection, `$count` segments, type casts, getByIds. Wired as
// in graph-client.test.ts (a bearer middleware, since the client skips non-https hosts).

let t: TestApp;
let base: string;
let client: Client;

beforeAll(async () => {
  ({ t, base, client } = await listeningWithGraphClient());
});
afterAll(async () => {
  await t?.close();
});

describe('Graph JavaScript client: $expand, $count, casts, getByIds', () => {
  it('pages with PageIterator over groups with $expand=members, and reads counts, casts and getByIds', async () => {
    const member = await t.createUser({ displayName: 'Paged Member' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const g = await client.api('/groups').post({
        '@odata.type': '#microsoft.graph.group',
        displayName: `Paged ${i}`,
        mailNickname: `paged${i}`,
        mailEnabled: false,
        securityEnabled: true,
        'members@odata.bind': [`${base}/v1.0/directoryObjects/${member.user.id}`],
      });
      ids.push(g.id);
    }
    const first = await client.api('/groups').top(2).select(['id', 'displayName']).expand('members($select=id)').get();
    const seen: { id: string; members: { id: string }[] }[] = [];
    // Over http the client cannot follow absolute nextLinks itself: hand it the path (as graph-client.test.ts does).
    const iterator = new PageIterator(
      client,
      first,
      (g) => {
        seen.push(g);
        return true;
      },
      { headers: {} },
    );
    const withPaths = (page: { '@odata.nextLink'?: string }) => {
      if (page['@odata.nextLink']) page['@odata.nextLink'] = page['@odata.nextLink'].replace(`${base}/v1.0`, '');
    };
    withPaths(first);
    const originalGet = client.api.bind(client);
    client.api = ((path: string) => originalGet(path.replace(`${base}/v1.0`, ''))) as typeof client.api;
    await iterator.iterate();
    client.api = originalGet as typeof client.api;
    expect(seen).toHaveLength(5);
    for (const g of seen) expect(g.members).toEqual([{ '@odata.type': '#microsoft.graph.user', id: member.user.id }]);

    const count = await client.api('/groups/$count').header('ConsistencyLevel', 'eventual').responseType(ResponseType.TEXT).get();
    expect(count).toBe('5');
    const users = await client.api(`/groups/${ids[0]}/members/microsoft.graph.user`).select(['id', 'displayName']).get();
    expect(users.value).toEqual([{ id: member.user.id, displayName: 'Paged Member' }]);
    const memberCount = await client
      .api(`/groups/${ids[0]}/members/microsoft.graph.user/$count`)
      .header('ConsistencyLevel', 'eventual')
      .responseType(ResponseType.TEXT)
      .get();
    expect(memberCount).toBe('1');
    const objects = await client
      .api('/directoryObjects/getByIds')
      .post({ ids: [ids[1], member.user.id], types: ['user', 'group'] });
    expect(objects.value.map((o: { id: string }) => o.id)).toEqual([ids[1], member.user.id]);
    const groupsOfMember = await client.api(`/users/${member.user.id}/getMemberGroups`).post({ securityEnabledOnly: true });
    expect([...groupsOfMember.value].sort()).toEqual([...ids].sort());
  });
});
