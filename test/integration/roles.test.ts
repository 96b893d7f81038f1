import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleIds } from '../../src/server/domain/roles.js';
import type { Tenant } from '../../src/server/modules/tenants/tenants.service.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

const DEFS = '/v1.0/roleManagement/directory/roleDefinitions';
const ASSIGN = '/v1.0/roleManagement/directory/roleAssignments';
const enc = encodeURIComponent;
const MISSING = '00000000-0000-7000-8000-000000000000';

let t: TestApp;
let other: Tenant;
let otherAdmin: { token: string; user: { id: string } };

const get = async (url: string, token = t.admin.token, headers: Record<string, string> = {}) => {
  const res = await t.call('GET', url.replace('http://localhost:8080', ''), { token, headers });
  return { res, body: res.json() };
};
const assign = (principalId: string, roleDefinitionId: string, token = t.admin.token, extra: Record<string, unknown> = {}) =>
  t.call('POST', ASSIGN, { token, body: { principalId, roleDefinitionId, directoryScopeId: '/', ...extra } });
const audits = async (filter: string) =>
  (await get(`/v1.0/auditLogs/directoryAudits?$filter=${enc(filter)}`)).body.value as {
    activityDisplayName: string;
    category: string;
    operationType: string;
    initiatedBy: { user: { id: string } | null };
    targetResources: { id: string; type: string; displayName: string | null }[];
  }[];

beforeAll(async () => {
  t = await buildTestApp();
  other = await t.app.portico.services.tenants.createTenant({ displayName: 'Other', initialDomain: 'other.test' });
  otherAdmin = await t.createUser({ tenant: other, roles: [RoleIds.globalAdministrator] });
});
afterAll(async () => {
  await t?.close();
});

