import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GUEST_ROLE_IDS } from '../../src/contracts/policies.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';
import { selfService } from '../helpers/self-service.js';

// Self-service group management (entra-behaviour.md §6.4–§6.6, §8.3–§8.5): each group's join
// policy, joining open groups, requests that owners approve or reject (mail, audit, the same
// transaction as the new member), cancel, the tenant switches, guests, dynamic and synced groups,
// and leaving a group. Runs on SQLite and PostgreSQL.

let t: TestApp;
let s: ReturnType<typeof selfService>;

beforeAll(async () => {
  t = await buildTestApp();
  s = selfService(t);
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await s.setGroupPolicy({ selfServiceGroupManagementEnabled: true, restrictGroupsFeaturesInMyGroups: false });
});

/** A group with an owner (who has an e-mail address) and the given join policy. */
async function ownedGroup(joinPolicy: 'open' | 'ownerApproval' | 'closed', extra: Record<string, unknown> = {}) {
  const owner = await t.createUser({ displayName: `Owner ${s.n()}` });
  const group = await s.group({ joinPolicy, 'owners@odata.bind': [s.ref(owner.user.id)['@odata.id']], ...extra });
  return { group, owner };
}

const join = (token: string, groupId: string, justification?: string) =>
  s.call(token, 'POST', `/groups/${groupId}/joinRequests`, justification === undefined ? {} : { justification });

describe(`join policies (${dialect})`, () => {
  it("defaults follow Entra's: security groups closed, Microsoft 365 groups open when public, else owner approval", async () => {
    expect((await s.group()).joinPolicy).toBe('closed');
    const m365 = (visibility: string) =>
      s.group({ groupTypes: ['Unified'], mailEnabled: true, securityEnabled: false, visibility });
    expect((await m365('Public')).joinPolicy).toBe('open');
    expect((await m365('Private')).joinPolicy).toBe('ownerApproval');
    expect((await s.syncedGroup()).joinPolicy).toBe('closed');
  });

  it('owners change it; dynamic groups stay closed; filterable for discovery', async () => {
    const { group, owner } = await ownedGroup('closed');
    s.ok(await s.call(owner.token, 'PATCH', `/groups/${group.id}`, { joinPolicy: 'open' }), 204);
    expect(s.ok(await s.admin('GET', `/groups/${group.id}`)).joinPolicy).toBe('open');
    const [audit] = await s.audits('Update group', group.id);
    expect(audit?.targetResources[0]?.modifiedProperties).toEqual([
      expect.objectContaining({ displayName: 'joinPolicy', newValue: '"open"' }),
    ]);
    const filter = encodeURIComponent(`joinPolicy eq 'open' and id eq '${group.id}'`);
    expect(s.ok(await s.call(owner.token, 'GET', `/groups?$filter=${filter}`)).value).toHaveLength(1);
    s.refused(
      await s.admin('POST', '/groups', {
        displayName: 'Dyn',
        mailNickname: `dyn${s.n()}`,
        mailEnabled: false,
        securityEnabled: true,
        groupTypes: ['DynamicMembership'],
        membershipRule: '(user.department -eq "Sales")',
        joinPolicy: 'open',
      }),
      400,
      'group_join_policy_invalid',
    );
    s.refused(await s.admin('PATCH', `/groups/${group.id}`, { joinPolicy: 'sometimes' }), 400, 'request_body_invalid');
  });
});

