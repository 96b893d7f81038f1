import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRoleAssignment, ServicePrincipal } from '../../src/contracts/applications.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// App role assignments: who is assigned to which application (directly or through a group the user
// is a DIRECT member of), the three ways to create one, their errors and audit records, cleanup
// when a principal is deleted, and the internal queries single sign-on and My Apps use.

let t: TestApp;
let seq = 0;
const n = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
const DEFAULT = '00000000-0000-0000-0000-000000000000';
const READER = '3a0f4c2e-1b7d-4e8a-9c6f-2d5b8e1a7c01';
const WRITER = '3a0f4c2e-1b7d-4e8a-9c6f-2d5b8e1a7c02';
const DISABLED = '3a0f4c2e-1b7d-4e8a-9c6f-2d5b8e1a7c03';
const APP_ONLY = '3a0f4c2e-1b7d-4e8a-9c6f-2d5b8e1a7c04';

const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
  t.call(method, `/v1.0${url}`, { token: t.admin.token, ...(body === undefined ? {} : { body }) });

const role = (id: string, value: string, extra: Record<string, unknown> = {}) => ({
  allowedMemberTypes: ['User'],
  description: value,
  displayName: value,
  id,
  value,
  ...extra,
});

async function createApp(body: Record<string, unknown> = {}): Promise<ServicePrincipal> {
  const res = await admin('POST', '/servicePrincipals', {
    displayName: `App ${n()}`,
    appRoles: [
      role(READER, 'Reader'),
      role(WRITER, 'Writer'),
      role(DISABLED, 'Old', { isEnabled: false }),
      role(APP_ONLY, 'Daemon', { allowedMemberTypes: ['Application'] }),
    ],
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function createGroup(name = `Group ${n()}`): Promise<{ id: string; displayName: string }> {
  const res = await admin('POST', '/groups', {
    displayName: name,
    mailNickname: `g${n()}`,
    mailEnabled: false,
    securityEnabled: true,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const addMember = async (groupId: string, memberId: string) =>
  expect((await admin('POST', `/groups/${groupId}/members/$ref`, ref(memberId))).statusCode).toBe(204);

const assign = (spId: string, principalId: string, appRoleId = DEFAULT, token = t.admin.token) =>
  t.call('POST', `/v1.0/servicePrincipals/${spId}/appRoleAssignedTo`, {
    token,
    body: { principalId, resourceId: spId, appRoleId },
  });

async function audits(activity: string, targetId: string) {
  const filter = `activityDisplayName eq '${activity}' and targetResources/any(t:t/id eq '${targetId}')`;
  const res = await admin('GET', `/auditLogs/directoryAudits?$filter=${encodeURIComponent(filter)}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().value as {
    category: string;
    operationType: string;
    targetResources: { id: string; type: string; modifiedProperties: { displayName: string; newValue: string | null }[] }[];
  }[];
}

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('POST /servicePrincipals/{id}/appRoleAssignedTo', () => {
  it('assigns a user to a role and returns the Graph appRoleAssignment', async () => {
    const sp = await createApp({ displayName: 'Payroll' });
    const { user } = await t.createUser({ displayName: 'Megan Bowen' });
    const res = await assign(sp.id, user.id, READER);
    expect(res.statusCode, res.body).toBe(201);
    const a = res.json();
    expect(a['@odata.context']).toBe(
      `http://localhost:8080/v1.0/$metadata#servicePrincipals('${sp.id}')/appRoleAssignedTo/$entity`,
    );
    expect(a).toMatchObject({
      principalId: user.id,
      principalType: 'User',
      principalDisplayName: 'Megan Bowen',
      resourceId: sp.id,
      resourceDisplayName: 'Payroll',
      appRoleId: READER,
      deletedDateTime: null,
    });
    expect(typeof a.id).toBe('string');
    expect(Number.isNaN(Date.parse(a.createdDateTime))).toBe(false);

    const list = (await admin('GET', `/servicePrincipals/${sp.id}/appRoleAssignedTo`)).json();
    expect(list['@odata.context']).toBe(`http://localhost:8080/v1.0/$metadata#servicePrincipals('${sp.id}')/appRoleAssignedTo`);
    const { '@odata.context': _c, ...entity } = a;
    expect(list.value).toEqual([entity]);

    const [record] = await audits('Add app role assignment grant to user', user.id);
    expect(record).toMatchObject({ category: 'UserManagement', operationType: 'Assign' });
    expect(record?.targetResources.map((r) => r.type)).toEqual(['User', 'ServicePrincipal']);
    const props = record?.targetResources[0]?.modifiedProperties ?? [];
    expect(props).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ displayName: 'AppRole.Id', newValue: JSON.stringify(READER) }),
        expect.objectContaining({ displayName: 'AppRole.Value', newValue: '"Reader"' }),
        expect.objectContaining({ displayName: 'ServicePrincipal.AppId', newValue: JSON.stringify(sp.appId) }),
      ]),
    );
  });

  it('assigns a group with default access, and also through the appId address', async () => {
    const sp = await createApp();
    const group = await createGroup('Contractors');
    const res = await t.call('POST', `/v1.0/servicePrincipals(appId='${sp.appId}')/appRoleAssignedTo`, {
      token: t.admin.token,
      body: { principalId: group.id, resourceId: sp.id, appRoleId: DEFAULT },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ principalType: 'Group', principalDisplayName: 'Contractors', appRoleId: DEFAULT });
    const [record] = await audits('Add app role assignment to group', group.id);
    expect(record).toMatchObject({ category: 'GroupManagement', operationType: 'Assign' });
  });

  it('allows default access even when the app declares roles, and several roles for one principal', async () => {
    const sp = await createApp();
    const { user } = await t.createUser();
    expect((await assign(sp.id, user.id, DEFAULT)).statusCode).toBe(201);
    expect((await assign(sp.id, user.id, READER)).statusCode).toBe(201);
    expect((await assign(sp.id, user.id, WRITER)).statusCode).toBe(201);
    const list = (await admin('GET', `/servicePrincipals/${sp.id}/appRoleAssignedTo?$filter=principalId eq '${user.id}'`)).json();
    expect(list.value.map((a: AppRoleAssignment) => a.appRoleId).sort()).toEqual([DEFAULT, READER, WRITER].sort());
  });

  it("refuses a duplicate with Graph's message", async () => {
    const sp = await createApp();
    const { user } = await t.createUser();
    expect((await assign(sp.id, user.id, READER)).statusCode).toBe(201);
    const dup = await assign(sp.id, user.id, READER);
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error).toMatchObject({
      code: 'Request_BadRequest',
      message: 'Permission being assigned already exists on the object',
    });
  });

  it('refuses unknown, disabled and application-only roles', async () => {
    const sp = await createApp();
    const { user } = await t.createUser();
    for (const roleId of ['3a0f4c2e-1b7d-4e8a-9c6f-2d5b8e1a7cff', DISABLED, APP_ONLY]) {
      const res = await assign(sp.id, user.id, roleId);
      expect(res.statusCode, roleId).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'Request_BadRequest', target: 'appRoleId' });
      expect(res.json().error.message).toContain('Permission being assigned was not found');
    }
  });

  it('answers 404 for an unknown principal or application, 400 for a mismatched or malformed body', async () => {
    const sp = await createApp();
    const { user } = await t.createUser();
    const missing = '00000000-0000-7000-8000-0000000000ee';
    const unknownPrincipal = await assign(sp.id, missing);
    expect(unknownPrincipal.statusCode).toBe(404);
    expect(unknownPrincipal.json().error.code).toBe('Request_ResourceNotFound');
    expect((await assign(missing, user.id)).statusCode).toBe(404);
    const other = await createApp();
    const mismatch = await t.call('POST', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignedTo`, {
      token: t.admin.token,
      body: { principalId: user.id, resourceId: other.id, appRoleId: DEFAULT },
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error.target).toBe('resourceId');
    const malformed = await t.call('POST', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignedTo`, {
      token: t.admin.token,
      body: { principalId: 'x', resourceId: sp.id },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.message).toMatch(/principalId.*GUID|appRoleId/);
  });
});

