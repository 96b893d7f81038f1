import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuestRoleIds } from '../../src/server/domain/authorization.js';
import { systemContext } from '../../src/server/domain/context.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let n = 0;
const nick = () => `grp${Date.now().toString(36)}${n++}`;
const security = (displayName: string, extra: Record<string, unknown> = {}) => ({
  displayName,
  mailEnabled: false,
  mailNickname: nick(),
  securityEnabled: true,
  ...extra,
});
const unified = (displayName: string, extra: Record<string, unknown> = {}) => ({
  displayName,
  mailEnabled: true,
  mailNickname: nick(),
  securityEnabled: false,
  groupTypes: ['Unified'],
  ...extra,
});
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
const bind = (id: string) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`;

async function create(body: unknown, token = t.admin.token): Promise<Record<string, unknown> & { id: string }> {
  const r = await t.call('POST', '/v1.0/groups', { token, body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

function expectGraphError(r: { statusCode: number; json(): unknown }, status: number, code: string, message?: RegExp | string) {
  expect(r.statusCode).toBe(status);
  const body = r.json() as { error: { code: string; message: string; innerError: Record<string, string> } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.innerError['request-id']).toBe('string');
  expect(typeof body.error.innerError.date).toBe('string');
  if (typeof message === 'string') expect(body.error.message).toBe(message);
  else if (message) expect(body.error.message).toMatch(message);
  return body.error;
}

async function auditsFor(targetId: string, activity?: string) {
  let q = t.database.db
    .selectFrom('directory_audits as a')
    .innerJoin('directory_audit_targets as x', 'x.audit_id', 'a.id')
    .selectAll('a')
    .where('x.target_id', '=', targetId)
    .where('a.tenant_id', '=', t.tenant.id);
  if (activity) q = q.where('a.activity_display_name', '=', activity);
  return (await q.execute()).map((r) => ({
    ...r,
    targetResources: JSON.parse(r.target_resources) as {
      id: string;
      type: string;
      modifiedProperties: { displayName: string }[];
    }[],
    initiatedBy: JSON.parse(r.initiated_by) as { user: { id: string } | null },
  }));
}

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('POST /groups and GET /groups/{id}', () => {
  it('creates a security group with Graph properties and defaults, and audits "Add group"', async () => {
    const body = security('Engineering', { description: 'All engineers' });
    const r = await t.call('POST', '/v1.0/groups', { token: t.admin.token, body });
    expect(r.statusCode).toBe(201);
    const g = r.json();
    expect(g['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#groups/$entity');
    expect(g).toMatchObject({
      displayName: 'Engineering',
      description: 'All engineers',
      mailNickname: body.mailNickname,
      mail: null,
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: [],
      membershipRule: null,
      membershipRuleProcessingState: null,
      onPremisesSyncEnabled: null,
      visibility: 'Private',
      isAssignableToRole: false,
    });
    expect(g.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Date(g.createdDateTime).toISOString()).toBe(g.createdDateTime);

    const got = await t.call('GET', `/v1.0/groups/${g.id}`, { token: t.admin.token });
    expect(got.statusCode).toBe(200);
    // A read carries the group's version (ETag) besides what the creation returned.
    expect(got.json()).toEqual({ ...g, '@odata.etag': got.headers.etag });

    const [audit] = await auditsFor(g.id, 'Add group');
    expect(audit).toMatchObject({ category: 'GroupManagement', result: 'success', operation_type: 'Add' });
    expect(audit?.targetResources[0]).toMatchObject({ id: g.id, type: 'Group' });
    expect(audit?.targetResources[0]?.modifiedProperties.map((p) => p.displayName)).toContain('displayName');
    expect(audit?.initiatedBy.user?.id).toBe(t.admin.user.id);
    // An administrator does not become owner of the groups they create.
    const owners = await t.call('GET', `/v1.0/groups/${g.id}/owners`, { token: t.admin.token });
    expect(owners.json().value).toEqual([]);
  });

  it('creates a Microsoft 365 group: Public by default, mail from the nickname', async () => {
    const body = unified('Marketing');
    const g = await create(body);
    expect(g).toMatchObject({
      groupTypes: ['Unified'],
      visibility: 'Public',
      mailEnabled: true,
      mail: `${body.mailNickname}@contoso.test`,
    });
  });

  it('honours $select on GET /groups/{id}', async () => {
    const g = await create(security('Selected'));
    const r = await t.call('GET', `/v1.0/groups/${g.id}?$select=displayName,groupTypes`, { token: t.admin.token });
    const { '@odata.context': _c, ...rest } = r.json();
    expect(rest).toEqual({ '@odata.etag': r.headers.etag, id: g.id, displayName: 'Selected', groupTypes: [] });
  });

  it('stores the rule of a dynamic group with processing state On', async () => {
    const rule = '(user.userType -eq "Guest")';
    const g = await create(security('All guests', { groupTypes: ['DynamicMembership'], membershipRule: rule }));
    expect(g).toMatchObject({ groupTypes: ['DynamicMembership'], membershipRule: rule, membershipRuleProcessingState: 'On' });
    const m365 = await create(unified('Dyn 365', { groupTypes: ['Unified', 'DynamicMembership'], membershipRule: rule }));
    expect(m365.groupTypes).toEqual(['Unified', 'DynamicMembership']);
  });

  it('rejects invalid bodies with a Graph error naming the property', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ mailEnabled: false, mailNickname: nick(), securityEnabled: true }, /displayName/],
      [{ displayName: 'x', mailNickname: nick(), securityEnabled: true }, /mailEnabled/],
      [{ displayName: 'x', mailEnabled: false, securityEnabled: true }, /mailNickname/],
      [{ displayName: 'x', mailEnabled: false, mailNickname: nick() }, /securityEnabled/],
      [security('x', { mailNickname: 'has space' }), /mailNickname/],
      [security('x', { mailNickname: 'at@sign' }), /mailNickname/],
      [security('x', { mailNickname: 'dot.ted' }), /mailNickname/],
      [security('x', { mailNickname: 'a'.repeat(65) }), /mailNickname.*64/],
      [security('x', { groupTypes: ['Distribution'] }), /groupTypes/],
      [security('x', { groupTypes: ['Unified', 'Unified'] }), /groupTypes/],
      [security('x', { groupTypes: ['DynamicMembership'] }), /membershipRule/],
      [security('x', { membershipRule: '(user.department -eq "x")' }), /membershipRule.*DynamicMembership/],
      [security('x', { mailEnabled: true }), /mailEnabled/],
      [{ ...security('x'), securityEnabled: false }, /securityEnabled/],
      [unified('x', { mailEnabled: false }), /mailEnabled/],
      [security('x', { visibility: 'Secret' }), /visibility/],
      [security('x', { unknownProperty: 1 }), /unknownProperty/],
      [security(''), /displayName/],
    ];
    for (const [body, message] of cases) {
      const r = await t.call('POST', '/v1.0/groups', { token: t.admin.token, body });
      expectGraphError(r, 400, 'Request_BadRequest', message);
    }
  });

  it('keeps mailNickname unique among Microsoft 365 groups only', async () => {
    const first = unified('One');
    await create(first);
    const r = await t.call('POST', '/v1.0/groups', {
      token: t.admin.token,
      body: unified('Two', { mailNickname: first.mailNickname.toUpperCase() }),
    });
    expectGraphError(r, 400, 'Request_BadRequest', /mailNickname/);
    // Security groups may share nicknames.
    const s = security('S1');
    await create(s);
    await create(security('S2', { mailNickname: s.mailNickname }));
  });

  it('binds up to 20 owners and members at creation, all-or-nothing', async () => {
    const users = await Promise.all([1, 2, 3].map(() => t.createUser()));
    const [u1, u2, u3] = users.map((u) => u.user.id) as [string, string, string];
    const g = await create(
      security('Bound', {
        'owners@odata.bind': [bind(u1)],
        'members@odata.bind': [bind(u2), `https://graph.microsoft.com/v1.0/users/${u3}`],
      }),
    );
    const owners = (await t.call('GET', `/v1.0/groups/${g.id}/owners`, { token: t.admin.token })).json();
    expect(owners.value.map((o: { id: string }) => o.id)).toEqual([u1]);
    const members = (await t.call('GET', `/v1.0/groups/${g.id}/members`, { token: t.admin.token })).json();
    expect(members.value.map((o: { id: string }) => o.id).sort()).toEqual([u2, u3].sort());
    expect(await auditsFor(g.id, 'Add member to group')).toHaveLength(2);
    expect(await auditsFor(g.id, 'Add owner to group')).toHaveLength(1);

    const countNamed = async (name: string) =>
      (await t.database.db.selectFrom('groups').select('id').where('display_name', '=', name).execute()).length;

    const tooMany = Array.from({ length: 21 }, () => bind(u1));
    const r1 = await t.call('POST', '/v1.0/groups', {
      token: t.admin.token,
      body: security('TooMany', { 'members@odata.bind': tooMany }),
    });
    expectGraphError(r1, 400, 'Request_BadRequest', /At most 20/);
    expect(await countNamed('TooMany')).toBe(0);

    const missing = '00000000-0000-4000-8000-000000000001';
    const r2 = await t.call('POST', '/v1.0/groups', {
      token: t.admin.token,
      body: security('HalfBound', { 'members@odata.bind': [bind(u1), bind(missing)] }),
    });
    expectGraphError(
      r2,
      404,
      'Request_ResourceNotFound',
      `Resource '${missing}' does not exist or one of its queried reference-property objects are not present.`,
    );
    expect(await countNamed('HalfBound')).toBe(0);
  });

  it('makes a member user who creates a group its owner', async () => {
    const { user, token } = await t.createUser({ displayName: 'Maker' });
    const g = await create(security('Made by a member'), token);
    const owners = (await t.call('GET', `/v1.0/groups/${g.id}/owners`, { token })).json();
    expect(owners.value).toEqual([expect.objectContaining({ '@odata.type': '#microsoft.graph.user', id: user.id })]);
    const owned = (await t.call('GET', '/v1.0/me/ownedObjects', { token })).json();
    expect(owned.value.map((o: { id: string }) => o.id)).toEqual([g.id]);
    const row = await t.database.db
      .selectFrom('groups')
      .select('created_by_user_id')
      .where('id', '=', g.id)
      .executeTakeFirstOrThrow();
    expect(row.created_by_user_id).toBe(user.id);
  });

  it('keeps onPremisesSyncEnabled read-only for every API caller; synced groups (from their source) refuse edits', async () => {
    // Graph: onPremisesSyncEnabled is read-only. No API caller may create a synced group, not even
    // an automation client with Directory.ReadWrite.All (which could before).
    const sync = await t.appToken(['Directory.ReadWrite.All']);
    const weak = await t.appToken(['Group.ReadWrite.All']);
    for (const token of [t.admin.token, weak, sync]) {
      for (const flag of [true, false]) {
        const r = await t.call('POST', '/v1.0/groups', { token, body: security('Synced?', { onPremisesSyncEnabled: flag }) });
        const err = expectGraphError(r, 400, 'Request_BadRequest', /onPremisesSyncEnabled is read-only/);
        expect((err as { details?: { code: string; target?: string }[] }).details?.[0]).toMatchObject({
          code: 'property_read_only',
        });
      }
    }
    expect(await t.database.db.selectFrom('groups').select('id').where('display_name', '=', 'Synced?').execute()).toEqual([]);
    // null ("never synced") is what every cloud group has: accepted.
    expect((await create(security('Cloud', { onPremisesSyncEnabled: null }))).onPremisesSyncEnabled).toBeNull();

    // A synced group comes from its source directory (the trusted system caller).
    const g = await t.createSyncedGroup(security('From AD'));
    expect(g.onPremisesSyncEnabled).toBe(true);
    expect((await t.call('GET', `/v1.0/groups/${g.id}`, { token: t.admin.token })).json().onPremisesSyncEnabled).toBe(true);

    const patch = await t.call('PATCH', `/v1.0/groups/${g.id}`, { token: t.admin.token, body: { displayName: 'Renamed' } });
    expectGraphError(patch, 400, 'Request_BadRequest', /originated within an external service/);
    const { user } = await t.createUser();
    const add = await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token: t.admin.token, body: ref(user.id) });
    expectGraphError(add, 400, 'Request_BadRequest', /synced from/);
    const bindR = await t.call('PATCH', `/v1.0/groups/${g.id}`, {
      token: t.admin.token,
      body: { 'members@odata.bind': [bind(user.id)] },
    });
    expectGraphError(bindR, 400, 'Request_BadRequest', /synced/);
    const del = await t.call('DELETE', `/v1.0/groups/${g.id}`, { token: t.admin.token });
    expectGraphError(del, 400, 'Request_BadRequest', /external service/);

    // No PATCH can change the flag, on any group.
    const plain = await create(security('Plain'));
    const flip = await t.call('PATCH', `/v1.0/groups/${plain.id}`, { token: sync, body: { onPremisesSyncEnabled: true } });
    expectGraphError(flip, 400, 'Request_BadRequest', /onPremisesSyncEnabled is read-only/);
    expect((await t.call('GET', `/v1.0/groups/${plain.id}`, { token: t.admin.token })).json().onPremisesSyncEnabled).toBeNull();
  });

  it('refuses manual membership changes on dynamic groups', async () => {
    const g = await create(
      security('Dynamic', { groupTypes: ['DynamicMembership'], membershipRule: '(user.userType -eq "Guest")' }),
    );
    const { user } = await t.createUser();
    const add = await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token: t.admin.token, body: ref(user.id) });
    expectGraphError(add, 400, 'Request_BadRequest', /dynamic group.*membership rule/);
    const del = await t.call('DELETE', `/v1.0/groups/${g.id}/members/${user.id}/$ref`, { token: t.admin.token });
    expectGraphError(del, 400, 'Request_BadRequest', /dynamic group/);
    const bindR = await t.call('PATCH', `/v1.0/groups/${g.id}`, {
      token: t.admin.token,
      body: { 'members@odata.bind': [bind(user.id)] },
    });
    expectGraphError(bindR, 400, 'Request_BadRequest', /dynamic group/);
    const create2 = await t.call('POST', '/v1.0/groups', {
      token: t.admin.token,
      body: security('Dyn+bind', {
        groupTypes: ['DynamicMembership'],
        membershipRule: '(user.userType -eq "Guest")',
        'members@odata.bind': [bind(user.id)],
      }),
    });
    expectGraphError(create2, 400, 'Request_BadRequest', /dynamic group/);
  });
});

