import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessExplanation, AccessPath } from '../../src/contracts/access-explanation.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';
import { selfService } from '../helpers/self-service.js';

// "Why does this person have access?" (issue 10 §5): every path from a user to an application —
// direct, through a group (assigned, dynamic, nested and not counted), granted by a request or an
// invitation — with who made each link, and the verdict of the sign-in decision itself. Runs on
// SQLite and PostgreSQL.

let t: TestApp;
let s: ReturnType<typeof selfService>;
const ROLE = '5b9ad0d3-6c53-4a8e-a2e7-55a0c3d2f011';
const DEFAULT_ACCESS = '00000000-0000-0000-0000-000000000000';
const appRoles = [{ allowedMemberTypes: ['User'], description: 'Readers', displayName: 'Reader', id: ROLE, value: 'Reader' }];

beforeAll(async () => {
  t = await buildTestApp();
  s = selfService(t);
  await s.setGroupPolicy({ selfServiceGroupManagementEnabled: true, restrictGroupsFeaturesInMyGroups: false });
});
afterAll(async () => {
  await t?.close();
});

const url = (spId: string, userKey: string) => `/servicePrincipals/${spId}/accessExplanation(userId='${userKey}')`;
const explain = async (spId: string, userKey: string, token = t.admin.token): Promise<AccessExplanation> =>
  s.ok(await s.call(token, 'GET', url(spId, userKey)));
const assign = async (spId: string, principalId: string, appRoleId = DEFAULT_ACCESS, token = t.admin.token) =>
  s.ok(
    await s.call(token, 'POST', `/servicePrincipals/${spId}/appRoleAssignedTo`, { principalId, resourceId: spId, appRoleId }),
    201,
  );
const addMember = async (groupId: string, memberId: string, token = t.admin.token) =>
  s.ok(await s.call(token, 'POST', `/groups/${groupId}/members/$ref`, s.ref(memberId)), 204);
const groupPaths = (e: AccessExplanation) =>
  e.paths.filter((p): p is Extract<AccessPath, { kind: 'group' }> => p.kind === 'group');