describe('POST /users/{id}/appRoleAssignments and /groups/{id}/appRoleAssignments', () => {
  it('creates the same assignment from the principal side and lists it there', async () => {
    const sp = await createApp({ displayName: 'Expenses' });
    const { user, token } = await t.createUser({ displayName: 'Adele Vance' });
    const group = await createGroup();
    const byUser = await admin('POST', `/users/${user.id}/appRoleAssignments`, {
      principalId: user.id,
      resourceId: sp.id,
      appRoleId: WRITER,
    });
    expect(byUser.statusCode, byUser.body).toBe(201);
    expect(byUser.json()['@odata.context']).toBe(
      `http://localhost:8080/v1.0/$metadata#users('${user.id}')/appRoleAssignments/$entity`,
    );
    const byGroup = await admin('POST', `/groups/${group.id}/appRoleAssignments`, {
      principalId: group.id,
      resourceId: sp.id,
      appRoleId: DEFAULT,
    });
    expect(byGroup.statusCode, byGroup.body).toBe(201);

    const userList = (await admin('GET', `/users/${user.id}/appRoleAssignments`)).json();
    expect(userList['@odata.context']).toBe(`http://localhost:8080/v1.0/$metadata#users('${user.id}')/appRoleAssignments`);
    expect(userList.value).toEqual([
      expect.objectContaining({ resourceId: sp.id, resourceDisplayName: 'Expenses', appRoleId: WRITER }),
    ]);
    const groupList = (await admin('GET', `/groups/${group.id}/appRoleAssignments`)).json();
    expect(groupList.value).toEqual([expect.objectContaining({ principalId: group.id, principalType: 'Group' })]);
    // The user reads their own through /me; it does not include group-based access (Graph semantics).
    const me = await t.call('GET', '/v1.0/me/appRoleAssignments', { token });
    expect(me.statusCode).toBe(200);
    expect(me.json().value.map((a: AppRoleAssignment) => a.id)).toEqual([byUser.json().id]);
  });

  it('refuses a principalId that differs from the URL, and unknown principals in the URL', async () => {
    const sp = await createApp();
    const { user } = await t.createUser();
    const other = (await t.createUser()).user;
    const res = await admin('POST', `/users/${user.id}/appRoleAssignments`, {
      principalId: other.id,
      resourceId: sp.id,
      appRoleId: DEFAULT,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.target).toBe('principalId');
    const missing = '00000000-0000-7000-8000-0000000000ef';
    expect(
      (
        await admin('POST', `/users/${missing}/appRoleAssignments`, {
          principalId: missing,
          resourceId: sp.id,
          appRoleId: DEFAULT,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await admin('POST', `/groups/${missing}/appRoleAssignments`, {
          principalId: missing,
          resourceId: sp.id,
          appRoleId: DEFAULT,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await admin('POST', `/users/${user.id}/appRoleAssignments`, {
          principalId: user.id,
          resourceId: missing,
          appRoleId: DEFAULT,
        })
      ).statusCode,
    ).toBe(404);
  });
});

describe('DELETE /servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}', () => {
  it('removes an assignment with the Entra audit record; unknown or foreign ids are 404', async () => {
    const sp = await createApp();
    const other = await createApp();
    const { user } = await t.createUser();
    const group = await createGroup();
    const a = (await assign(sp.id, user.id, READER)).json();
    const g = (await assign(sp.id, group.id)).json();
    expect((await admin('DELETE', `/servicePrincipals/${other.id}/appRoleAssignedTo/${a.id}`)).statusCode).toBe(404);
    expect((await admin('DELETE', `/servicePrincipals/${sp.id}/appRoleAssignedTo/${a.id}`)).statusCode).toBe(204);
    expect((await admin('DELETE', `/servicePrincipals/${sp.id}/appRoleAssignedTo/${a.id}`)).statusCode).toBe(404);
    expect((await admin('DELETE', `/servicePrincipals/${sp.id}/appRoleAssignedTo/${g.id}`)).statusCode).toBe(204);
    expect((await admin('GET', `/servicePrincipals/${sp.id}/appRoleAssignedTo`)).json().value).toEqual([]);
    const [u] = await audits('Remove app role assignment from user', user.id);
    expect(u).toMatchObject({ category: 'UserManagement', operationType: 'Unassign' });
    const [gr] = await audits('Remove app role assignment from group', group.id);
    expect(gr).toMatchObject({ category: 'GroupManagement', operationType: 'Unassign' });
  });
});

describe('who may assign', () => {
  it('User Administrators and the app owner assign; an owner of another app and a member cannot', async () => {
    const sp = await createApp();
    const other = await createApp();
    const owner = await t.createUser();
    await admin('POST', `/servicePrincipals/${sp.id}/owners/$ref`, ref(owner.user.id));
    const ua = await t.createUser({ roles: [RoleIds.userAdministrator] });
    const member = await t.createUser();
    const target = (await t.createUser()).user;

    expect((await assign(sp.id, target.id, READER, ua.token)).statusCode).toBe(201);
    const byOwner = await assign(sp.id, target.id, WRITER, owner.token);
    expect(byOwner.statusCode).toBe(201);
    const denied = await assign(other.id, target.id, READER, owner.token);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('Authorization_RequestDenied');
    expect((await assign(sp.id, target.id, DEFAULT, member.token)).statusCode).toBe(403);
    // The owner removes an assignment of their app, not of another.
    const url = `/v1.0/servicePrincipals/${sp.id}/appRoleAssignedTo/${byOwner.json().id}`;
    expect((await t.call('DELETE', url, { token: owner.token })).statusCode).toBe(204);
    // A User Administrator cannot change the application itself.
    expect(
      (await t.call('PATCH', `/v1.0/servicePrincipals/${sp.id}`, { token: ua.token, body: { notes: 'x' } })).statusCode,
    ).toBe(403);
  });

  it('automation clients assign with AppRoleAssignment.ReadWrite.All', async () => {
    const sp = await createApp();
    const { user } = await t.createUser();
    const token = await t.appToken(['AppRoleAssignment.ReadWrite.All']);
    expect((await assign(sp.id, user.id, READER, token)).statusCode).toBe(201);
    expect((await t.call('GET', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignedTo`, { token })).statusCode).toBe(200);
    const readOnly = await t.appToken(['Application.Read.All']);
    expect((await assign(sp.id, user.id, WRITER, readOnly)).statusCode).toBe(403);
  });
});

describe('assignment semantics for sign-in and My Apps', () => {
  it('a group assignment covers its direct members but not members of nested groups', async () => {
    const apps = t.app.portico.services.applications;
    const sp = await createApp();
    const outer = await createGroup('Outer');
    const inner = await createGroup('Inner');
    await addMember(outer.id, inner.id);
    const direct = (await t.createUser()).user;
    const nested = (await t.createUser()).user;
    const stranger = (await t.createUser()).user;
    await addMember(outer.id, direct.id);
    await addMember(inner.id, nested.id);
    expect((await assign(sp.id, outer.id, WRITER)).statusCode).toBe(201);

    expect(await apps.isUserAssigned(t.tenant.id, sp.appId, direct.id)).toBe(true);
    expect(await apps.isUserAssigned(t.tenant.id, sp.appId, nested.id)).toBe(false);
    expect(await apps.isUserAssigned(t.tenant.id, sp.appId, stranger.id)).toBe(false);
    expect(await apps.isUserAssigned(t.tenant.id, '00000000-0000-7000-8000-000000000001', direct.id)).toBe(false);

    const access = await apps.accessOf(t.tenant.id, sp.id, direct.id);
    expect(access).toEqual({ assigned: true, appRoleIds: [WRITER], roleValues: ['Writer'], groupIds: [outer.id] });
    expect((await apps.accessOf(t.tenant.id, sp.id, nested.id)).assigned).toBe(false);
    // A direct assignment of the nested user gives access.
    expect((await assign(sp.id, nested.id, READER)).statusCode).toBe(201);
    expect(await apps.isUserAssigned(t.tenant.id, sp.appId, nested.id)).toBe(true);
  });

  it('listAssignedAppsForUser returns visible, enabled apps assigned directly or through a direct group', async () => {
    const apps = t.app.portico.services.applications;
    const { user } = await t.createUser();
    const group = await createGroup();
    await addMember(group.id, user.id);
    const direct = await createApp({ displayName: `B direct ${n()}` });
    const viaGroup = await createApp({ displayName: `A via group ${n()}` });
    const hidden = await createApp({ displayName: `C hidden ${n()}`, tags: ['HideApp'] });
    const disabled = await createApp({ displayName: `D disabled ${n()}`, accountEnabled: false });
    const unassigned = await createApp();
    expect((await assign(direct.id, user.id)).statusCode).toBe(201);
    expect((await assign(direct.id, user.id, READER)).statusCode).toBe(201);
    expect((await assign(viaGroup.id, group.id, WRITER)).statusCode).toBe(201);
    expect((await assign(hidden.id, user.id)).statusCode).toBe(201);
    expect((await assign(disabled.id, group.id)).statusCode).toBe(201);

    const tiles = await apps.listAssignedAppsForUser(t.tenant.id, user.id);
    expect(tiles.map((a) => a.id)).toEqual([viaGroup.id, direct.id]);
    expect(tiles.map((a) => a.id)).not.toContain(unassigned.id);
    // Hiding is about the tile only: the user is still assigned.
    expect(await apps.isUserAssigned(t.tenant.id, hidden.appId, user.id)).toBe(true);
  });
});

describe('cleanup when a principal or an application is deleted', () => {
  it("deleting a user removes the user's assignments", async () => {
    const sp = await createApp();
    const { user } = await t.createUser();
    expect((await assign(sp.id, user.id, READER)).statusCode).toBe(201);
    expect((await admin('DELETE', `/users/${user.id}`)).statusCode).toBe(204);
    expect((await admin('GET', `/servicePrincipals/${sp.id}/appRoleAssignedTo`)).json().value).toEqual([]);
    const rows = await t.database.db
      .selectFrom('app_role_assignments')
      .select('id')
      .where('principal_id', '=', user.id)
      .execute();
    expect(rows).toEqual([]);
  });

  it("deleting a group removes the group's assignments, and its former members lose access", async () => {
    const apps = t.app.portico.services.applications;
    const sp = await createApp();
    const group = await createGroup();
    const { user } = await t.createUser();
    await addMember(group.id, user.id);
    expect((await assign(sp.id, group.id)).statusCode).toBe(201);
    expect(await apps.isUserAssigned(t.tenant.id, sp.appId, user.id)).toBe(true);
    expect((await admin('DELETE', `/groups/${group.id}`)).statusCode).toBe(204);
    expect((await admin('GET', `/servicePrincipals/${sp.id}/appRoleAssignedTo`)).json().value).toEqual([]);
    expect(await apps.isUserAssigned(t.tenant.id, sp.appId, user.id)).toBe(false);
  });

  it("deleting an application removes its assignments from the principals' lists", async () => {
    const sp = await createApp();
    const { user } = await t.createUser();
    expect((await assign(sp.id, user.id)).statusCode).toBe(201);
    expect((await admin('DELETE', `/servicePrincipals/${sp.id}`)).statusCode).toBe(204);
    expect((await admin('GET', `/users/${user.id}/appRoleAssignments`)).json().value).toEqual([]);
  });
});

describe('listing assignments', () => {
  it('filters and orders appRoleAssignedTo by principal display name, and pages', async () => {
    const sp = await createApp();
    for (const name of ['Carol', 'Alice', 'Bob']) {
      const { user } = await t.createUser({ displayName: name });
      expect((await assign(sp.id, user.id)).statusCode).toBe(201);
    }
    const url = `/servicePrincipals/${sp.id}/appRoleAssignedTo`;
    const ordered = (await admin('GET', `${url}?$orderby=principalDisplayName`)).json();
    expect(ordered.value.map((a: AppRoleAssignment) => a.principalDisplayName)).toEqual(['Alice', 'Bob', 'Carol']);
    const filtered = (await admin('GET', `${url}?$filter=${encodeURIComponent("startswith(principalDisplayName,'b')")}`)).json();
    expect(filtered.value.map((a: AppRoleAssignment) => a.principalDisplayName)).toEqual(['Bob']);
    const page = (await admin('GET', `${url}?$orderby=principalDisplayName&$top=2`)).json();
    expect(page.value).toHaveLength(2);
    const rest = (
      await t.call('GET', page['@odata.nextLink'].replace('http://localhost:8080', ''), { token: t.admin.token })
    ).json();
    expect(rest.value.map((a: AppRoleAssignment) => a.principalDisplayName)).toEqual(['Carol']);
    const counted = await t.call('GET', `/v1.0${url}?$count=true`, {
      token: t.admin.token,
      headers: { consistencylevel: 'eventual' },
    });
    expect(counted.json()['@odata.count']).toBe(3);
  });

  it("another user's assignments need directory read rights; a guest sees only their own", async () => {
    const sp = await createApp();
    const { user } = await t.createUser();
    expect((await assign(sp.id, user.id)).statusCode).toBe(201);
    const member = await t.createUser();
    expect((await t.call('GET', `/v1.0/users/${user.id}/appRoleAssignments`, { token: member.token })).statusCode).toBe(200);
    const guest = await t.createUser({ userType: 'Guest' });
    expect((await t.call('GET', `/v1.0/users/${user.id}/appRoleAssignments`, { token: guest.token })).statusCode).toBe(403);
    expect((await t.call('GET', '/v1.0/me/appRoleAssignments', { token: guest.token })).statusCode).toBe(200);
    const app = await t.appToken(['Application.Read.All']);
    expect((await t.call('GET', '/v1.0/me/appRoleAssignments', { token: app })).statusCode).toBe(400);
  });
});

describe('tenant isolation', () => {
  it("another tenant cannot assign its users to this tenant's app, nor this tenant's users to its app", async () => {
    const sp = await createApp();
    const { user } = await t.createUser();
    const tenantB = await t.app.portico.services.tenants.createTenant({
      displayName: 'Fabrikam',
      initialDomain: `fab${n()}.test`,
    });
    const adminB = await t.createUser({ tenant: tenantB, roles: [RoleIds.globalAdministrator] });
    const userB = (await t.createUser({ tenant: tenantB })).user;
    expect((await assign(sp.id, userB.id, DEFAULT, adminB.token)).statusCode).toBe(404);
    const spB = (
      await t.call('POST', '/v1.0/servicePrincipals', { token: adminB.token, body: { displayName: 'B app' } })
    ).json() as ServicePrincipal;
    expect((await assign(spB.id, user.id, DEFAULT, adminB.token)).statusCode).toBe(404);
    expect((await assign(spB.id, user.id)).statusCode).toBe(404);
    expect((await t.call('GET', `/v1.0/users/${user.id}/appRoleAssignments`, { token: adminB.token })).statusCode).toBe(404);
  });
});
