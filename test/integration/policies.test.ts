import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuestRoleIds } from '../../src/server/domain/authorization.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

const AUTHZ = '/v1.0/policies/authorizationPolicy';
const GROUPS = '/v1.0/policies/groupManagementPolicy';
const enc = encodeURIComponent;

let t: TestApp;

const get = async (url: string, token = t.admin.token) => {
  const res = await t.call('GET', url, { token });
  return { res, body: res.json() };
};
const patch = (url: string, body: unknown, token = t.admin.token) => t.call('PATCH', url, { token, body });
const lastAudit = async (name: string) => {
  const { body } = await get(`/v1.0/auditLogs/directoryAudits?$top=1&$filter=${enc(`activityDisplayName eq '${name}'`)}`);
  return body.value[0];
};

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('authorizationPolicy', () => {
  it("GET returns Graph's authorizationPolicy with Entra's defaults", async () => {
    const { res, body } = await get(AUTHZ);
    expect(res.statusCode).toBe(200);
    expect(body).toEqual({
      '@odata.context': 'http://localhost:8080/v1.0/$metadata#policies/authorizationPolicy/$entity',
      id: 'authorizationPolicy',
      displayName: 'Authorization Policy',
      description: 'Used to manage authorization related settings across the company.',
      allowInvitesFrom: 'adminsAndGuestInviters',
      allowedToSignUpEmailBasedSubscriptions: false,
      allowedToUseSSPR: true,
      allowEmailVerifiedUsersToJoinOrganization: false,
      blockMsolPowerShell: false,
      guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3',
      defaultUserRolePermissions: {
        allowedToCreateApps: false,
        allowedToCreateSecurityGroups: true,
        allowedToCreateTenants: false,
        allowedToReadBitlockerKeysForOwnedDevice: true,
        allowedToReadOtherUsers: true,
        permissionGrantPoliciesAssigned: [],
      },
    });
  });

  it('PATCH → 204, the change is visible and audited as "Update authorization policy"', async () => {
    const res = await patch(AUTHZ, { allowInvitesFrom: 'everyone' });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await get(AUTHZ)).body.allowInvitesFrom).toBe('everyone');
    expect(await lastAudit('Update authorization policy')).toMatchObject({
      category: 'AuthorizationPolicy',
      operationType: 'Update',
      result: 'success',
      initiatedBy: { user: { id: t.admin.user.id } },
      targetResources: [
        {
          id: 'authorizationPolicy',
          type: 'Policy',
          modifiedProperties: [{ displayName: 'allowInvitesFrom', oldValue: '"adminsAndGuestInviters"', newValue: '"everyone"' }],
        },
      ],
    });
  });

  it('PATCH of one nested default-user permission keeps the others; accepts @odata.type', async () => {
    const res = await patch(AUTHZ, {
      '@odata.type': '#microsoft.graph.authorizationPolicy',
      defaultUserRolePermissions: { allowedToCreateSecurityGroups: false },
    });
    expect(res.statusCode).toBe(204);
    const { body } = await get(AUTHZ);
    expect(body['@odata.type']).toBeUndefined();
    expect(body.defaultUserRolePermissions).toMatchObject({
      allowedToCreateSecurityGroups: false,
      allowedToReadOtherUsers: true,
    });
    expect((await get(GROUPS)).body.usersCanCreateSecurityGroups).toBe(false);
    const audit = await lastAudit('Update authorization policy');
    expect(audit.targetResources[0].modifiedProperties).toEqual([
      { displayName: 'defaultUserRolePermissions.allowedToCreateSecurityGroups', oldValue: 'true', newValue: 'false' },
    ]);
    expect((await patch(AUTHZ, { defaultUserRolePermissions: { allowedToCreateSecurityGroups: true } })).statusCode).toBe(204);
  });

  it('rejects an invalid enum value with a 400 naming the property and the allowed values', async () => {
    const res = await patch(AUTHZ, { allowInvitesFrom: 'somebody' });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('Request_BadRequest');
    expect(error.message).toContain('allowInvitesFrom');
    for (const v of ['none', 'adminsAndGuestInviters', 'adminsGuestInvitersAndAllMembers', 'everyone'])
      expect(error.message).toContain(v);

    const role = await patch(AUTHZ, { guestUserRoleId: '00000000-0000-0000-0000-000000000000' });
    expect(role.statusCode).toBe(400);
    expect(role.json().error.message).toContain('guestUserRoleId');
    for (const v of Object.values(GuestRoleIds)) expect(role.json().error.message).toContain(v);

    for (const body of [
      { allowedToUseSSPR: 'yes' },
      { notAProperty: true },
      { defaultUserRolePermissions: { allowedToFly: true } },
    ]) {
      const r = await patch(AUTHZ, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error.message).toMatch(/allowedToUseSSPR|notAProperty|allowedToFly/);
    }
    expect((await get(AUTHZ)).body.allowInvitesFrom).toBe('everyone');
  });

  it('guestUserRoleId changes what guests may do', async () => {
    const guest = await t.createUser({ userType: 'Guest' });
    const { user: colleague } = await t.createUser();
    expect((await get('/v1.0/users', guest.token)).res.statusCode).toBe(403);
    expect((await get(`/v1.0/users/${colleague.id}`, guest.token)).res.statusCode).toBe(200);

    expect((await patch(AUTHZ, { guestUserRoleId: GuestRoleIds.member })).statusCode).toBe(204);
    expect((await get('/v1.0/users', guest.token)).res.statusCode).toBe(200);

    expect((await patch(AUTHZ, { guestUserRoleId: GuestRoleIds.restricted })).statusCode).toBe(204);
    expect((await get(`/v1.0/users/${colleague.id}`, guest.token)).res.statusCode).toBe(403);
    expect((await get(`/v1.0/users/${guest.user.id}`, guest.token)).res.statusCode).toBe(200);

    expect((await patch(AUTHZ, { guestUserRoleId: GuestRoleIds.limited })).statusCode).toBe(204);
  });

  it('concurrent PATCHes of different properties are all kept (no lost update)', async () => {
    const bodies = [
      { allowedToUseSSPR: false },
      { blockMsolPowerShell: true },
      { allowEmailVerifiedUsersToJoinOrganization: true },
      { allowedToSignUpEmailBasedSubscriptions: true },
      { defaultUserRolePermissions: { allowedToCreateApps: true } },
      { defaultUserRolePermissions: { allowedToCreateTenants: true } },
    ];
    const results = await Promise.all(bodies.map((b) => patch(AUTHZ, b)));
    expect(results.map((r) => r.statusCode)).toEqual(bodies.map(() => 204));
    const { body } = await get(AUTHZ);
    expect(body).toMatchObject({
      allowedToUseSSPR: false,
      blockMsolPowerShell: true,
      allowEmailVerifiedUsersToJoinOrganization: true,
      allowedToSignUpEmailBasedSubscriptions: true,
      defaultUserRolePermissions: { allowedToCreateApps: true, allowedToCreateTenants: true },
    });
  });

  it('Global and Privileged Role Administrators (and Policy.ReadWrite.Authorization apps) update; others get 403', async () => {
    const pra = await t.createUser({ roles: [RoleIds.privilegedRoleAdministrator] });
    expect((await patch(AUTHZ, { allowInvitesFrom: 'adminsAndGuestInviters' }, pra.token)).statusCode).toBe(204);
    expect(
      (await patch(AUTHZ, { allowInvitesFrom: 'adminsAndGuestInviters' }, await t.appToken(['Policy.ReadWrite.Authorization'])))
        .statusCode,
    ).toBe(204);
    for (const token of [
      (await t.createUser({ roles: [RoleIds.userAdministrator] })).token,
      (await t.createUser({ roles: [RoleIds.groupsAdministrator] })).token,
      (await t.createUser()).token,
      await t.appToken(['Policy.Read.All', 'Directory.ReadWrite.All']),
    ]) {
      const r = await patch(AUTHZ, { allowInvitesFrom: 'everyone' }, token);
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('Authorization_RequestDenied');
    }
    expect((await get(AUTHZ)).body.allowInvitesFrom).toBe('adminsAndGuestInviters');
    // Reading: members and Policy.Read.All apps yes; limited guests no.
    expect((await get(AUTHZ, (await t.createUser()).token)).res.statusCode).toBe(200);
    expect((await get(AUTHZ, await t.appToken(['Policy.Read.All']))).res.statusCode).toBe(200);
    expect((await get(AUTHZ, (await t.createUser({ userType: 'Guest' })).token)).res.statusCode).toBe(403);
  });
});