describe('GET /groups', () => {
  it('pages with $top and $skiptoken, filters and selects', async () => {
    const prefix = `Page${Date.now().toString(36)}`;
    for (let i = 0; i < 5; i++) await create(i % 2 ? unified(`${prefix} ${i}`) : security(`${prefix} ${i}`));
    const seen: string[] = [];
    let url: string | undefined = `/v1.0/groups?$filter=startswith(displayName,'${prefix}')&$top=2&$select=displayName`;
    while (url) {
      const r = await t.call('GET', url, { token: t.admin.token });
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json();
      expect(body['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#groups');
      for (const g of body.value) {
        expect(Object.keys(g).sort()).toEqual(['@odata.etag', 'displayName', 'id']);
        seen.push(g.displayName);
      }
      url = body['@odata.nextLink']?.replace('http://localhost:8080', '');
    }
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix} ${i}`));

    const m365 = await t.call(
      'GET',
      `/v1.0/groups?$filter=groupTypes/any(c:c eq 'Unified') and startswith(displayName,'${prefix}')`,
      {
        token: t.admin.token,
      },
    );
    expect(m365.statusCode, m365.body).toBe(200);
    expect(
      m365
        .json()
        .value.map((g: { displayName: string }) => g.displayName)
        .sort(),
    ).toEqual([`${prefix} 1`, `${prefix} 3`]);

    const bad = await t.call('GET', '/v1.0/groups?$filter=nope eq 1', { token: t.admin.token });
    expectGraphError(bad, 400, 'BadRequest', /nope/);
  });
});

describe('PATCH and DELETE /groups/{id}', () => {
  it('updates properties with an "Update group" audit record', async () => {
    const g = await create(security('Before'));
    const r = await t.call('PATCH', `/v1.0/groups/${g.id}`, {
      token: t.admin.token,
      body: { displayName: 'After', description: 'Now described' },
    });
    expect(r.statusCode, r.body).toBe(204);
    const got = (await t.call('GET', `/v1.0/groups/${g.id}`, { token: t.admin.token })).json();
    expect(got).toMatchObject({ displayName: 'After', description: 'Now described' });
    const [audit] = await auditsFor(g.id, 'Update group');
    expect(audit?.targetResources[0]?.modifiedProperties.map((p) => p.displayName).sort()).toEqual([
      'description',
      'displayName',
    ]);

    const convert = await t.call('PATCH', `/v1.0/groups/${g.id}`, { token: t.admin.token, body: { groupTypes: ['Unified'] } });
    expectGraphError(convert, 400, 'Request_BadRequest', /groupTypes/);
    const ruleless = await t.call('PATCH', `/v1.0/groups/${g.id}`, {
      token: t.admin.token,
      body: { groupTypes: ['DynamicMembership'] },
    });
    expectGraphError(ruleless, 400, 'Request_BadRequest', /membershipRule/);
    const missing = await t.call('PATCH', '/v1.0/groups/00000000-0000-4000-8000-000000000002', {
      token: t.admin.token,
      body: { displayName: 'x' },
    });
    expectGraphError(missing, 404, 'Request_ResourceNotFound');
  });

  it('deletes a group with its memberships in other groups, and audits it', async () => {
    const parent = await create(security('Parent'));
    const child = await create(security('Child'));
    const { user } = await t.createUser();
    expect(
      (await t.call('POST', `/v1.0/groups/${parent.id}/members/$ref`, { token: t.admin.token, body: ref(child.id) })).statusCode,
    ).toBe(204);
    expect(
      (await t.call('POST', `/v1.0/groups/${child.id}/members/$ref`, { token: t.admin.token, body: ref(user.id) })).statusCode,
    ).toBe(204);
    expect(
      (await t.call('POST', `/v1.0/groups/${child.id}/owners/$ref`, { token: t.admin.token, body: ref(user.id) })).statusCode,
    ).toBe(204);

    const del = await t.call('DELETE', `/v1.0/groups/${child.id}`, { token: t.admin.token });
    expect(del.statusCode).toBe(204);
    expectGraphError(await t.call('GET', `/v1.0/groups/${child.id}`, { token: t.admin.token }), 404, 'Request_ResourceNotFound');
    expect((await t.call('GET', `/v1.0/groups/${parent.id}/members`, { token: t.admin.token })).json().value).toEqual([]);
    expect((await t.call('GET', `/v1.0/users/${user.id}/memberOf`, { token: t.admin.token })).json().value).toEqual([]);
    expect((await t.call('GET', `/v1.0/users/${user.id}/ownedObjects`, { token: t.admin.token })).json().value).toEqual([]);
    const leftovers = await t.database.db
      .selectFrom('group_members')
      .select('group_id')
      .where((eb) => eb.or([eb('group_id', '=', child.id), eb('member_id', '=', child.id)]))
      .execute();
    expect(leftovers).toEqual([]);
    expect(await auditsFor(child.id, 'Delete group')).toHaveLength(1);
  });

  it('removes the memberships and ownerships of a deleted user', async () => {
    const g = await create(security('Has a leaver'));
    const { user } = await t.createUser();
    await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token: t.admin.token, body: ref(user.id) });
    await t.call('POST', `/v1.0/groups/${g.id}/owners/$ref`, { token: t.admin.token, body: ref(user.id) });
    expect((await t.call('DELETE', `/v1.0/users/${user.id}`, { token: t.admin.token })).statusCode).toBe(204);
    expect((await t.call('GET', `/v1.0/groups/${g.id}/members`, { token: t.admin.token })).json().value).toEqual([]);
    expect((await t.call('GET', `/v1.0/groups/${g.id}/owners`, { token: t.admin.token })).json().value).toEqual([]);
    const rows = await t.database.db.selectFrom('group_owners').select('group_id').where('owner_id', '=', user.id).execute();
    expect(rows).toEqual([]);
  });
});

describe('authorization', () => {
  it('lets an owner manage members of an owned group but not of another group', async () => {
    const { user: owner, token } = await t.createUser({ displayName: 'Olivia Owner' });
    const owned = await create(security('Owned'));
    const other = await create(security('Not owned'));
    await t.call('POST', `/v1.0/groups/${owned.id}/owners/$ref`, { token: t.admin.token, body: ref(owner.id) });
    const { user } = await t.createUser();

    expect((await t.call('POST', `/v1.0/groups/${owned.id}/members/$ref`, { token, body: ref(user.id) })).statusCode).toBe(204);
    expect((await t.call('PATCH', `/v1.0/groups/${owned.id}`, { token, body: { description: 'mine' } })).statusCode).toBe(204);
    expect((await t.call('DELETE', `/v1.0/groups/${owned.id}/members/${user.id}/$ref`, { token })).statusCode).toBe(204);

    const denied = await t.call('POST', `/v1.0/groups/${other.id}/members/$ref`, { token, body: ref(user.id) });
    expectGraphError(denied, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    expectGraphError(
      await t.call('PATCH', `/v1.0/groups/${other.id}`, { token, body: { description: 'x' } }),
      403,
      'Authorization_RequestDenied',
    );
    expectGraphError(await t.call('DELETE', `/v1.0/groups/${other.id}`, { token }), 403, 'Authorization_RequestDenied');
    expectGraphError(await t.call('PATCH', `/v1.0/groups/${other.id}`, { token, body: {} }), 403, 'Authorization_RequestDenied');
    expectGraphError(
      await t.call('POST', `/v1.0/groups/${other.id}/owners/$ref`, { token, body: ref(owner.id) }),
      403,
      'Authorization_RequestDenied',
    );
    // Members can still read groups.
    expect((await t.call('GET', `/v1.0/groups/${other.id}`, { token })).statusCode).toBe(200);
  });

  it('lets a Groups Administrator manage any group, and app permissions decide for clients', async () => {
    const { token } = await t.createUser({ roles: [RoleIds.groupsAdministrator] });
    const g = await create(security('Admin managed'), token);
    const { user } = await t.createUser();
    expect((await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token, body: ref(user.id) })).statusCode).toBe(204);

    const reader = await t.appToken(['Group.Read.All']);
    expect((await t.call('GET', `/v1.0/groups/${g.id}/members`, { token: reader })).statusCode).toBe(200);
    expectGraphError(
      await t.call('POST', '/v1.0/groups', { token: reader, body: security('nope') }),
      403,
      'Authorization_RequestDenied',
    );
    const memberWriter = await t.appToken(['GroupMember.ReadWrite.All']);
    expect((await t.call('DELETE', `/v1.0/groups/${g.id}/members/${user.id}/$ref`, { token: memberWriter })).statusCode).toBe(
      204,
    );
    expectGraphError(
      await t.call('PATCH', `/v1.0/groups/${g.id}`, { token: memberWriter, body: { displayName: 'x' } }),
      403,
      'Authorization_RequestDenied',
    );
  });

  it('keeps tenants apart: another tenant gets 404 and cannot add members', async () => {
    const g = await create(security('Tenant A only'));
    const other = await t.app.portico.services.tenants.createTenant({ displayName: 'Other', initialDomain: 'other.test' });
    const outsider = await t.createUser({ tenant: other, roles: [RoleIds.globalAdministrator] });

    expectGraphError(await t.call('GET', `/v1.0/groups/${g.id}`, { token: outsider.token }), 404, 'Request_ResourceNotFound');
    expectGraphError(
      await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token: outsider.token, body: ref(outsider.user.id) }),
      404,
      'Request_ResourceNotFound',
    );
    expectGraphError(
      await t.call('GET', `/v1.0/groups/${g.id}/members`, { token: outsider.token }),
      404,
      'Request_ResourceNotFound',
    );
    expectGraphError(await t.call('DELETE', `/v1.0/groups/${g.id}`, { token: outsider.token }), 404, 'Request_ResourceNotFound');
    const list = (await t.call('GET', '/v1.0/groups', { token: outsider.token })).json();
    expect(list.value.map((x: { id: string }) => x.id)).not.toContain(g.id);

    // Nor can the first tenant's admin reference the other tenant's user.
    const r = await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token: t.admin.token, body: ref(outsider.user.id) });
    expectGraphError(r, 404, 'Request_ResourceNotFound');
    expect((await t.call('GET', `/v1.0/groups/${g.id}/members`, { token: t.admin.token })).json().value).toEqual([]);
  });

  it('applies the guest access levels to groups', async () => {
    const g = await create(security('Guests look here'));
    const mine = await create(security('Guest is a member'));
    const guest = await t.createUser({ userType: 'Guest' });
    await t.call('POST', `/v1.0/groups/${mine.id}/members/$ref`, { token: t.admin.token, body: ref(guest.user.id) });

    // Limited access (default): no enumeration, but a known group can be read.
    expectGraphError(await t.call('GET', '/v1.0/groups', { token: guest.token }), 403, 'Authorization_RequestDenied');
    expect((await t.call('GET', `/v1.0/groups/${g.id}`, { token: guest.token })).statusCode).toBe(200);
    expectGraphError(
      await t.call('POST', '/v1.0/groups', { token: guest.token, body: security('x') }),
      403,
      'Authorization_RequestDenied',
    );
    const memberOf: { id: string; groupTypes: string[]; membershipRule: string | null }[] = (
      await t.call('GET', '/v1.0/me/memberOf', { token: guest.token })
    ).json().value;
    expect(memberOf.filter((x) => !x.groupTypes.includes('DynamicMembership')).map((x) => x.id)).toEqual([mine.id]);
    // The others are the "all guests" dynamic groups earlier tests created: the rule added the guest.
    for (const x of memberOf.filter((x) => x.groupTypes.includes('DynamicMembership'))) {
      expect(x.membershipRule).toMatch(/user\.userType -eq "Guest"/);
    }

    // Restricted access: only their own groups.
    await t.app.portico.services.policies.updateAuthorizationPolicy(systemContext(t.tenant.id, 'test'), {
      guestUserRoleId: GuestRoleIds.restricted,
    });
    try {
      expectGraphError(await t.call('GET', `/v1.0/groups/${g.id}`, { token: guest.token }), 403, 'Authorization_RequestDenied');
      expect((await t.call('GET', `/v1.0/groups/${mine.id}`, { token: guest.token })).statusCode).toBe(200);
      expectGraphError(
        await t.call('GET', `/v1.0/groups/${mine.id}/members`, { token: guest.token }),
        403,
        'Authorization_RequestDenied',
      );
      expect((await t.call('GET', '/v1.0/me/memberOf', { token: guest.token })).statusCode).toBe(200);
    } finally {
      await t.app.portico.services.policies.updateAuthorizationPolicy(systemContext(t.tenant.id, 'test'), {
        guestUserRoleId: GuestRoleIds.limited,
      });
    }
  });
});
