import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/contracts/users.js';
import { uuidv7 } from '../../src/server/domain/ids.js';
import { toRow as userRow } from '../../src/server/modules/users/users.repository.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let n = 0;
const security = (displayName: string) => ({
  displayName,
  mailEnabled: false,
  mailNickname: `m${Date.now().toString(36)}${n++}`,
  securityEnabled: true,
});
const unified = (displayName: string) => ({
  ...security(displayName),
  mailEnabled: true,
  securityEnabled: false,
  groupTypes: ['Unified'],
});
const ref = (id: string, kind = 'directoryObjects') => ({ '@odata.id': `https://graph.microsoft.com/v1.0/${kind}/${id}` });
const MISSING = '00000000-0000-4000-8000-0000000000aa';

async function create(body: unknown, token = t.admin.token): Promise<{ id: string; displayName: string }> {
  const r = await t.call('POST', '/v1.0/groups', { token, body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}
const addMember = (groupId: string, id: string, token = t.admin.token) =>
  t.call('POST', `/v1.0/groups/${groupId}/members/$ref`, { token, body: ref(id) });
const addOwner = (groupId: string, id: string, token = t.admin.token) =>
  t.call('POST', `/v1.0/groups/${groupId}/owners/$ref`, { token, body: ref(id) });
const ids = (r: { json(): unknown }) => ((r.json() as { value: { id: string }[] }).value ?? []).map((o) => o.id).sort();

function expectError(r: { statusCode: number; json(): unknown }, status: number, code: string, message?: string | RegExp) {
  expect(r.statusCode).toBe(status);
  const e = (r.json() as { error: { code: string; message: string; innerError: { 'request-id': string } } }).error;
  expect(e.code).toBe(code);
  expect(e.innerError['request-id']).toBeTruthy();
  if (typeof message === 'string') expect(e.message).toBe(message);
  else if (message) expect(e.message).toMatch(message);
}

async function audits(activity: string, groupId: string) {
  const rows = await t.database.db
    .selectFrom('directory_audits as a')
    .innerJoin('directory_audit_targets as x', 'x.audit_id', 'a.id')
    .selectAll('a')
    .where('x.target_id', '=', groupId)
    .where('a.activity_display_name', '=', activity)
    .execute();
  return rows.map((r) => ({ ...r, targets: JSON.parse(r.target_resources) as { id: string; type: string }[] }));
}

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('POST /groups/{id}/members/$ref and /owners/$ref', () => {
  it('adds a member (204), lists it as a directoryObject, and audits "Add member to group"', async () => {
    const g = await create(security('Readers'));
    const { user } = await t.createUser({ displayName: 'Mia Member' });
    const r = await addMember(g.id, user.id);
    expect(r.statusCode).toBe(204);
    expect(r.body).toBe('');

    const list = await t.call('GET', `/v1.0/groups/${g.id}/members`, { token: t.admin.token });
    expect(list.statusCode).toBe(200);
    const body = list.json();
    expect(body['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#directoryObjects');
    expect(body.value).toEqual([
      expect.objectContaining({
        '@odata.type': '#microsoft.graph.user',
        id: user.id,
        displayName: 'Mia Member',
        userPrincipalName: user.userPrincipalName,
        userType: 'Member',
      }),
    ]);
    const [audit] = await audits('Add member to group', g.id);
    expect(audit).toMatchObject({ category: 'GroupManagement', result: 'success' });
    expect(audit?.targets.map((x) => [x.id, x.type])).toEqual([
      [g.id, 'Group'],
      [user.id, 'User'],
    ]);
  });

  it('accepts the /users/{id} and /groups/{id} reference forms', async () => {
    const g = await create(security('Ref forms'));
    const child = await create(security('Ref child'));
    const { user } = await t.createUser();
    expect(
      (await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token: t.admin.token, body: ref(user.id, 'users') }))
        .statusCode,
    ).toBe(204);
    expect(
      (await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token: t.admin.token, body: ref(child.id, 'groups') }))
        .statusCode,
    ).toBe(204);
    const members = (await t.call('GET', `/v1.0/groups/${g.id}/members`, { token: t.admin.token })).json().value;
    expect(members.find((m: { id: string }) => m.id === child.id)).toMatchObject({
      '@odata.type': '#microsoft.graph.group',
      displayName: 'Ref child',
      securityEnabled: true,
    });
  });

  it('answers every error case like Graph', async () => {
    const g = await create(security('Errors'));
    const m365 = await create(unified('Team'));
    const nested = await create(security('Nested'));
    const { user } = await t.createUser();
    expect((await addMember(g.id, user.id)).statusCode).toBe(204);
    expect((await addOwner(g.id, user.id)).statusCode).toBe(204);

    expectError(
      await addMember(g.id, user.id),
      400,
      'Request_BadRequest',
      "One or more added object references already exist for the following modified properties: 'members'.",
    );
    expectError(
      await addOwner(g.id, user.id),
      400,
      'Request_BadRequest',
      "One or more added object references already exist for the following modified properties: 'owners'.",
    );
    const notFoundMessage = `Resource '${MISSING}' does not exist or one of its queried reference-property objects are not present.`;
    expectError(await addMember(g.id, MISSING), 404, 'Request_ResourceNotFound', notFoundMessage);
    expectError(await addOwner(g.id, MISSING), 404, 'Request_ResourceNotFound', notFoundMessage);
    expectError(await addMember(MISSING, user.id), 404, 'Request_ResourceNotFound', notFoundMessage);
    expectError(await addOwner(MISSING, user.id), 404, 'Request_ResourceNotFound', notFoundMessage);

    // Microsoft 365 groups take users only; owners are always users.
    expectError(await addMember(m365.id, nested.id), 400, 'Request_BadRequest', /Microsoft 365 group/);
    expectError(await addOwner(g.id, nested.id), 400, 'Request_BadRequest', 'Only users can be owners of a group.');
    expect((await addMember(m365.id, user.id)).statusCode).toBe(204);

    // Malformed bodies.
    const bad = await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, {
      token: t.admin.token,
      body: { '@odata.id': 'not-a-reference' },
    });
    expectError(bad, 400, 'Request_BadRequest', /Invalid object identifier/);
    const empty = await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token: t.admin.token, body: {} });
    expectError(empty, 400, 'Request_BadRequest', /@odata\.id/);
    const noToken = await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { body: ref(user.id) });
    expect(noToken.statusCode).toBe(401);
  });

  it('refuses membership cycles, direct and indirect', async () => {
    const a = await create(security('Cycle A'));
    const b = await create(security('Cycle B'));
    const c = await create(security('Cycle C'));
    expectError(await addMember(a.id, a.id), 400, 'Request_BadRequest', 'A group cannot be a member of itself.');
    expect((await addMember(a.id, b.id)).statusCode).toBe(204);
    expectError(await addMember(b.id, a.id), 400, 'Request_BadRequest', /membership cycle/);
    expect((await addMember(b.id, c.id)).statusCode).toBe(204);
    expectError(await addMember(c.id, a.id), 400, 'Request_BadRequest', /membership cycle/);
    const bind = await t.call('PATCH', `/v1.0/groups/${c.id}`, {
      token: t.admin.token,
      body: { 'members@odata.bind': [`https://graph.microsoft.com/v1.0/groups/${a.id}`] },
    });
    expectError(bind, 400, 'Request_BadRequest', /membership cycle/);
    expect(ids(await t.call('GET', `/v1.0/groups/${c.id}/members`, { token: t.admin.token }))).toEqual([]);
  });
});