describe(`access explanation: the paths (${dialect})`, () => {
  it('a direct assignment: the role, when, and by whom (from the audit log)', async () => {
    const sp = await s.app({ appRoles });
    const { user } = await t.createUser({ displayName: 'Dora Direct' });
    await assign(sp.id, user.id, ROLE);
    const e = await explain(sp.id, user.id);
    expect(e).toMatchObject({
      servicePrincipalId: sp.id,
      appRoleAssignmentRequired: true,
      hasAccess: true,
      reason: 'assigned',
      user: { id: user.id, displayName: 'Dora Direct', userType: 'Member' },
    });
    expect(e.paths).toHaveLength(1);
    expect(e.paths[0]).toMatchObject({
      kind: 'direct',
      counts: true,
      appRoleId: ROLE,
      appRoleDisplayName: 'Reader',
      appRoleValue: 'Reader',
      assignedBy: { id: t.admin.user.id, displayName: t.admin.user.displayName },
    });
    expect(e.reasonText).toMatch(/Dora Direct can sign in .* assigned to it directly/);
    expect(e.paths[0]?.explanation).toMatch(/^Assigned directly \(Reader, assigned on \d{4}-\d{2}-\d{2} by /);
    // The user principal name addresses the user too, and appId addressing the application.
    const byUpn = await explain(`(appId='${sp.appId}')`, encodeURIComponent(user.userPrincipalName));
    expect(byUpn.paths).toHaveLength(1);
  });

  it('a group: direct membership counts, with who added the member and when', async () => {
    const sp = await s.app();
    const group = await s.group();
    const { user } = await t.createUser({ displayName: 'Gus Group' });
    await addMember(group.id, user.id);
    await assign(sp.id, group.id);
    const e = await explain(sp.id, user.id);
    expect(e).toMatchObject({ hasAccess: true, reason: 'assigned' });
    const [p] = groupPaths(e);
    expect(p).toMatchObject({
      counts: true,
      groupId: group.id,
      groupDisplayName: group.displayName,
      appRoleDisplayName: 'Default Access',
      assignedBy: { id: t.admin.user.id },
    });
    expect(p?.memberships).toEqual([
      expect.objectContaining({
        memberId: user.id,
        group: { id: group.id, displayName: group.displayName, membershipType: 'assigned' },
        origin: 'added',
        by: expect.objectContaining({ id: t.admin.user.id }),
      }),
    ]);
    expect(p?.explanation).toMatch(
      new RegExp(`^Member of ${group.displayName} \\(added by .*\\), which is assigned \\(Default Access`),
    );
    expect(e.reasonText).toContain(`direct member of ${group.displayName}`);
  });

  it('a nested group is shown but does not count: no access, and the note says why', async () => {
    const sp = await s.app();
    const outer = await s.group();
    const inner = await s.group();
    const { user } = await t.createUser({ displayName: 'Nina Nested' });
    await addMember(inner.id, user.id);
    await addMember(outer.id, inner.id);
    await assign(sp.id, outer.id);
    const e = await explain(sp.id, user.id);
    expect(e).toMatchObject({ hasAccess: false, reason: 'notAssigned' });
    const [p] = groupPaths(e);
    expect(p).toMatchObject({ counts: false, groupId: outer.id });
    expect(p?.memberships.map((m) => [m.memberId, m.group.id])).toEqual([
      [user.id, inner.id],
      [inner.id, outer.id],
    ]);
    expect(p?.explanation).toMatch(/does not count/);
    expect(e.reasonText).toMatch(/only through nested groups/);
    expect(e.notes.join(' ')).toMatch(/Nested groups do not pass access on/);

    // Assigning the inner group too: now one path counts, the nested one is still listed.
    await assign(sp.id, inner.id);
    const after = await explain(sp.id, user.id);
    expect(after).toMatchObject({ hasAccess: true, reason: 'assigned' });
    expect(after.paths.map((x) => x.counts)).toEqual([true, false]);
  });

  it('a dynamic group: the rule selected the user', async () => {
    const sp = await s.app();
    const dept = `Dept${s.n()}`;
    const rule = `user.department -eq "${dept}"`;
    const group = s.ok(
      await s.admin('POST', '/groups', {
        displayName: `Dynamic ${s.n()}`,
        mailNickname: `dyn${s.n()}`,
        mailEnabled: false,
        securityEnabled: true,
        groupTypes: ['DynamicMembership'],
        membershipRule: rule,
      }),
      201,
    );
    await assign(sp.id, group.id);
    const created = s.ok(
      await s.admin('POST', '/users', {
        displayName: 'Dina Dynamic',
        userPrincipalName: `dina.${s.n()}@contoso.test`,
        department: dept,
        accountEnabled: true,
        passwordProfile: { password: 'Correct-Horse-9' },
      }),
      201,
    );
    const e = await explain(sp.id, created.id);
    expect(e).toMatchObject({ hasAccess: true, reason: 'assigned' });
    expect(groupPaths(e)[0]?.memberships[0]).toMatchObject({
      origin: 'dynamicRule',
      membershipRule: rule,
      group: { membershipType: 'dynamic' },
      by: { id: null, displayName: 'Dynamic membership rules' },
    });
    expect(groupPaths(e)[0]?.explanation).toContain('dynamic membership rule');
  });

  it('an approved access request: who approved, and the justification', async () => {
    const group = await s.group();
    const approver = await t.createUser({ displayName: `Approver ${s.n()}` });
    const sp = await s.app({
      selfServiceAccess: { enabled: true, groupId: group.id, requireApproval: true, approverIds: [approver.user.id] },
    });
    const requester = await t.createUser({ displayName: 'Rita Requester' });
    const req = s.ok(
      await s.call(requester.token, 'POST', `/servicePrincipals/${sp.id}/accessRequests`, { justification: 'Partner project' }),
      201,
    );
    expect((await explain(sp.id, requester.user.id)).hasAccess).toBe(false);
    s.ok(await s.call(approver.token, 'POST', `/appAccessRequests/${req.id}/approve`, {}));
    const e = await explain(sp.id, requester.user.id);
    expect(e).toMatchObject({ hasAccess: true, reason: 'assigned' });
    expect(groupPaths(e)[0]?.memberships[0]).toMatchObject({
      origin: 'accessRequest',
      by: { id: approver.user.id, displayName: approver.user.displayName },
      requestId: req.id,
      justification: 'Partner project',
    });
    expect(groupPaths(e)[0]?.explanation).toContain(`access request approved by ${approver.user.displayName}`);
  });

  it('an approved join request and an open group joined by the member themselves', async () => {
    const owner = await t.createUser({ displayName: `Owner ${s.n()}` });
    const bindOwner = { 'owners@odata.bind': [s.ref(owner.user.id)['@odata.id']] };
    const approval = await s.group({ joinPolicy: 'ownerApproval', ...bindOwner });
    const open = await s.group({ joinPolicy: 'open', ...bindOwner });
    const sp = await s.app();
    await assign(sp.id, approval.id);
    await assign(sp.id, open.id);
    const member = await t.createUser({ displayName: 'Joe Joiner' });
    const pending = s.ok(
      await s.call(member.token, 'POST', `/groups/${approval.id}/joinRequests`, { justification: 'Same team' }),
      201,
    );
    s.ok(await s.call(owner.token, 'POST', `/groupJoinRequests/${pending.id}/approve`, {}));
    s.ok(await s.call(member.token, 'POST', `/groups/${open.id}/joinRequests`, {}), 201);
    const e = await explain(sp.id, member.user.id);
    const byGroup = new Map(groupPaths(e).map((p) => [p.groupId, p.memberships[0]]));
    expect(byGroup.get(approval.id)).toMatchObject({
      origin: 'joinRequest',
      by: { id: owner.user.id },
      requestId: pending.id,
      justification: 'Same team',
    });
    expect(byGroup.get(open.id)).toMatchObject({ origin: 'joined', by: { id: member.user.id } });
  });

  it('an invited guest: invited into the group by its owner; no access until the invitation is redeemed', async () => {
    const owner = await t.createUser({ displayName: `Ivy Inviter ${s.n()}`, roles: [RoleIds.guestInviter] });
    const group = await s.group({ 'owners@odata.bind': [s.ref(owner.user.id)['@odata.id']] });
    const sp = await s.app();
    await assign(sp.id, group.id);
    const email = `guest.${s.n()}@fabrikam.example`;
    s.ok(await s.call(owner.token, 'POST', `/groups/${group.id}/members/add`, { emailAddress: email }));
    const guests = s.ok(await s.admin('GET', `/users?$filter=${encodeURIComponent(`mail eq '${email}'`)}`)).value as {
      id: string;
    }[];
    expect(guests).toHaveLength(1);
    const e = await explain(sp.id, guests[0]?.id ?? '');
    expect(e).toMatchObject({
      hasAccess: false,
      reason: 'invitationPending',
      user: {
        userType: 'Guest',
        externalUserState: 'PendingAcceptance',
        invitation: { status: 'PendingAcceptance', invitedBy: { id: owner.user.id, displayName: owner.user.displayName } },
      },
    });
    expect(groupPaths(e)[0]).toMatchObject({ counts: true });
    expect(groupPaths(e)[0]?.memberships[0]).toMatchObject({ origin: 'invitation', by: { id: owner.user.id } });
    expect(groupPaths(e)[0]?.memberships[0]?.invitationId).toBe(e.user.invitation?.id);
    expect(e.reasonText).toMatch(/not accepted their invitation/);
  });

  it('unassigned: no path and no access; an application without required assignment lets everyone in', async () => {
    const sp = await s.app();
    const { user } = await t.createUser({ displayName: 'Una Unassigned' });
    const e = await explain(sp.id, user.id);
    expect(e).toMatchObject({ hasAccess: false, reason: 'notAssigned', paths: [] });
    expect(e.reasonText).toMatch(/is not assigned, directly or as a member of an assigned group/);

    s.ok(await s.admin('PATCH', `/servicePrincipals/${sp.id}`, { appRoleAssignmentRequired: false }), 204);
    const open = await explain(sp.id, user.id);
    expect(open).toMatchObject({ hasAccess: true, reason: 'assignmentNotRequired', appRoleAssignmentRequired: false });
    expect(open.notes.join(' ')).toMatch(/does not require assignment/);
  });

  it('the verdict follows the sign-in decision: a disabled application or account refuses whatever the paths', async () => {
    const sp = await s.app();
    const { user } = await t.createUser();
    await assign(sp.id, user.id);
    s.ok(await s.admin('PATCH', `/servicePrincipals/${sp.id}`, { accountEnabled: false }), 204);
    expect(await explain(sp.id, user.id)).toMatchObject({
      hasAccess: false,
      reason: 'applicationDisabled',
      paths: [{ counts: true }],
    });
    s.ok(await s.admin('PATCH', `/servicePrincipals/${sp.id}`, { accountEnabled: true }), 204);
    s.ok(await s.admin('PATCH', `/users/${user.id}`, { accountEnabled: false }), 204);
    expect(await explain(sp.id, user.id)).toMatchObject({ hasAccess: false, reason: 'userDisabled' });
  });

  it('a Global Administrator is not exempt: the note says so', async () => {
    const sp = await s.app();
    const e = await explain(sp.id, t.admin.user.id);
    expect(e).toMatchObject({ hasAccess: false, reason: 'notAssigned' });
    expect(e.notes.join(' ')).toMatch(/Administrator roles do not grant access/);
  });
});

describe(`access explanation: who may ask (${dialect})`, () => {
  it('the user themselves (/me), the app owners and the assigning administrators; others 403, unknown ids 404', async () => {
    const owner = await t.createUser({ displayName: `App owner ${s.n()}` });
    const sp = await s.app();
    s.ok(await s.admin('POST', `/servicePrincipals/${sp.id}/owners/$ref`, s.ref(owner.user.id)), 204);
    const me = await t.createUser();
    const other = await t.createUser();
    await assign(sp.id, me.user.id);

    const mine: AccessExplanation = s.ok(await s.call(me.token, 'GET', `/me/accessExplanation(servicePrincipalId='${sp.id}')`));
    expect(mine).toMatchObject({ hasAccess: true, user: { id: me.user.id } });
    // Percent-encoded quotes (as some clients send them) address the same function.
    expect(s.ok(await s.call(me.token, 'GET', `/me/accessExplanation(servicePrincipalId=%27${sp.id}%27)`)).hasAccess).toBe(true);
    expect(s.ok(await s.call(me.token, 'GET', url(sp.id, me.user.id))).hasAccess).toBe(true);

    expect((await explain(sp.id, me.user.id, owner.token)).hasAccess).toBe(true);
    const appAdmin = await t.createUser({ roles: [RoleIds.applicationAdministrator] });
    expect((await explain(sp.id, me.user.id, appAdmin.token)).hasAccess).toBe(true);
    const reader = await t.appToken(['Application.Read.All']);
    expect((await explain(sp.id, me.user.id, reader)).hasAccess).toBe(true);

    // Another member: 403 whether the user exists or not (existence is not revealed).
    s.refused(await s.call(other.token, 'GET', url(sp.id, me.user.id)), 403, 'authorization_denied');
    s.refused(await s.call(other.token, 'GET', url(sp.id, '0190aaaa-0000-7000-8000-000000000000')), 403, 'authorization_denied');
    const groupsAdmin = await t.createUser({ roles: [RoleIds.groupsAdministrator] });
    s.refused(await s.call(groupsAdmin.token, 'GET', url(sp.id, me.user.id)), 403, 'authorization_denied');
    // Allowed callers learn that a user or an application does not exist.
    expect((await s.call(owner.token, 'GET', url(sp.id, '0190aaaa-0000-7000-8000-000000000000'))).statusCode).toBe(404);
    expect((await s.admin('GET', url('0190aaaa-0000-7000-8000-000000000001', me.user.id))).statusCode).toBe(404);
    expect(
      (await s.call(me.token, 'GET', "/me/accessExplanation(servicePrincipalId='0190aaaa-0000-7000-8000-000000000001')"))
        .statusCode,
    ).toBe(404);
    // An application token has no "me".
    expect((await s.call(reader, 'GET', `/me/accessExplanation(servicePrincipalId='${sp.id}')`)).statusCode).toBe(400);
  });
});
