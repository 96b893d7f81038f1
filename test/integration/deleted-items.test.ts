import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/domain/clock.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// Soft delete (Graph's directory/deletedItems): deleted users and groups leave every read path,
// are kept 30 days with their relationships, can be restored or deleted for good, and are purged.

let t: TestApp;
const clock = new ManualClock(new Date());
let seq = 0;
const n = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

beforeAll(async () => {
  t = await buildTestApp({ clock });
});
afterAll(async () => {
  await t?.close();
});

const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
  t.call(method, `/v1.0${url}`, { token: t.admin.token, ...(body === undefined ? {} : { body }) });

const newGroup = async () =>
  (
    await admin('POST', '/groups', {
      displayName: `Deleted ${n()}`,
      mailNickname: `del${n()}`,
      mailEnabled: false,
      securityEnabled: true,
    })
  ).json() as { id: string; displayName: string };

const newApp = async () => {
  const role = '5a1d1c2e-3f4a-4b5c-8d6e-7f8091a2b3c4';
  const sp = (
    await admin('POST', '/servicePrincipals', {
      displayName: `Deleted app ${n()}`,
      appRoles: [{ allowedMemberTypes: ['User'], description: 'R', displayName: 'R', id: role, value: 'R' }],
    })
  ).json() as { id: string };
  return { spId: sp.id, role };
};

const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
const audits = async (activity: string, targetId: string) =>
  (
    (await admin('GET', `/auditLogs/directoryAudits?$filter=activityDisplayName eq '${activity}'`)).json().value as {
      targetResources: { id: string }[];
    }[]
  ).filter((a) => a.targetResources.some((r) => r.id === targetId));