describe('DELETE /groups/{id}/members/{id}/$ref and /owners/{id}/$ref', () => {
  it('removes members (404 when not a member) and audits it', async () => {
    const g = await create(security('Leavers'));
    const { user } = await t.createUser();
    await addMember(g.id, user.id);
    const del = await t.call('DELETE', `/v1.0/groups/${g.id}/members/${user.id}/$ref`, { token: t.admin.token });
    expect(del.statusCode).toBe(204);
    expect(ids(await t.call('GET', `/v1.0/groups/${g.id}/members`, { token: t.admin.token }))).toEqual([]);
    const again = await t.call('DELETE', `/v1.0/groups/${g.id}/members/${user.id}/$ref`, { token: t.admin.token });
    expectError(again, 404, 'Request_ResourceNotFound', /does not exist/);
    const [audit] = await audits('Remove member from group', g.id);
    expect(audit?.targets.map((x) => x.id)).toEqual([g.id, user.id]);
  });

  it('never removes the last owner of a group that has owners', async () => {
    const g = await create(security('Owned twice'));
    const a = await t.createUser();
    const b = await t.createUser();
    await addOwner(g.id, a.user.id);
    await addOwner(g.id, b.user.id);
    expect((await t.call('DELETE', `/v1.0/groups/${g.id}/owners/${a.user.id}/$ref`, { token: t.admin.token })).statusCode).toBe(
      204,
    );
    const last = await t.call('DELETE', `/v1.0/groups/${g.id}/owners/${b.user.id}/$ref`, { token: t.admin.token });
    expectError(last, 400, 'Request_BadRequest', 'The last owner of the group cannot be removed.');
    // The owner itself cannot step down either.
    const self = await t.call('DELETE', `/v1.0/groups/${g.id}/owners/${b.user.id}/$ref`, { token: b.token });
    expectError(self, 400, 'Request_BadRequest', 'The last owner of the group cannot be removed.');
    const notOwner = await t.call('DELETE', `/v1.0/groups/${g.id}/owners/${a.user.id}/$ref`, { token: t.admin.token });
    expectError(notOwner, 404, 'Request_ResourceNotFound');
    expect(ids(await t.call('GET', `/v1.0/groups/${g.id}/owners`, { token: t.admin.token }))).toEqual([b.user.id]);
    expect(await audits('Add owner to group', g.id)).toHaveLength(2);
    expect(await audits('Remove owner from group', g.id)).toHaveLength(1);
  });
});