describe(`joining and requests to join (${dialect})`, () => {
  it('an open group is joined at once: "Add member to group", no request to decide', async () => {
    const { group, owner } = await ownedGroup('open');
    const user = await t.createUser();
    const joined = s.ok(await join(user.token, group.id), 201);
    expect(joined).toMatchObject({ status: 'approved', groupId: group.id, requesterId: user.user.id, justification: null });
    expect(await s.memberIds(group.id)).toEqual([user.user.id]);
    const [added] = await s.audits('Add member to group', group.id);
    expect(added?.initiatedBy.user?.id).toBe(user.user.id);
    expect(await s.audits('Request to join a group', group.id)).toEqual([]);
    expect(s.ok(await s.call(owner.token, 'GET', '/me/pendingApprovals')).groupJoinRequests).toBe(0);
    s.refused(await join(user.token, group.id), 400, 'group_join_request_already_member');
  });

  it('owner approval: owners are mailed, see it, one approves, the member is added in the same step', async () => {
    const { group, owner } = await ownedGroup('ownerApproval');
    const second = await t.createUser();
    s.ok(await s.admin('POST', `/groups/${group.id}/owners/$ref`, s.ref(second.user.id)), 204);
    const user = await t.createUser({ displayName: 'Jo <Joiner>' });
    const pending = s.ok(await join(user.token, group.id, 'I run the <partner> project'), 201);
    expect(pending).toMatchObject({ status: 'pending', justification: 'I run the <partner> project' });
    expect(await s.memberIds(group.id)).toEqual([]);

    const [mail] = await s.mailTo(owner.user.mail ?? '');
    expect(mail?.subject).toBe(`Jo <Joiner> asks to join ${group.displayName}`);
    expect(mail?.text).toContain('I run the <partner> project');
    expect(mail?.html).toContain('I run the &lt;partner&gt; project');
    expect(mail?.links).toContain('http://localhost:8080/mygroups?view=approvals');
    expect(await s.mailTo(second.user.mail ?? '')).toHaveLength(1);
    const [requested] = await s.audits('Request to join a group', group.id);
    expect(requested).toMatchObject({ category: 'GroupManagement', loggedByService: 'Self-service Group Management' });
    expect(await s.audits('ApprovalNotification_Create', group.id)).toHaveLength(1);

    expect(s.ok(await s.call(owner.token, 'GET', '/me/pendingApprovals'))).toMatchObject({
      groupJoinRequests: 1,
      groups: [{ id: group.id, pendingCount: 1 }],
    });
    const toDecide = s.ok(await s.call(owner.token, 'GET', '/me/pendingApprovals/groupJoinRequests')).value;
    expect(toDecide.map((r: { id: string }) => r.id)).toEqual([pending.id]);
    const byGroup = s.ok(
      await s.call(owner.token, 'GET', `/groups/${group.id}/joinRequests?$filter=${encodeURIComponent("status eq 'pending'")}`),
    ).value;
    expect(byGroup.map((r: { id: string }) => r.id)).toEqual([pending.id]);
    const stranger = await t.createUser();
    s.refused(await s.call(stranger.token, 'GET', `/groups/${group.id}/joinRequests`), 403, 'authorization_denied');
    s.refused(await s.call(stranger.token, 'GET', `/groupJoinRequests/${pending.id}`), 403, 'authorization_denied');

    const approved = s.ok(await s.call(owner.token, 'POST', `/groupJoinRequests/${pending.id}/approve`));
    expect(approved).toMatchObject({ status: 'approved', decidedById: owner.user.id, decisionReason: null });
    expect(await s.memberIds(group.id)).toEqual([user.user.id]);
    const [decision] = await s.mailTo(user.user.mail ?? '');
    expect(decision?.subject).toBe(`Your request to join ${group.displayName} was approved`);
    expect(await s.audits('Approve a pending request to join a group', group.id)).toHaveLength(1);
    s.refused(
      await s.call(second.token, 'POST', `/groupJoinRequests/${pending.id}/approve`),
      409,
      'group_join_request_not_pending',
    );
    const mine = s.ok(await s.call(user.token, 'GET', '/me/groupJoinRequests')).value;
    expect(mine).toEqual([expect.objectContaining({ id: pending.id, status: 'approved' })]);
  });

  it('reject needs a reason, which the requester is told', async () => {
    const { group, owner } = await ownedGroup('ownerApproval');
    const user = await t.createUser();
    const pending = s.ok(await join(user.token, group.id), 201);
    s.refused(await s.call(owner.token, 'POST', `/groupJoinRequests/${pending.id}/reject`, {}), 400, 'request_body_invalid');
    const rejected = s.ok(
      await s.call(owner.token, 'POST', `/groupJoinRequests/${pending.id}/reject`, { reason: 'Partners only' }),
    );
    expect(rejected).toMatchObject({ status: 'rejected', decisionReason: 'Partners only' });
    expect(await s.memberIds(group.id)).toEqual([]);
    const [mail] = await s.mailTo(user.user.mail ?? '');
    expect(mail?.subject).toBe(`Your request to join ${group.displayName} was rejected`);
    expect(mail?.text).toContain('Partners only');
    expect(await s.audits('Reject a pending request to join a group', group.id)).toHaveLength(1);
  });

  it('cancel by the requester; duplicates refused; closed groups refused; no owner, no request', async () => {
    const { group, owner } = await ownedGroup('ownerApproval');
    const user = await t.createUser();
    const pending = s.ok(await join(user.token, group.id), 201);
    s.refused(await join(user.token, group.id), 409, 'group_join_request_duplicate');
    s.refused(await s.call(owner.token, 'POST', `/groupJoinRequests/${pending.id}/cancel`), 403, 'authorization_denied');
    expect(s.ok(await s.call(user.token, 'POST', `/groupJoinRequests/${pending.id}/cancel`))).toMatchObject({
      status: 'canceled',
    });
    expect(await s.audits('Cancel a pending request to join a group', group.id)).toHaveLength(1);
    s.refused(
      await s.call(owner.token, 'POST', `/groupJoinRequests/${pending.id}/approve`),
      409,
      'group_join_request_not_pending',
    );
    s.ok(await join(user.token, group.id), 201);

    const closed = await ownedGroup('closed');
    s.refused(await join(user.token, closed.group.id), 400, 'group_join_request_closed');
    const ownerless = await s.group({ joinPolicy: 'ownerApproval' });
    s.refused(await join(user.token, ownerless.id), 400, 'group_join_request_closed', /no owner/);
  });

  it('an owner cannot approve their own request; another owner or a group administrator can', async () => {
    const { group, owner } = await ownedGroup('ownerApproval');
    const own = s.ok(await join(owner.token, group.id), 201);
    s.refused(await s.call(owner.token, 'POST', `/groupJoinRequests/${own.id}/approve`), 403, 'group_join_request_self_decision');
    const groupsAdmin = await t.createUser({ roles: [RoleIds.groupsAdministrator] });
    s.ok(await s.call(groupsAdmin.token, 'POST', `/groupJoinRequests/${own.id}/approve`));
    expect(await s.memberIds(group.id)).toEqual([owner.user.id]);
  });

  it('a group that became dynamic meanwhile: the approval fails cleanly', async () => {
    const { group, owner } = await ownedGroup('ownerApproval');
    const user = await t.createUser();
    const pending = s.ok(await join(user.token, group.id), 201);
    s.ok(
      await s.admin('PATCH', `/groups/${group.id}`, {
        groupTypes: ['DynamicMembership'],
        membershipRule: '(user.department -eq "Nobody here")',
      }),
      204,
    );
    expect(s.ok(await s.admin('GET', `/groups/${group.id}`)).joinPolicy).toBe('closed');
    s.refused(await s.call(owner.token, 'POST', `/groupJoinRequests/${pending.id}/approve`), 409, 'group_join_request_outdated');
    expect(s.ok(await s.call(user.token, 'GET', `/groupJoinRequests/${pending.id}`)).status).toBe('failed');
    expect(await s.memberIds(group.id)).not.toContain(user.user.id);
  });

  it('nobody joins dynamic or synced groups', async () => {
    const user = await t.createUser();
    const dynamic = await s.group({ groupTypes: ['DynamicMembership'], membershipRule: '(user.department -eq "Sales")' });
    s.refused(await join(user.token, dynamic.id), 400, 'group_dynamic_membership');
    const synced = await s.syncedGroup();
    s.refused(await join(user.token, synced.id), 400, 'group_synced');
  });

  it('only while self-service group management is on, and not when groups features are restricted', async () => {
    const { group, owner } = await ownedGroup('ownerApproval');
    const user = await t.createUser();
    const pending = s.ok(await join(user.token, group.id), 201);
    await s.setGroupPolicy({ selfServiceGroupManagementEnabled: false });
    s.refused(await join((await t.createUser()).token, group.id), 403, 'my_groups_management_disabled');
    s.refused(
      await s.call(owner.token, 'POST', `/groupJoinRequests/${pending.id}/approve`),
      403,
      'my_groups_management_disabled',
    );
    // Group administrators still decide (the setting is about owners in My Groups).
    const groupsAdmin = await t.createUser({ roles: [RoleIds.groupsAdministrator] });
    s.ok(await s.call(groupsAdmin.token, 'POST', `/groupJoinRequests/${pending.id}/reject`, { reason: 'Closed for now' }));
    await s.setGroupPolicy({ selfServiceGroupManagementEnabled: true, restrictGroupsFeaturesInMyGroups: true });
    s.refused(await join(user.token, group.id), 403, 'my_groups_restricted');
  });

  it('guests join as their access level allows: limited guests by link, not by browsing; restricted guests not at all', async () => {
    const { group } = await ownedGroup('open');
    const guest = await t.createUser({ userType: 'Guest' });
    s.refused(await s.call(guest.token, 'GET', '/groups'), 403, 'authorization_denied');
    s.ok(await join(guest.token, group.id), 201);
    expect(await s.memberIds(group.id)).toEqual([guest.user.id]);
    const restricted = await t.createUser({ userType: 'Guest' });
    await s.setGuestAccess(GUEST_ROLE_IDS.restricted);
    try {
      s.refused(await join(restricted.token, group.id), 403, 'authorization_denied');
    } finally {
      await s.setGuestAccess(GUEST_ROLE_IDS.limited);
    }
  });

  it('deleting the group or the requester removes their requests', async () => {
    const { group } = await ownedGroup('ownerApproval');
    const user = await t.createUser();
    const pending = s.ok(await join(user.token, group.id), 201);
    s.ok(await s.admin('DELETE', `/groups/${group.id}`), 204);
    s.refused(await s.admin('GET', `/groupJoinRequests/${pending.id}`), 404, 'resource_not_found');
    const other = await ownedGroup('ownerApproval');
    const leaver = await t.createUser();
    const theirs = s.ok(await join(leaver.token, other.group.id), 201);
    s.ok(await s.admin('DELETE', `/users/${leaver.user.id}`), 204);
    s.refused(await s.admin('GET', `/groupJoinRequests/${theirs.id}`), 404, 'resource_not_found');
  });
});