describe('deleting and restoring a user', () => {
  it('hides the deleted user everywhere, lists it under deletedItems and restores it with its memberships and assignments', async () => {
    const { user } = await t.createUser({ displayName: 'Deleted Dora' });
    const group = await newGroup();
    const { spId, role } = await newApp();
    expect((await admin('POST', `/groups/${group.id}/members/$ref`, ref(user.id))).statusCode).toBe(204);
    expect(
      (
        await admin('POST', `/servicePrincipals/${spId}/appRoleAssignedTo`, {
          principalId: user.id,
          resourceId: spId,
          appRoleId: role,
        })
      ).statusCode,
    ).toBe(201);

    expect((await admin('DELETE', `/users/${user.id}`)).statusCode).toBe(204);
    expect((await admin('GET', `/users/${user.id}`)).statusCode).toBe(404);
    expect((await admin('GET', `/users?$filter=id eq '${user.id}'`)).json().value).toEqual([]);
    expect((await admin('GET', `/groups/${group.id}/members`)).json().value).toEqual([]);

    const list = (await admin('GET', '/directory/deletedItems/microsoft.graph.user')).json();
    expect(list['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#directory/deletedItems/microsoft.graph.user');
    const listed = list.value.find((u: { id: string }) => u.id === user.id);
    expect(listed).toMatchObject({
      '@odata.type': '#microsoft.graph.user',
      displayName: 'Deleted Dora',
      userPrincipalName: user.userPrincipalName,
      deletedDateTime: clock.now().toISOString(),
    });
    const one = await admin('GET', `/directory/deletedItems/${user.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: user.id, '@odata.type': '#microsoft.graph.user' });
    const selected = (
      await admin('GET', '/directory/deletedItems/microsoft.graph.user?$select=displayName,deletedDateTime')
    ).json().value[0];
    expect(Object.keys(selected).sort()).toEqual(['@odata.type', 'deletedDateTime', 'displayName', 'id']);

    const restored = await admin('POST', `/directory/deletedItems/${user.id}/restore`);
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ id: user.id, displayName: 'Deleted Dora' });
    expect((await admin('GET', `/users/${user.id}`)).statusCode).toBe(200);
    expect((await admin('GET', `/groups/${group.id}/members`)).json().value.map((m: { id: string }) => m.id)).toEqual([user.id]);
    const assignments = (await admin('GET', `/users/${user.id}/appRoleAssignments`)).json().value;
    expect(assignments).toEqual([expect.objectContaining({ principalId: user.id, resourceId: spId, appRoleId: role })]);
    expect((await admin('GET', `/directory/deletedItems/${user.id}`)).statusCode).toBe(404);
    // The restored user can use its password again: the row came back as it was.
    const signIn = await t.app.portico.services.users.findUserForSignIn(t.tenant.id, user.userPrincipalName);
    expect(signIn?.passwordHash).toBeTruthy();

    expect(await audits('Delete user', user.id)).toHaveLength(1);
    expect(await audits('Restore user', user.id)).toHaveLength(1);
  });

  it("frees the deleted user's userPrincipalName, and refuses to restore over a new owner of it", async () => {
    const upn = `reused.${n()}@contoso.test`;
    const { user } = await t.createUser({ upn });
    expect((await admin('DELETE', `/users/${user.id}`)).statusCode).toBe(204);
    const again = await admin('POST', '/users', {
      displayName: 'New owner',
      userPrincipalName: upn,
      passwordProfile: { password: 'Correct-Horse-9' },
    });
    expect(again.statusCode).toBe(201);
    const res = await admin('POST', `/directory/deletedItems/${user.id}/restore`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].code).toBe('deleted_item_restore_conflict');
    // Still deleted, still restorable once the name is free.
    expect((await admin('DELETE', `/users/${again.json().id}`)).statusCode).toBe(204);
    expect((await admin('POST', `/directory/deletedItems/${user.id}/restore`)).statusCode).toBe(200);
  });

  it('permanently deletes with "Hard Delete user", and only administrators see or change deleted users', async () => {
    const { user } = await t.createUser();
    const member = await t.createUser();
    expect((await admin('DELETE', `/users/${user.id}`)).statusCode).toBe(204);

    const asMember = { token: member.token };
    expect((await t.call('GET', '/v1.0/directory/deletedItems/microsoft.graph.user', asMember)).statusCode).toBe(403);
    expect((await t.call('POST', `/v1.0/directory/deletedItems/${user.id}/restore`, asMember)).statusCode).toBe(403);
    expect((await t.call('DELETE', `/v1.0/directory/deletedItems/${user.id}`, asMember)).statusCode).toBe(403);
    const reader = await t.createUser({ roles: [RoleIds.directoryReaders] });
    expect((await t.call('GET', `/v1.0/directory/deletedItems/${user.id}`, { token: reader.token })).statusCode).toBe(200);

    expect((await admin('DELETE', `/directory/deletedItems/${user.id}`)).statusCode).toBe(204);
    expect((await admin('GET', `/directory/deletedItems/${user.id}`)).statusCode).toBe(404);
    expect((await admin('POST', `/directory/deletedItems/${user.id}/restore`)).statusCode).toBe(404);
    expect(await audits('Hard Delete user', user.id)).toHaveLength(1);
  });
});

describe('deleting and restoring a group', () => {
  it('keeps the group with its members and owners, and restores them', async () => {
    const { user: member } = await t.createUser();
    const { user: owner, token: ownerToken } = await t.createUser();
    const group = await newGroup();
    await admin('POST', `/groups/${group.id}/members/$ref`, ref(member.id));
    await admin('POST', `/groups/${group.id}/owners/$ref`, ref(owner.id));
    const parent = await newGroup();
    await admin('POST', `/groups/${parent.id}/members/$ref`, ref(group.id));

    expect((await admin('DELETE', `/groups/${group.id}`)).statusCode).toBe(204);
    expect((await admin('GET', `/groups/${group.id}`)).statusCode).toBe(404);
    expect((await admin('GET', `/users/${member.id}/memberOf`)).json().value).toEqual([]);
    const deleted = (await admin('GET', '/directory/deletedItems/microsoft.graph.group')).json().value;
    expect(deleted.map((g: { id: string }) => g.id)).toContain(group.id);
    expect(
      (await admin('GET', '/directory/deletedItems/microsoft.graph.user')).json().value.map((u: { id: string }) => u.id),
    ).not.toContain(group.id);

    // The group's owner may restore it (as they may delete it).
    const res = await t.call('POST', `/v1.0/directory/deletedItems/${group.id}/restore`, { token: ownerToken });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: group.id, '@odata.type': '#microsoft.graph.group' });
    expect((await admin('GET', `/groups/${group.id}/members`)).json().value.map((m: { id: string }) => m.id)).toEqual([
      member.id,
    ]);
    expect((await admin('GET', `/groups/${group.id}/owners`)).json().value.map((m: { id: string }) => m.id)).toEqual([owner.id]);
    expect((await admin('GET', `/groups/${parent.id}/members`)).json().value.map((m: { id: string }) => m.id)).toEqual([
      group.id,
    ]);
    expect(await audits('Delete group', group.id)).toHaveLength(1);
    expect(await audits('Restore group', group.id)).toHaveLength(1);
  });
});

describe('purge after 30 days', () => {
  it('deletes for good what was deleted more than 30 days ago, with "Hard Delete …" by the system', async () => {
    const { user } = await t.createUser();
    const group = await newGroup();
    await admin('DELETE', `/users/${user.id}`);
    await admin('DELETE', `/groups/${group.id}`);
    clock.advance(29 * 24 * 3600 * 1000);
    await t.app.portico.services.deletedItems.purgeExpired();
    expect((await admin('GET', `/directory/deletedItems/${user.id}`)).statusCode).toBe(200);
    clock.advance(2 * 24 * 3600 * 1000);
    expect(await t.app.portico.services.deletedItems.purgeExpired()).toBeGreaterThanOrEqual(2);
    expect((await admin('GET', `/directory/deletedItems/${user.id}`)).statusCode).toBe(404);
    expect((await admin('GET', `/directory/deletedItems/${group.id}`)).statusCode).toBe(404);
    expect(await audits('Hard Delete user', user.id)).toHaveLength(1);
    expect(await audits('Hard Delete group', group.id)).toHaveLength(1);
  });
});