describe('PATCH /groups/{id} with members@odata.bind', () => {
  it('adds up to 20 members at once, all-or-nothing', async () => {
    const g = await create(security('Bulk'));
    const users = await Promise.all([1, 2, 3].map(() => t.createUser()));
    const binds = users.map((u) => `https://graph.microsoft.com/v1.0/directoryObjects/${u.user.id}`);
    const ok = await t.call('PATCH', `/v1.0/groups/${g.id}`, { token: t.admin.token, body: { 'members@odata.bind': binds } });
    expect(ok.statusCode, ok.body).toBe(204);
    expect(ids(await t.call('GET', `/v1.0/groups/${g.id}/members`, { token: t.admin.token }))).toEqual(
      users.map((u) => u.user.id).sort(),
    );
    expect(await audits('Add member to group', g.id)).toHaveLength(3);

    const other = await create(security('Bulk 2'));
    const tooMany = await t.call('PATCH', `/v1.0/groups/${other.id}`, {
      token: t.admin.token,
      body: { 'members@odata.bind': Array.from({ length: 21 }, (_, i) => binds[i % 3]) },
    });
    expectError(tooMany, 400, 'Request_BadRequest', /At most 20/);

    const withMissing = await t.call('PATCH', `/v1.0/groups/${other.id}`, {
      token: t.admin.token,
      body: {
        displayName: 'Renamed?',
        'members@odata.bind': [binds[0], `https://graph.microsoft.com/v1.0/directoryObjects/${MISSING}`],
      },
    });
    expectError(withMissing, 404, 'Request_ResourceNotFound');
    const withDuplicate = await t.call('PATCH', `/v1.0/groups/${g.id}`, {
      token: t.admin.token,
      body: { 'members@odata.bind': [`https://graph.microsoft.com/v1.0/directoryObjects/${t.admin.user.id}`, binds[0]] },
    });
    expectError(withDuplicate, 400, 'Request_BadRequest', /'members'/);
    // Nothing of the failed requests was kept.
    expect(ids(await t.call('GET', `/v1.0/groups/${other.id}/members`, { token: t.admin.token }))).toEqual([]);
    expect((await t.call('GET', `/v1.0/groups/${other.id}`, { token: t.admin.token })).json().displayName).toBe('Bulk 2');
    expect(ids(await t.call('GET', `/v1.0/groups/${g.id}/members`, { token: t.admin.token }))).not.toContain(t.admin.user.id);
  });
});

