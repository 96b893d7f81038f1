import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// Graph protocol features that SDKs and scripts rely on: `@odata.type` in bodies, `$count`
// segments, type casts, `$expand`, directoryObjects actions, paths and methods.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { PORTICO_OUTBOX_WORKER: 'off' } });
});
afterAll(async () => {
  await t?.close();
});

const uniq = () => randomUUID().slice(0, 8);
const admin = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) =>
  t.call(method, `/v1.0${url}`, {
    token: t.admin.token,
    ...(body === undefined ? {} : { body }),
    ...(headers ? { headers } : {}),
  });

const newUserBody = (extra: Record<string, unknown> = {}) => {
  const n = uniq();
  return {
    displayName: `Typed ${n}`,
    userPrincipalName: `typed.${n}@contoso.test`,
    mailNickname: `typed${n}`,
    accountEnabled: true,
    passwordProfile: { password: 'Correct-Horse-9!', forceChangePasswordNextSignIn: false },
    ...extra,
  };
};
const newGroupBody = (extra: Record<string, unknown> = {}) => {
  const n = uniq();
  return { displayName: `Group ${n}`, mailNickname: `g${n}`, mailEnabled: false, securityEnabled: true, ...extra };
};

describe('@odata.type in request bodies', () => {
  it('accepts the entity type on creates and updates, with or without #, and on nested complex types', async () => {
    const created = await admin(
      'POST',
      '/users',
      newUserBody({
        '@odata.type': '#microsoft.graph.user',
        passwordProfile: {
          '@odata.type': '#microsoft.graph.passwordProfile',
          password: 'Correct-Horse-9!',
          forceChangePasswordNextSignIn: false,
        },
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const patched = await admin('PATCH', `/users/${id}`, { '@odata.type': 'microsoft.graph.user', jobTitle: 'Typist' });
    expect(patched.statusCode, patched.body).toBe(204);
    expect((await admin('GET', `/users/${id}`)).json().jobTitle).toBe('Typist');

    const group = await admin('POST', '/groups', newGroupBody({ '@odata.type': '#microsoft.graph.group' }));
    expect(group.statusCode, group.body).toBe(201);
    const invitation = await admin('POST', '/invitations', {
      '@odata.type': '#microsoft.graph.invitation',
      invitedUserEmailAddress: `guest.${uniq()}@fabrikam.test`,
      inviteRedirectUrl: 'https://myapps.example.test',
      sendInvitationMessage: false,
    });
    expect(invitation.statusCode, invitation.body).toBe(201);
    const sp = await admin('POST', '/servicePrincipals', {
      '@odata.type': '#microsoft.graph.servicePrincipal',
      displayName: `App ${uniq()}`,
    });
    expect(sp.statusCode, sp.body).toBe(201);
  });

  it('refuses a type that is not the resource’s, or that does not exist, with OData’s wording', async () => {
    const wrong = await admin('POST', '/users', newUserBody({ '@odata.type': '#microsoft.graph.group' }));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({
      code: 'BadRequest',
      message:
        "A resource with type 'microsoft.graph.group' was found, but it is not assignable to the expected type 'microsoft.graph.user'. The type specified in the resource must be equal to either the expected type or a derived type.",
      details: [{ code: 'odata_type_invalid' }],
    });
    const unknown = await admin('POST', '/groups', newGroupBody({ '@odata.type': '#microsoft.graph.unicorn' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toBe(
      "A type named 'microsoft.graph.unicorn' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.",
    );
    const base = await admin('POST', '/groups', newGroupBody({ '@odata.type': '#microsoft.graph.directoryObject' }));
    expect(base.statusCode).toBe(400);
    const notString = await admin('POST', '/groups', newGroupBody({ '@odata.type': 42 }));
    expect(notString.statusCode).toBe(400);
    expect(notString.json().error.details[0].code).toBe('odata_type_invalid');
    const nested = await admin(
      'POST',
      '/users',
      newUserBody({ passwordProfile: { '@odata.type': 'not a type', password: 'Correct-Horse-9!' } }),
    );
    expect(nested.statusCode).toBe(400);
    // Nothing was created by the refused requests.
    const groups = (await admin('GET', '/groups?$top=999')).json().value as { displayName: string }[];
    expect(groups.length).toBe(1);
  });

  it('documents the annotation in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/openapi.json')).json();
    const body = doc.paths['/v1.0/users'].post.requestBody.content['application/json'].schema;
    expect(body.properties['@odata.type'].enum).toEqual(['#microsoft.graph.user']);
  });
});

/** A group with two member users, a member group (with one user of its own) and an owner. */
async function groupWithMembers() {
  const [a, b, c, owner] = [
    await t.createUser({ displayName: 'Alba Member' }),
    await t.createUser({ displayName: 'Bruno Member' }),
    await t.createUser({ displayName: 'Cleo Nested' }),
    await t.createUser({ displayName: 'Omar Owner' }),
  ];
  const bind = (id: string) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`;
  const inner = (await admin('POST', '/groups', newGroupBody({ 'members@odata.bind': [bind(c.user.id)] }))).json();
  const outer = await admin(
    'POST',
    '/groups',
    newGroupBody({
      'members@odata.bind': [bind(a.user.id), bind(b.user.id), bind(inner.id)],
      'owners@odata.bind': [bind(owner.user.id)],
    }),
  );
  expect(outer.statusCode, outer.body).toBe(201);
  return { group: outer.json(), inner, users: { a: a.user, b: b.user, c: c.user, owner: owner.user } };
}

describe('$count segments and type casts', () => {
  it('counts collections as text/plain with ConsistencyLevel: eventual, honouring $filter', async () => {
    const { group, users } = await groupWithMembers();
    const total = (await admin('GET', '/users?$top=999')).json().value.length as number;
    const count = await admin('GET', '/users/$count', undefined, { ConsistencyLevel: 'eventual' });
    expect(count.statusCode, count.body).toBe(200);
    expect(count.headers['content-type']).toMatch(/^text\/plain/);
    expect(count.body).toBe(String(total));
    const filtered = await admin('GET', `/users/$count?$filter=startswith(displayName,'Alba')`, undefined, {
      ConsistencyLevel: 'eventual',
    });
    expect(filtered.body).toBe('1');
    const groupsCount = await admin('GET', '/groups/$count', undefined, { ConsistencyLevel: 'eventual' });
    expect(Number(groupsCount.body)).toBeGreaterThanOrEqual(2);

    const eventual = { ConsistencyLevel: 'eventual' };
    const g = `/groups/${group.id}`;
    expect((await admin('GET', `${g}/members/$count`, undefined, eventual)).body).toBe('3');
    expect((await admin('GET', `${g}/transitiveMembers/$count`, undefined, eventual)).body).toBe('4');
    expect((await admin('GET', `${g}/owners/$count`, undefined, eventual)).body).toBe('1');
    expect((await admin('GET', `${g}/members/microsoft.graph.user/$count`, undefined, eventual)).body).toBe('2');
    expect((await admin('GET', `${g}/transitiveMembers/microsoft.graph.user/$count`, undefined, eventual)).body).toBe('3');
    expect((await admin('GET', `${g}/members/microsoft.graph.group/$count`, undefined, eventual)).body).toBe('1');
    expect((await admin('GET', `/users/${users.c.id}/transitiveMemberOf/$count`, undefined, eventual)).body).toBe('2');
    expect((await admin('GET', `/users/${users.a.id}/memberOf/microsoft.graph.group/$count`, undefined, eventual)).body).toBe(
      '1',
    );

    // Graph refuses $count on directory objects without the header.
    const without = await admin('GET', `${g}/members/$count`);
    expect(without.statusCode).toBe(400);
    expect(without.json().error.message).toBe("$count requires the request header 'ConsistencyLevel: eventual'.");
  });

  it('casts members, transitive members, owners and memberOf to one type, queried as that type', async () => {
    const { group, inner, users } = await groupWithMembers();
    const g = `/groups/${group.id}`;
    const usersOnly = await admin(
      'GET',
      `${g}/members/microsoft.graph.user?$select=displayName,userPrincipalName&$orderby=displayName`,
    );
    expect(usersOnly.statusCode, usersOnly.body).toBe(200);
    expect(usersOnly.json()['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#users');
    expect(usersOnly.json().value).toEqual([
      { id: users.a.id, displayName: 'Alba Member', userPrincipalName: users.a.userPrincipalName },
      { id: users.b.id, displayName: 'Bruno Member', userPrincipalName: users.b.userPrincipalName },
    ]);
    // A user-only property filters the cast (the uncast directoryObject collection cannot).
    const byUpn = await admin(
      'GET',
      `${g}/transitiveMembers/microsoft.graph.user?$filter=userPrincipalName eq '${users.c.userPrincipalName}'`,
    );
    expect(byUpn.json().value.map((u: { id: string }) => u.id)).toEqual([users.c.id]);
    const groupsOnly = await admin('GET', `${g}/members/microsoft.graph.group?$select=id,securityEnabled`);
    expect(groupsOnly.json().value).toEqual([{ id: inner.id, securityEnabled: true }]);
    const owners = await admin('GET', `${g}/owners/microsoft.graph.user?$select=id`);
    expect(owners.json().value).toEqual([{ id: users.owner.id }]);
    const memberOf = await admin(
      'GET',
      `/users/${users.c.id}/transitiveMemberOf/microsoft.graph.group?$select=id&$orderby=displayName`,
    );
    expect(memberOf.json()['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#groups');
    expect(new Set(memberOf.json().value.map((x: { id: string }) => x.id))).toEqual(new Set([group.id, inner.id]));
    // Paging of a cast collection.
    const page1 = (await admin('GET', `${g}/transitiveMembers/microsoft.graph.user?$top=2`)).json();
    expect(page1.value).toHaveLength(2);
    const next = page1['@odata.nextLink'] as string;
    expect(next).toContain('/members/microsoft.graph.user'.replace('/members', '/transitiveMembers'));
    const page2 = (await t.call('GET', next.replace('http://localhost:8080', ''), { token: t.admin.token })).json();
    expect(page2.value).toHaveLength(1);
    // A type the relationship cannot hold is not a route.
    expect((await admin('GET', `${g}/owners/microsoft.graph.group`)).statusCode).toBeGreaterThanOrEqual(400);
  });

  it('keeps the collection’s authorization: hidden memberships stay hidden in casts and counts', async () => {
    const member = await t.createUser();
    const created = await admin(
      'POST',
      '/groups',
      newGroupBody({
        mailEnabled: true,
        securityEnabled: false,
        groupTypes: ['Unified'],
        visibility: 'Hiddenmembership',
        'members@odata.bind': [`https://graph.microsoft.com/v1.0/users/${member.user.id}`],
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const group = created.json();
    const outsider = await t.createUser();
    for (const path of ['members/$count', 'members/microsoft.graph.user', 'members/microsoft.graph.user/$count']) {
      const res = await t.call('GET', `/v1.0/groups/${group.id}/${path}`, {
        token: outsider.token,
        headers: { ConsistencyLevel: 'eventual' },
      });
      expect(res.statusCode, path).toBe(403);
      const own = await t.call('GET', `/v1.0/groups/${group.id}/${path}`, {
        token: member.token,
        headers: { ConsistencyLevel: 'eventual' },
      });
      expect(own.statusCode, path).toBe(200);
    }
  });
});