describe('groupManagementPolicy (Portico resource)', () => {
  it('GET returns the self-service group settings', async () => {
    const { res, body } = await get(GROUPS);
    expect(res.statusCode).toBe(200);
    expect(body).toEqual({
      '@odata.context': 'http://localhost:8080/v1.0/$metadata#policies/groupManagementPolicy/$entity',
      id: 'groupManagementPolicy',
      selfServiceGroupManagementEnabled: false,
      restrictGroupsFeaturesInMyGroups: false,
      usersCanCreateSecurityGroups: true,
      usersCanCreateMicrosoft365Groups: true,
    });
  });

  it('PATCH → 204, visible, audited as "Update group settings"; usersCanCreateSecurityGroups is the authorization-policy setting', async () => {
    const res = await patch(GROUPS, { selfServiceGroupManagementEnabled: true, usersCanCreateSecurityGroups: false });
    expect(res.statusCode).toBe(204);
    expect((await get(GROUPS)).body).toMatchObject({
      selfServiceGroupManagementEnabled: true,
      usersCanCreateSecurityGroups: false,
    });
    expect((await get(AUTHZ)).body.defaultUserRolePermissions.allowedToCreateSecurityGroups).toBe(false);
    const audit = await lastAudit('Update group settings');
    expect(audit).toMatchObject({
      category: 'GroupManagement',
      operationType: 'Update',
      targetResources: [{ id: 'groupManagementPolicy', type: 'Policy' }],
    });
    expect(audit.targetResources[0].modifiedProperties.map((p: { displayName: string }) => p.displayName).sort()).toEqual([
      'selfServiceGroupManagementEnabled',
      'usersCanCreateSecurityGroups',
    ]);

    // The setting is enforced: a member cannot create a security group now.
    const member = await t.createUser();
    const group = { displayName: 'Team', mailNickname: 'team', mailEnabled: false, securityEnabled: true };
    const denied = await t.call('POST', '/v1.0/groups', { token: member.token, body: group });
    expect(denied.statusCode).toBe(403);
    expect((await patch(GROUPS, { usersCanCreateSecurityGroups: true })).statusCode).toBe(204);
    expect((await t.call('POST', '/v1.0/groups', { token: member.token, body: group })).statusCode).toBe(201);
  });

  it('rejects wrong types and unknown properties with a 400 naming them', async () => {
    for (const [body, needle] of [
      [{ selfServiceGroupManagementEnabled: 'on' }, 'selfServiceGroupManagementEnabled'],
      [{ groupNamingPolicy: 'x' }, 'groupNamingPolicy'],
    ] as const) {
      const r = await patch(GROUPS, body);
      expect(r.statusCode).toBe(400);
      expect(r.json().error.message).toContain(needle);
    }
  });

  it('Global, User and Groups Administrators update; others get 403', async () => {
    for (const role of [RoleIds.userAdministrator, RoleIds.groupsAdministrator]) {
      const { token } = await t.createUser({ roles: [role] });
      expect((await patch(GROUPS, { restrictGroupsFeaturesInMyGroups: true }, token)).statusCode).toBe(204);
    }
    for (const token of [
      (await t.createUser({ roles: [RoleIds.privilegedRoleAdministrator] })).token,
      (await t.createUser({ roles: [RoleIds.helpdeskAdministrator] })).token,
      (await t.createUser()).token,
      (await t.createUser({ userType: 'Guest' })).token,
      await t.appToken(['Group.ReadWrite.All']),
    ]) {
      const r = await patch(GROUPS, { restrictGroupsFeaturesInMyGroups: false }, token);
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('Authorization_RequestDenied');
    }
    expect((await get(GROUPS)).body.restrictGroupsFeaturesInMyGroups).toBe(true);
  });
});

describe('tenant isolation', () => {
  it("one tenant's policy changes do not affect another tenant", async () => {
    const other = await t.app.portico.services.tenants.createTenant({ displayName: 'Other', initialDomain: 'other.test' });
    const { token } = await t.createUser({ tenant: other, roles: [RoleIds.globalAdministrator] });
    expect((await patch(AUTHZ, { allowInvitesFrom: 'none' })).statusCode).toBe(204);
    expect((await get(AUTHZ, token)).body.allowInvitesFrom).toBe('adminsAndGuestInviters');
    expect((await get(GROUPS, token)).body.restrictGroupsFeaturesInMyGroups).toBe(false);
    expect((await patch(AUTHZ, { allowInvitesFrom: 'everyone' }, token)).statusCode).toBe(204);
    expect((await get(AUTHZ)).body.allowInvitesFrom).toBe('none');
  });
});