describe('transitive memberships', () => {
  it('resolves transitiveMembers and memberOf/transitiveMemberOf through three levels', async () => {
    const g1 = await create(security('Level 1'));
    const g2 = await create(security('Level 2'));
    const g3 = await create(security('Level 3'));
    const u1 = await t.createUser();
    const u2 = await t.createUser();
    const u3 = await t.createUser();
    for (const [g, m] of [
      [g1.id, g2.id],
      [g2.id, g3.id],
      [g1.id, u1.user.id],
      [g2.id, u2.user.id],
      [g3.id, u3.user.id],
    ] as const) {
      expect((await addMember(g, m)).statusCode).toBe(204);
    }
    const tm = await t.call('GET', `/v1.0/groups/${g1.id}/transitiveMembers`, { token: t.admin.token });
    expect(ids(tm)).toEqual([g2.id, g3.id, u1.user.id, u2.user.id, u3.user.id].sort());
    const types = Object.fromEntries(
      (tm.json().value as { id: string; '@odata.type': string }[]).map((o) => [o.id, o['@odata.type']]),
    );
    expect(types[g3.id]).toBe('#microsoft.graph.group');
    expect(types[u3.user.id]).toBe('#microsoft.graph.user');
    expect(ids(await t.call('GET', `/v1.0/groups/${g1.id}/members`, { token: t.admin.token }))).toEqual(
      [g2.id, u1.user.id].sort(),
    );

    // Through the other user's object (admin) and through /me (the user themself).
    expect(ids(await t.call('GET', `/v1.0/users/${u3.user.id}/memberOf`, { token: t.admin.token }))).toEqual([g3.id]);
    expect(
      ids(await t.call('GET', `/v1.0/users/${u3.user.userPrincipalName}/transitiveMemberOf`, { token: t.admin.token })),
    ).toEqual([g1.id, g2.id, g3.id].sort());
    const me = await t.call('GET', '/v1.0/me/transitiveMemberOf', { token: u3.token });
    expect(me.statusCode).toBe(200);
    expect(me.json().value.every((o: { '@odata.type': string }) => o['@odata.type'] === '#microsoft.graph.group')).toBe(true);
    expect(ids(me)).toEqual([g1.id, g2.id, g3.id].sort());
    expect(ids(await t.call('GET', '/v1.0/me/memberOf', { token: u2.token }))).toEqual([g2.id]);
    // Another member may read a colleague's memberships, as Entra's default permissions allow.
    expect(ids(await t.call('GET', `/v1.0/users/${u3.user.id}/memberOf`, { token: u1.token }))).toEqual([g3.id]);

    // A cycle made behind the API's back still terminates (UNION, not UNION ALL).
    await t.database.db
      .insertInto('group_members')
      .values({
        tenant_id: t.tenant.id,
        group_id: g3.id,
        member_id: g1.id,
        member_type: 'group',
        created_date_time: new Date().toISOString(),
      })
      .execute();
    expect(ids(await t.call('GET', `/v1.0/groups/${g3.id}/transitiveMembers`, { token: t.admin.token }))).toEqual(
      [g1.id, g2.id, g3.id, u1.user.id, u2.user.id, u3.user.id].sort(),
    );
    await t.database.db.deleteFrom('group_members').where('group_id', '=', g3.id).where('member_id', '=', g1.id).execute();
  });

  it('refuses /me relationships for application tokens and unknown users', async () => {
    const app = await t.appToken(['Directory.Read.All']);
    expectError(await t.call('GET', '/v1.0/me/memberOf', { token: app }), 400, 'Request_BadRequest', /delegated/);
    expectError(
      await t.call('GET', `/v1.0/users/${MISSING}/memberOf`, { token: t.admin.token }),
      404,
      'Request_ResourceNotFound',
    );
    const guest = await t.createUser({ userType: 'Guest' });
    expectError(
      await t.call('GET', `/v1.0/users/${t.admin.user.id}/memberOf`, { token: guest.token }),
      403,
      'Authorization_RequestDenied',
    );
    expect((await t.call('GET', '/v1.0/me/ownedObjects', { token: guest.token })).statusCode).toBe(200);
  });
});