describe('$expand', () => {
  it('expands members and owners of a page of groups (≤ 20 each, nested $select, @odata.type kept)', async () => {
    const { group, inner, users } = await groupWithMembers();
    const page = await admin(
      'GET',
      `/groups?$filter=id in ('${group.id}','${inner.id}')&$select=id,displayName&$expand=members($select=id,displayName),owners`,
    );
    expect(page.statusCode, page.body).toBe(200);
    const byId = new Map(page.json().value.map((g: { id: string }) => [g.id, g]));
    const outer = byId.get(group.id) as Record<string, unknown>;
    expect(Object.keys(outer).sort()).toEqual(['@odata.etag', 'displayName', 'id', 'members', 'owners']);
    expect(outer.members).toEqual(
      expect.arrayContaining([
        { '@odata.type': '#microsoft.graph.user', id: users.a.id, displayName: 'Alba Member' },
        { '@odata.type': '#microsoft.graph.group', id: inner.id, displayName: inner.displayName },
      ]),
    );
    expect(outer.members).toHaveLength(3);
    expect((outer.owners as { id: string; userPrincipalName: string }[]).map((o) => o.userPrincipalName)).toEqual([
      users.owner.userPrincipalName,
    ]);
    expect((byId.get(inner.id) as { members: { id: string }[] }).members.map((m) => m.id)).toEqual([users.c.id]);

    const one = await admin('GET', `/groups/${inner.id}?$expand=memberOf($select=id)`);
    expect(one.json().memberOf).toEqual([{ '@odata.type': '#microsoft.graph.group', id: group.id }]);
  });

  it('caps each expanded relationship at 20 objects', async () => {
    const people = [];
    for (let i = 0; i < 23; i++) people.push((await t.createUser({ displayName: `Crowd ${String(i).padStart(2, '0')}` })).user);
    const g = (await admin('POST', '/groups', newGroupBody())).json();
    for (const p of people) {
      const r = await admin('POST', `/groups/${g.id}/members/$ref`, {
        '@odata.id': `https://graph.microsoft.com/v1.0/users/${p.id}`,
      });
      expect(r.statusCode).toBe(204);
    }
    const res = await admin('GET', `/groups/${g.id}?$expand=members($select=id)`);
    expect(res.json().members).toHaveLength(20);
    expect((await admin('GET', `/groups/${g.id}/members/$count`, undefined, { ConsistencyLevel: 'eventual' })).body).toBe('23');
  });

  it('expands memberOf and appRoleAssignments on users, and on /me', async () => {
    const { group, users } = await groupWithMembers();
    const sp = (await admin('POST', '/servicePrincipals', { displayName: `Expand App ${uniq()}` })).json();
    const assigned = await admin('POST', `/users/${users.a.id}/appRoleAssignments`, {
      principalId: users.a.id,
      resourceId: sp.id,
      appRoleId: '00000000-0000-0000-0000-000000000000',
    });
    expect(assigned.statusCode, assigned.body).toBe(201);
    const list = await admin(
      'GET',
      `/users?$filter=id in ('${users.a.id}','${users.b.id}')&$select=id&$expand=memberOf($select=id,displayName),appRoleAssignments`,
    );
    expect(list.statusCode, list.body).toBe(200);
    const a = list.json().value.find((u: { id: string }) => u.id === users.a.id);
    expect(a.memberOf).toEqual([{ '@odata.type': '#microsoft.graph.group', id: group.id, displayName: group.displayName }]);
    expect(a.appRoleAssignments).toMatchObject([{ resourceId: sp.id, principalId: users.a.id }]);
    const b = list.json().value.find((u: { id: string }) => u.id === users.b.id);
    expect(b.appRoleAssignments).toEqual([]);

    const me = await t.call('GET', '/v1.0/me?$select=id&$expand=memberOf', { token: await t.tokenFor(users.a.id) });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json().memberOf.map((g: { id: string }) => g.id)).toEqual([group.id]);
  });

  it('refuses what Graph refuses: unknown relationships, nested $expand, options other than $select', async () => {
    for (const [query, message] of [
      ['$expand=manager2', /Unsupported property 'manager2' in \$expand for users/],
      ['$expand=memberOf($expand=members)', /Only one level of \$expand/],
      ['$expand=memberOf($top=5)', /not supported inside \$expand/],
      ['$expand=memberOf($select=nope)', /Unsupported property 'nope'/],
    ] as const) {
      const res = await admin('GET', `/users?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    expect((await admin('GET', '/servicePrincipals?$expand=owners')).statusCode).toBe(400);
  });
});

describe('directoryObjects, membership actions and $ref collections', () => {
  it('gets objects by id, in the order asked, narrowed by type', async () => {
    const { group, users } = await groupWithMembers();
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await admin('POST', '/directoryObjects/getByIds', { ids: [group.id, missing, users.a.id] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().value.map((o: { id: string; '@odata.type': string }) => [o['@odata.type'], o.id])).toEqual([
      ['#microsoft.graph.group', group.id],
      ['#microsoft.graph.user', users.a.id],
    ]);
    const usersOnly = await admin('POST', '/directoryObjects/getByIds', { ids: [group.id, users.a.id], types: ['user'] });
    expect(usersOnly.json().value.map((o: { id: string }) => o.id)).toEqual([users.a.id]);
    const one = await admin('GET', `/directoryObjects/${group.id}`);
    expect(one.json()).toMatchObject({ '@odata.type': '#microsoft.graph.group', id: group.id });
    expect((await admin('GET', `/directoryObjects/${missing}`)).statusCode).toBe(404);
  });

  it('checks and lists transitive group memberships of users, groups and /me', async () => {
    const { group, inner, users } = await groupWithMembers();
    const other = (await admin('POST', '/groups', newGroupBody())).json();
    const check = await admin('POST', `/users/${users.c.id}/checkMemberGroups`, { groupIds: [group.id, other.id, inner.id] });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json().value).toEqual([group.id, inner.id]);
    const all = await admin('POST', `/directoryObjects/${users.c.id}/getMemberGroups`, { securityEnabledOnly: true });
    expect([...all.json().value].sort()).toEqual([group.id, inner.id].sort());
    const ofGroup = await admin('POST', `/groups/${inner.id}/getMemberObjects`, { securityEnabledOnly: false });
    expect(ofGroup.json().value).toEqual([group.id]);
    const objects = await admin('POST', `/users/${users.a.id}/checkMemberObjects`, { ids: [inner.id, group.id] });
    expect(objects.json().value).toEqual([group.id]);
    const mine = await t.call('POST', '/v1.0/me/getMemberGroups', { token: await t.tokenFor(users.c.id), body: {} });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().value).toHaveLength(2);
  });

  it('lists member and owner references and removes a member by $id', async () => {
    const { group, users } = await groupWithMembers();
    const refs = await admin('GET', `/groups/${group.id}/owners/$ref`);
    expect(refs.statusCode, refs.body).toBe(200);
    expect(refs.json().value).toEqual([{ '@odata.id': `http://localhost:8080/v1.0/directoryObjects/${users.owner.id}` }]);
    const members = await admin('GET', `/groups/${group.id}/members/$ref`);
    expect(members.json().value).toHaveLength(3);
    const url = encodeURIComponent(`https://graph.microsoft.com/v1.0/directoryObjects/${users.a.id}`);
    expect((await admin('DELETE', `/groups/${group.id}/members/$ref?$id=${url}`)).statusCode).toBe(204);
    expect((await admin('GET', `/groups/${group.id}/members/$ref`)).json().value).toHaveLength(2);
    expect((await admin('DELETE', `/groups/${group.id}/members/$ref?$id=${url}`)).statusCode).toBe(404);
    expect((await admin('DELETE', `/groups/${group.id}/members/$ref?$id=nonsense`)).statusCode).toBe(400);
  });
});