describe(`leaving a group (${dialect})`, () => {
  it('a member who is not an owner leaves; nobody removes others without owning the group', async () => {
    const { group } = await ownedGroup('open');
    const [a, b] = [await t.createUser(), await t.createUser()];
    s.ok(await join(a.token, group.id), 201);
    s.ok(await join(b.token, group.id), 201);
    s.refused(await s.call(a.token, 'DELETE', `/groups/${group.id}/members/${b.user.id}/$ref`), 403, 'authorization_denied');
    s.ok(await s.call(a.token, 'DELETE', `/groups/${group.id}/members/${a.user.id}/$ref`), 204);
    expect(await s.memberIds(group.id)).toEqual([b.user.id]);
    const [removed] = await s.audits('Remove member from group', group.id);
    expect(removed?.initiatedBy.user?.id).toBe(a.user.id);
    s.refused(await s.call(a.token, 'DELETE', `/groups/${group.id}/members/${a.user.id}/$ref`), 404, 'resource_not_found');
  });

  it('nobody leaves a dynamic group by hand', async () => {
    const user = await t.createUser();
    const dynamic = await s.group({ groupTypes: ['DynamicMembership'], membershipRule: '(user.department -eq "Sales")' });
    s.refused(
      await s.call(user.token, 'DELETE', `/groups/${dynamic.id}/members/${user.user.id}/$ref`),
      400,
      'group_dynamic_membership',
    );
  });
});