describe('paging of members', () => {
  it('pages 260 members with $top, $skiptoken, $select and $count', async () => {
    const g = await create(security('Big'));
    const now = new Date().toISOString();
    const users: User[] = Array.from({ length: 258 }, (_, i) => {
      const id = uuidv7();
      const upn = `bulk.${i}.${id.slice(-6)}@contoso.test`;
      return {
        id,
        displayName: `Bulk ${String(i).padStart(3, '0')}`,
        givenName: null,
        surname: null,
        mail: upn,
        otherMails: [],
        userPrincipalName: upn,
        userType: 'Member',
        accountEnabled: true,
        creationType: null,
        externalUserState: null,
        externalUserStateChangeDateTime: null,
        createdDateTime: now,
        identities: [],
        department: null,
        jobTitle: null,
        companyName: null,
        preferredLanguage: null,
        country: null,
        city: null,
      };
    });
    const db = t.database.db;
    for (let i = 0; i < users.length; i += 100) {
      await db
        .insertInto('users')
        .values(users.slice(i, i + 100).map((u) => userRow(t.tenant.id, u, null)))
        .execute();
    }
    const sub1 = await create(security('Big sub 1'));
    const sub2 = await create(security('Big sub 2'));
    await db
      .insertInto('group_members')
      .values([
        ...users.map((u) => ({
          tenant_id: t.tenant.id,
          group_id: g.id,
          member_id: u.id,
          member_type: 'user' as const,
          created_date_time: now,
        })),
        ...[sub1, sub2].map((s) => ({
          tenant_id: t.tenant.id,
          group_id: g.id,
          member_id: s.id,
          member_type: 'group' as const,
          created_date_time: now,
        })),
      ])
      .execute();

    const seen: string[] = [];
    let pages = 0;
    let url: string | undefined = `/v1.0/groups/${g.id}/members?$top=100&$select=displayName`;
    while (url) {
      const r = await t.call('GET', url, { token: t.admin.token });
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json();
      for (const o of body.value) {
        expect(Object.keys(o).sort()).toEqual(['@odata.type', 'displayName', 'id']);
        seen.push(o.id);
      }
      pages++;
      url = body['@odata.nextLink']?.replace('http://localhost:8080', '');
      if (url) expect(body.value).toHaveLength(100);
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(260);
    expect(seen.sort()).toEqual([...users.map((u) => u.id), sub1.id, sub2.id].sort());

    // Default page size is 100; ordering by displayName is stable across pages.
    const first = (await t.call('GET', `/v1.0/groups/${g.id}/members?$orderby=displayName`, { token: t.admin.token })).json();
    expect(first.value).toHaveLength(100);
    expect(first.value[0].displayName).toBe('Big sub 1');
    const second = (
      await t.call('GET', first['@odata.nextLink'].replace('http://localhost:8080', ''), { token: t.admin.token })
    ).json();
    expect(second.value[0].displayName).toBe('Bulk 098');

    const counted = await t.call(
      'GET',
      `/v1.0/groups/${g.id}/members?$count=true&$top=1&$filter=startswith(displayName,'Bulk 1')`,
      {
        token: t.admin.token,
        headers: { consistencylevel: 'eventual' },
      },
    );
    expect(counted.statusCode, counted.body).toBe(200);
    expect(counted.json()['@odata.count']).toBe(100);
    const trans = await t.call('GET', `/v1.0/groups/${g.id}/transitiveMembers?$top=999`, { token: t.admin.token });
    expect(trans.json().value).toHaveLength(260);
  });
});