describe('GET /roleManagement/directory/roleDefinitions', () => {
  it("lists the built-in roles with Entra's template ids in unifiedRoleDefinition shape", async () => {
    const { res, body } = await get(DEFS);
    expect(res.statusCode).toBe(200);
    expect(body['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#roleManagement/directory/roleDefinitions');
    const byName = Object.fromEntries((body.value as { displayName: string; id: string }[]).map((d) => [d.displayName, d.id]));
    expect(byName).toEqual({
      'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
      'Authentication Administrator': 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
      'Cloud Application Administrator': '158c047a-c907-4556-b7ef-446551a6b5f7',
      'Directory Readers': '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
      'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
      'Groups Administrator': 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
      'Guest Inviter': '95e79109-95c0-4d8e-aee3-d01accf2d47b',
      'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
      'Message Center Reader': '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b',
      'Password Administrator': '966707d0-3269-4727-9be2-8c3a10f19b9d',
      'Privileged Authentication Administrator': '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
      'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
      'Reports Reader': '4a5d8f65-41da-4de4-8968-e035b65339cf',
      'Usage Summary Reports Reader': '75934031-6c7e-415a-99d7-48dbd49e875e',
      'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
    });
    expect(body.value.map((d: { displayName: string }) => d.displayName)).toEqual(Object.keys(byName).sort());
    expect(body.value[0]).toEqual({
      id: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
      templateId: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
      displayName: 'Application Administrator',
      description: expect.any(String),
      isBuiltIn: true,
      isEnabled: true,
      resourceScopes: ['/'],
      rolePermissions: [],
      version: '1',
    });
  });

  it("supports $filter=displayName eq '…' (case-insensitive), startswith, id in (…), and $select", async () => {
    const eq = await get(`${DEFS}?$filter=${enc("displayName eq 'guest inviter'")}`);
    expect(eq.body.value.map((d: { id: string }) => d.id)).toEqual([RoleIds.guestInviter]);
    const sw = await get(`${DEFS}?$filter=${enc("startswith(displayName, 'G')")}`);
    expect(sw.body.value.map((d: { displayName: string }) => d.displayName)).toEqual([
      'Global Administrator',
      'Groups Administrator',
      'Guest Inviter',
    ]);
    const inList = await get(
      `${DEFS}?$filter=${enc(`id in ('${RoleIds.helpdeskAdministrator}', '${RoleIds.userAdministrator}')`)}`,
    );
    expect(inList.body.value).toHaveLength(2);
    const notBuiltIn = await get(`${DEFS}?$filter=${enc('isBuiltIn eq false')}`);
    expect(notBuiltIn.body.value).toEqual([]);
    const sel = await get(
      `${DEFS}?$select=displayName,templateId&$filter=${enc(`templateId eq '${RoleIds.globalAdministrator}'`)}`,
    );
    expect(sel.body.value).toEqual([
      { id: RoleIds.globalAdministrator, displayName: 'Global Administrator', templateId: RoleIds.globalAdministrator },
    ]);
  });

  it('pages with $top and @odata.nextLink, orders by displayName desc, counts with ConsistencyLevel', async () => {
    const names: string[] = [];
    let next: string | undefined = `${DEFS}?$top=3`;
    let pages = 0;
    while (next) {
      const { body } = await get(next);
      names.push(...body.value.map((d: { displayName: string }) => d.displayName));
      next = body['@odata.nextLink'];
      pages++;
    }
    expect(pages).toBe(5);
    expect(names).toHaveLength(15);
    expect(names).toEqual([...names].sort());
    const desc = await get(`${DEFS}?$orderby=displayName desc&$top=2`);
    expect(desc.body.value.map((d: { displayName: string }) => d.displayName)).toEqual([
      'User Administrator',
      'Usage Summary Reports Reader',
    ]);
    const counted = await get(`${DEFS}?$count=true&$top=1`, t.admin.token, { ConsistencyLevel: 'eventual' });
    expect(counted.body['@odata.count']).toBe(15);
  });

  it('rejects unsupported query options with a Graph 400 naming them', async () => {
    for (const [q, needle] of [
      [`$filter=${enc("description eq 'x'")}`, 'description'],
      [`$select=permissions`, 'permissions'],
      ['$expand=inheritsPermissionsFrom', '$expand'],
    ] as const) {
      const { res, body } = await get(`${DEFS}?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(body.error.message, q).toContain(needle);
      expect(body.error.innerError['request-id']).toBeTruthy();
    }
  });

  it('gets one definition by id; unknown ids are 404', async () => {
    const { res, body } = await get(`${DEFS}/${RoleIds.guestInviter}`);
    expect(res.statusCode).toBe(200);
    expect(body).toMatchObject({
      '@odata.context': 'http://localhost:8080/v1.0/$metadata#roleManagement/directory/roleDefinitions/$entity',
      id: RoleIds.guestInviter,
      templateId: RoleIds.guestInviter,
      displayName: 'Guest Inviter',
      isBuiltIn: true,
      isEnabled: true,
      rolePermissions: [],
    });
    const upper = await get(`${DEFS}/${RoleIds.guestInviter.toUpperCase()}`);
    expect(upper.res.statusCode).toBe(200);
    const missing = await get(`${DEFS}/${MISSING}`);
    expect(missing.res.statusCode).toBe(404);
    expect(missing.body.error.code).toBe('Request_ResourceNotFound');
  });

  it('members read role definitions; limited guests and apps without a role permission cannot', async () => {
    expect((await get(DEFS, (await t.createUser()).token)).res.statusCode).toBe(200);
    expect((await get(DEFS, await t.appToken(['RoleManagement.Read.Directory']))).res.statusCode).toBe(200);
    for (const token of [(await t.createUser({ userType: 'Guest' })).token, await t.appToken(['User.Read.All'])]) {
      const { res, body } = await get(DEFS, token);
      expect(res.statusCode).toBe(403);
      expect(body.error.code).toBe('Authorization_RequestDenied');
    }
  });
});

describe('roleAssignments', () => {
  it('POST assigns a role (201, unifiedRoleAssignment), GET reads it back, and "Add member to role" is audited', async () => {
    const { user } = await t.createUser({ displayName: 'Gus Groups' });
    const res = await assign(user.id, RoleIds.groupsAdministrator);
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toEqual({
      '@odata.context': 'http://localhost:8080/v1.0/$metadata#roleManagement/directory/roleAssignments/$entity',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      principalId: user.id,
      roleDefinitionId: RoleIds.groupsAdministrator,
      directoryScopeId: '/',
      appScopeId: null,
      condition: null,
    });
    const got = await get(`${ASSIGN}/${created.id}`);
    expect(got.res.statusCode).toBe(200);
    expect(got.body).toEqual(created);

    const [audit, ...more] = await audits(
      `targetResources/any(t: t/id eq '${user.id}') and activityDisplayName eq 'Add member to role'`,
    );
    expect(more).toEqual([]);
    expect(audit).toMatchObject({
      category: 'RoleManagement',
      operationType: 'Assign',
      initiatedBy: { user: { id: t.admin.user.id } },
      targetResources: [
        { id: user.id, type: 'User', displayName: 'Gus Groups' },
        { id: RoleIds.groupsAdministrator, type: 'Role', displayName: 'Groups Administrator' },
      ],
    });

    // The role takes effect on the user's next request.
    const { token } = { token: await t.tokenFor(user.id) };
    const g = await t.call('PATCH', '/v1.0/policies/groupManagementPolicy', {
      token,
      body: { selfServiceGroupManagementEnabled: false },
    });
    expect(g.statusCode).toBe(204);
  });

  it('accepts an @odata.type and an omitted directoryScopeId; rejects other scopes and bad bodies', async () => {
    const { user } = await t.createUser();
    const ok = await t.call('POST', ASSIGN, {
      token: t.admin.token,
      body: {
        '@odata.type': '#microsoft.graph.unifiedRoleAssignment',
        principalId: user.id.toUpperCase(),
        roleDefinitionId: RoleIds.helpdeskAdministrator,
      },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ principalId: user.id, directoryScopeId: '/' });

    const scoped = await assign(user.id, RoleIds.guestInviter, t.admin.token, { directoryScopeId: '/administrativeUnits/x' });
    expect(scoped.statusCode).toBe(400);
    expect(scoped.json().error.message).toContain("'/'");
    for (const body of [
      { roleDefinitionId: RoleIds.guestInviter },
      { principalId: user.id, roleDefinitionId: RoleIds.guestInviter, extra: 1 },
    ]) {
      const r = await t.call('POST', ASSIGN, { token: t.admin.token, body });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('Request_BadRequest');
    }
  });

  it('duplicate → 400 with a clear message; unknown principal → 404; unknown role → 400', async () => {
    const { user } = await t.createUser({ displayName: 'Dee Dupe' });
    expect((await assign(user.id, RoleIds.guestInviter)).statusCode).toBe(201);
    const dup = await assign(user.id, RoleIds.guestInviter);
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error).toMatchObject({
      code: 'Request_BadRequest',
      message: 'Dee Dupe already holds the Guest Inviter role.',
    });
    expect(
      await audits(`targetResources/any(t: t/id eq '${user.id}') and activityDisplayName eq 'Add member to role'`),
    ).toHaveLength(1);

    const unknownPrincipal = await assign(MISSING, RoleIds.guestInviter);
    expect(unknownPrincipal.statusCode).toBe(404);
    expect(unknownPrincipal.json().error.code).toBe('Request_ResourceNotFound');
    const unknownRole = await assign(user.id, MISSING);
    expect(unknownRole.statusCode).toBe(400);
    expect(unknownRole.json().error.message).toContain('roleDefinitionId');
  });

  it('lists with $filter on principalId and roleDefinitionId, pages, and counts', async () => {
    const { user } = await t.createUser();
    for (const role of [RoleIds.guestInviter, RoleIds.helpdeskAdministrator, RoleIds.applicationAdministrator]) {
      expect((await assign(user.id, role)).statusCode).toBe(201);
    }
    const mine = await get(`${ASSIGN}?$filter=${enc(`principalId eq '${user.id}'`)}`);
    expect(mine.res.statusCode).toBe(200);
    expect(mine.body['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#roleManagement/directory/roleAssignments');
    expect(mine.body.value.map((a: { roleDefinitionId: string }) => a.roleDefinitionId).sort()).toEqual(
      [RoleIds.guestInviter, RoleIds.helpdeskAdministrator, RoleIds.applicationAdministrator].sort(),
    );
    const gas = await get(`${ASSIGN}?$filter=${enc(`roleDefinitionId eq '${RoleIds.globalAdministrator}'`)}`);
    expect(gas.body.value.map((a: { principalId: string }) => a.principalId)).toEqual([t.admin.user.id]);
    const both = await get(
      `${ASSIGN}?$filter=${enc(`principalId eq '${user.id}' and roleDefinitionId eq '${RoleIds.guestInviter}'`)}&$select=roleDefinitionId`,
    );
    expect(both.body.value).toEqual([{ id: expect.any(String), roleDefinitionId: RoleIds.guestInviter }]);

    const all = await get(`${ASSIGN}?$count=true`, t.admin.token, { ConsistencyLevel: 'eventual' });
    const ids: string[] = [];
    let next: string | undefined = `${ASSIGN}?$top=2`;
    while (next) {
      const { body } = await get(next);
      expect(body.value.length).toBeLessThanOrEqual(2);
      ids.push(...body.value.map((a: { id: string }) => a.id));
      next = body['@odata.nextLink'];
    }
    expect(ids).toHaveLength(all.body['@odata.count']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(all.body.value.map((a: { id: string }) => a.id));

    const bad = await get(`${ASSIGN}?$filter=${enc("principalId eq 'not-a-guid'")}`);
    expect(bad.res.statusCode).toBe(400);
    expect(bad.body.error.message).toContain('principalId');
  });

  it('DELETE removes an assignment (204), audits "Remove member from role", and the role stops applying', async () => {
    const { user, token } = await t.createUser({ displayName: 'Rita Removed' });
    const a = (await assign(user.id, RoleIds.userAdministrator)).json();
    expect((await get('/v1.0/auditLogs/directoryAudits?$top=1', token)).res.statusCode).toBe(200);
    const del = await t.call('DELETE', `${ASSIGN}/${a.id}`, { token: t.admin.token });
    expect(del.statusCode).toBe(204);
    expect((await get(`${ASSIGN}/${a.id}`)).res.statusCode).toBe(404);
    expect((await t.call('DELETE', `${ASSIGN}/${a.id}`, { token: t.admin.token })).statusCode).toBe(404);
    expect((await get('/v1.0/auditLogs/directoryAudits?$top=1', token)).res.statusCode).toBe(403);
    const [audit] = await audits(
      `targetResources/any(t: t/id eq '${user.id}') and activityDisplayName eq 'Remove member from role'`,
    );
    expect(audit).toMatchObject({
      category: 'RoleManagement',
      operationType: 'Unassign',
      targetResources: [
        { id: user.id, type: 'User', displayName: 'Rita Removed' },
        { id: RoleIds.userAdministrator, type: 'Role', displayName: 'User Administrator' },
      ],
    });
  });

  it('the last Global Administrator cannot be removed', async () => {
    const gas = await get(`${ASSIGN}?$filter=${enc(`roleDefinitionId eq '${RoleIds.globalAdministrator}'`)}`);
    expect(gas.body.value).toHaveLength(1);
    const last = await t.call('DELETE', `${ASSIGN}/${gas.body.value[0].id}`, { token: t.admin.token });
    expect(last.statusCode).toBe(400);
    expect(last.json().error).toMatchObject({
      code: 'Request_BadRequest',
      message:
        'The last enabled Global Administrator of the organization cannot be removed from the role: assign the role to another enabled user first.',
    });
    expect(last.json().error.details[0].code).toBe('last_global_administrator');

    const { user } = await t.createUser();
    const second = (await assign(user.id, RoleIds.globalAdministrator)).json();
    expect((await t.call('DELETE', `${ASSIGN}/${second.id}`, { token: t.admin.token })).statusCode).toBe(204);
    expect((await get(`${ASSIGN}/${gas.body.value[0].id}`)).res.statusCode).toBe(200);
  });

  it('concurrent removals of every Global Administrator leave exactly one', async () => {
    // A Privileged Role Administrator acts, so that losing a role mid-test cannot change the caller's rights.
    const pra = await t.createUser({ roles: [RoleIds.privilegedRoleAdministrator] });
    const { user: a } = await t.createUser();
    const { user: b } = await t.createUser();
    expect((await assign(a.id, RoleIds.globalAdministrator)).statusCode).toBe(201);
    expect((await assign(b.id, RoleIds.globalAdministrator)).statusCode).toBe(201);
    const gaFilter = `${ASSIGN}?$filter=${enc(`roleDefinitionId eq '${RoleIds.globalAdministrator}'`)}`;
    const all = (await get(gaFilter)).body.value as { id: string }[];
    expect(all).toHaveLength(3);
    const results = await Promise.all(all.map((x) => t.call('DELETE', `${ASSIGN}/${x.id}`, { token: pra.token })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 204, 400]);
    const left = await get(gaFilter);
    expect(left.body.value).toHaveLength(1);
    // Restore the test's administrator if it was one of the removed.
    if (left.body.value[0].principalId !== t.admin.user.id) {
      expect((await assign(t.admin.user.id, RoleIds.globalAdministrator, pra.token)).statusCode).toBe(201);
    }
  });

  it('only Global and Privileged Role Administrators assign roles', async () => {
    const pra = await t.createUser({ roles: [RoleIds.privilegedRoleAdministrator] });
    const { user } = await t.createUser();
    const ok = await assign(user.id, RoleIds.userAdministrator, pra.token);
    expect(ok.statusCode).toBe(201);
    expect((await t.call('DELETE', `${ASSIGN}/${ok.json().id}`, { token: pra.token })).statusCode).toBe(204);
    for (const token of [
      (await t.createUser({ roles: [RoleIds.userAdministrator] })).token,
      (await t.createUser()).token,
      await t.appToken(['Directory.ReadWrite.All']),
    ]) {
      const r = await assign(user.id, RoleIds.guestInviter, token);
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('Authorization_RequestDenied');
    }
    const app = await assign(user.id, RoleIds.guestInviter, await t.appToken(['RoleManagement.ReadWrite.Directory']));
    expect(app.statusCode).toBe(201);
  });
});

describe('tenant isolation', () => {
  it("another tenant's administrator sees none of our assignments and gets 404 for their ids", async () => {
    const ours = (await get(ASSIGN)).body.value as { id: string; principalId: string }[];
    expect(ours.length).toBeGreaterThan(1);
    const theirs = await get(ASSIGN, otherAdmin.token);
    expect(theirs.res.statusCode).toBe(200);
    expect(theirs.body.value.map((a: { principalId: string }) => a.principalId)).toEqual([otherAdmin.user.id]);
    const filtered = await get(`${ASSIGN}?$filter=${enc(`principalId eq '${t.admin.user.id}'`)}`, otherAdmin.token);
    expect(filtered.body.value).toEqual([]);
    const id = ours[0]?.id as string;
    expect((await get(`${ASSIGN}/${id}`, otherAdmin.token)).res.statusCode).toBe(404);
    expect((await t.call('DELETE', `${ASSIGN}/${id}`, { token: otherAdmin.token })).statusCode).toBe(404);
    expect((await get(`${ASSIGN}/${id}`)).res.statusCode).toBe(200);
    // A principal of our tenant does not exist for them.
    expect((await assign(t.admin.user.id, RoleIds.guestInviter, otherAdmin.token)).statusCode).toBe(404);
  });
});
