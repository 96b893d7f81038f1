import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST_ROLE_IDS } from '../../src/contracts/policies.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';
import { selfService } from '../helpers/self-service.js';

// Self-service application access (entra-behaviour.md §7.4, §8.2): the self-service group belongs
// to its application (assigned when saved, moved when changed, created on request), new
// applications require assignment, and My Apps' requests — granted at once, or approved / denied
// by an approver — with their mail, audit records and the refusals. Runs on SQLite and PostgreSQL.

let t: TestApp;
let s: ReturnType<typeof selfService>;
const DEFAULT_ACCESS = '00000000-0000-0000-0000-000000000000';
const ROLE = '5b9ad0d3-6c53-4a8e-a2e7-55a0c3d2f011';
const roles = [{ allowedMemberTypes: ['User'], description: 'Readers', displayName: 'Reader', id: ROLE, value: 'Reader' }];

beforeAll(async () => {
  t = await buildTestApp();
  s = selfService(t);
});
afterAll(async () => {
  await t?.close();
});

const assignments = async (spId: string) =>
  (
    s.ok(await s.admin('GET', `/servicePrincipals/${spId}/appRoleAssignedTo`)).value as {
      principalId: string;
      principalType: string;
      appRoleId: string;
    }[]
  ).map((a) => `${a.principalType}:${a.principalId}:${a.appRoleId}`);

/** An application that takes requests (approval as asked), with its group and one approver. */
async function requestableApp(opts: { requireApproval: boolean; appRoleId?: string; approvers?: string[] }) {
  const group = await s.group();
  const approver = await t.createUser({ displayName: `Approver ${s.n()}` });
  const sp = await s.app({
    appRoles: roles,
    homepage: 'https://partner.example.com/',
    selfServiceAccess: {
      enabled: true,
      groupId: group.id,
      requireApproval: opts.requireApproval,
      approverIds: opts.approvers ?? [approver.user.id],
      ...(opts.appRoleId ? { appRoleId: opts.appRoleId } : {}),
    },
  });
  return { sp, group, approver };
}

const request = (token: string, spId: string, justification = 'I work on the partner project') =>
  s.call(token, 'POST', `/servicePrincipals/${spId}/accessRequests`, { justification });
const myAppIds = async (token: string) =>
  (s.ok(await s.call(token, 'GET', '/me/myApps')).value as { id: string }[]).map((a) => a.id);

describe(`the self-service group belongs to its application (${dialect})`, () => {
  it('new applications require assignment', async () => {
    const sp = await s.app();
    expect(s.ok(await s.admin('GET', `/servicePrincipals/${sp.id}`)).appRoleAssignmentRequired).toBe(true);
  });

  it('saving the group assigns it (default access) in the same change, visible under Users and groups', async () => {
    const group = await s.group();
    const sp = await s.app();
    expect(await assignments(sp.id)).toEqual([]);
    s.ok(await s.admin('PATCH', `/servicePrincipals/${sp.id}`, { selfServiceAccess: { groupId: group.id } }), 204);
    expect(await assignments(sp.id)).toEqual([`Group:${group.id}:${DEFAULT_ACCESS}`]);
    const [audit] = await s.audits('Add app role assignment to group', group.id);
    expect(audit?.category).toBe('GroupManagement');
    expect(audit?.targetResources.map((x) => x.id)).toEqual([group.id, sp.id]);
    // Saving again (another setting) keeps one assignment.
    s.ok(await s.admin('PATCH', `/servicePrincipals/${sp.id}`, { selfServiceAccess: { requireApproval: false } }), 204);
    expect(await assignments(sp.id)).toEqual([`Group:${group.id}:${DEFAULT_ACCESS}`]);
  });

  it('creating an application with a self-service group assigns it with the chosen role', async () => {
    const group = await s.group();
    const sp = await s.app({ appRoles: roles, selfServiceAccess: { groupId: group.id, appRoleId: ROLE } });
    expect(await assignments(sp.id)).toEqual([`Group:${group.id}:${ROLE}`]);
  });

  it('a new group or role moves the assignment; clearing the group leaves it', async () => {
    const [a, b] = [await s.group(), await s.group()];
    const sp = await s.app({ appRoles: roles, selfServiceAccess: { groupId: a.id } });
    s.ok(await s.admin('PATCH', `/servicePrincipals/${sp.id}`, { selfServiceAccess: { groupId: b.id } }), 204);
    expect(await assignments(sp.id)).toEqual([`Group:${b.id}:${DEFAULT_ACCESS}`]);
    expect(await s.audits('Remove app role assignment from group', a.id)).toHaveLength(1);
    s.ok(await s.admin('PATCH', `/servicePrincipals/${sp.id}`, { selfServiceAccess: { appRoleId: ROLE } }), 204);
    expect(await assignments(sp.id)).toEqual([`Group:${b.id}:${ROLE}`]);
    s.ok(await s.admin('PATCH', `/servicePrincipals/${sp.id}`, { selfServiceAccess: { groupId: null } }), 204);
    expect(await assignments(sp.id)).toEqual([`Group:${b.id}:${ROLE}`]);
  });

  it('refuses dynamic and synced groups, and changes nothing when it refuses', async () => {
    const dynamic = await s.group({ groupTypes: ['DynamicMembership'], membershipRule: '(user.department -eq "Sales")' });
    const synced = await s.syncedGroup();
    const sp = await s.app();
    for (const g of [dynamic, synced]) {
      s.refused(
        await s.admin('PATCH', `/servicePrincipals/${sp.id}`, { selfServiceAccess: { groupId: g.id } }),
        400,
        'self_service_access_invalid',
        /choose an assigned group/,
      );
    }
    expect(await assignments(sp.id)).toEqual([]);
    expect(s.ok(await s.admin('GET', `/servicePrincipals/${sp.id}`)).selfServiceAccess.groupId).toBeNull();
  });

  it('creates the group it is given the name of: Assigned security group, approvers as owners, assigned at once', async () => {
    const [a1, a2] = [await t.createUser(), await t.createUser()];
    const sp = await s.app({ selfServiceAccess: { approverIds: [a1.user.id, a2.user.id], requireApproval: true } });
    const res = await s.admin('POST', `/servicePrincipals/${sp.id}/selfServiceGroup`, { displayName: 'Partner portal users' });
    const group = s.ok(res, 201);
    expect(group).toMatchObject({
      displayName: 'Partner portal users',
      securityEnabled: true,
      mailEnabled: false,
      groupTypes: [],
      joinPolicy: 'closed',
    });
    const owners = (s.ok(await s.admin('GET', `/groups/${group.id}/owners`)).value as { id: string }[]).map((o) => o.id);
    expect(owners.sort()).toEqual([a1.user.id, a2.user.id].sort());
    expect(s.ok(await s.admin('GET', `/servicePrincipals/${sp.id}`)).selfServiceAccess.groupId).toBe(group.id);
    expect(await assignments(sp.id)).toEqual([`Group:${group.id}:${DEFAULT_ACCESS}`]);
    expect(await s.audits('Add group', group.id)).toHaveLength(1);
    expect(await s.audits('Update service principal', sp.id)).toHaveLength(1);

    // Approvers chosen with the new group (the blade's unsaved choice) own it and are saved with it.
    const a3 = await t.createUser();
    const again = s.ok(
      await s.admin('POST', `/servicePrincipals/${sp.id}/selfServiceGroup`, {
        displayName: 'Partner portal users 2',
        approverIds: [a3.user.id],
      }),
      201,
    );
    const owners2 = (s.ok(await s.admin('GET', `/groups/${again.id}/owners`)).value as { id: string }[]).map((o) => o.id);
    expect(owners2).toEqual([a3.user.id]);
    expect(s.ok(await s.admin('GET', `/servicePrincipals/${sp.id}`)).selfServiceAccess).toMatchObject({
      groupId: again.id,
      approverIds: [a3.user.id],
    });
    expect(await assignments(sp.id)).toEqual([`Group:${again.id}:${DEFAULT_ACCESS}`]);
  });

  it('creating the group is all or nothing, and needs the right to manage the app and to create groups', async () => {
    const owner = await t.createUser();
    const sp = await s.app();
    s.ok(await s.admin('POST', `/servicePrincipals/${sp.id}/owners/$ref`, s.ref(owner.user.id)), 204);
    const stranger = await t.createUser();
    const name = `Not created ${s.n()}`;
    s.refused(
      await s.call(stranger.token, 'POST', `/servicePrincipals/${sp.id}/selfServiceGroup`, { displayName: name }),
      403,
      'authorization_denied',
    );
    s.ok(await s.admin('PATCH', '/policies/groupManagementPolicy', { usersCanCreateSecurityGroups: false }), 204);
    try {
      s.refused(
        await s.call(owner.token, 'POST', `/servicePrincipals/${sp.id}/selfServiceGroup`, { displayName: name }),
        403,
        'group_creation_disabled',
      );
    } finally {
      s.ok(await s.admin('PATCH', '/policies/groupManagementPolicy', { usersCanCreateSecurityGroups: true }), 204);
    }
    const filter = encodeURIComponent(`displayName eq '${name}'`);
    expect(s.ok(await s.admin('GET', `/groups?$filter=${filter}`)).value).toEqual([]);
    // The app's owner may (and becomes an owner of the group, as any member who creates one).
    const made = s.ok(
      await s.call(owner.token, 'POST', `/servicePrincipals/${sp.id}/selfServiceGroup`, { displayName: name }),
      201,
    );
    expect(await assignments(sp.id)).toEqual([`Group:${made.id}:${DEFAULT_ACCESS}`]);
  });
});

describe(`My Apps → Request new apps (${dialect})`, () => {
  it('lists requestable apps with search, access and pending state; not disabled, hidden or closed apps', async () => {
    const tag = s.n();
    const { sp: open } = await requestableApp({ requireApproval: true });
    s.ok(await s.admin('PATCH', `/servicePrincipals/${open.id}`, { displayName: `Wiki ${tag}` }), 204);
    const { sp: hidden } = await requestableApp({ requireApproval: false });
    s.ok(
      await s.admin('PATCH', `/servicePrincipals/${hidden.id}`, { displayName: `Wiki hidden ${tag}`, tags: ['HideApp'] }),
      204,
    );
    const { sp: disabled } = await requestableApp({ requireApproval: false });
    s.ok(
      await s.admin('PATCH', `/servicePrincipals/${disabled.id}`, { displayName: `Wiki off ${tag}`, accountEnabled: false }),
      204,
    );
    await s.app({ displayName: `Wiki closed ${tag}` });
    const user = await t.createUser();
    const search = async (q: string) =>
      s.ok(
        await t.call('GET', `/v1.0/me/requestableApps?$search=${encodeURIComponent(`"displayName:${q}"`)}`, {
          token: user.token,
          headers: { consistencylevel: 'eventual' },
        }),
      ).value;
    expect((await search(tag)).map((a: { displayName: string }) => a.displayName)).toEqual([`Wiki ${tag}`]);
    s.ok(await request(user.token, open.id), 201);
    expect(await search(tag)).toEqual([
      expect.objectContaining({ id: open.id, requireApproval: true, hasAccess: false, pendingRequestId: expect.any(String) }),
    ]);
  });

  it('without approval: the user joins the group at once and the app appears in My Apps', async () => {
    const { sp, group } = await requestableApp({ requireApproval: false });
    const user = await t.createUser();
    expect(await myAppIds(user.token)).not.toContain(sp.id);
    const res = s.ok(await request(user.token, sp.id), 201);
    expect(res).toMatchObject({
      status: 'approved',
      servicePrincipalId: sp.id,
      requesterId: user.user.id,
      justification: 'I work on the partner project',
      groupId: group.id,
      requireApproval: false,
    });
    expect(await s.memberIds(group.id)).toEqual([user.user.id]);
    expect(await myAppIds(user.token)).toContain(sp.id);
    const [audit] = await s.audits('Request access to an application', sp.id);
    expect(audit).toMatchObject({ category: 'ApplicationManagement', initiatedBy: { user: { id: user.user.id } } });
    expect(await s.audits('Add member to group', group.id)).toHaveLength(1);
    s.refused(await request(user.token, sp.id), 400, 'app_access_request_already_assigned');
  });

  it('with approval: approvers are mailed and see a badge; one approves, the user gets the app with the role', async () => {
    const second = await t.createUser({ mail: `second.${s.n()}@contoso.test` });
    const first = await t.createUser({ mail: `first.${s.n()}@contoso.test` });
    const { sp, group } = await requestableApp({
      requireApproval: true,
      appRoleId: ROLE,
      approvers: [first.user.id, second.user.id],
    });
    const user = await t.createUser({ displayName: 'Rita <Requester>' });
    const pending = s.ok(await request(user.token, sp.id, 'Quarterly <b>report</b> & review'), 201);
    expect(pending).toMatchObject({ status: 'pending', requireApproval: true, appRoleId: ROLE, decidedById: null });
    expect(await s.memberIds(group.id)).toEqual([]);

    const [mail] = await s.mailTo(first.user.mail ?? '');
    expect(mail?.subject).toBe(`Rita <Requester> requests access to ${sp.displayName}`);
    expect(mail?.text).toContain('Quarterly <b>report</b> & review');
    expect(mail?.html).toContain('Quarterly &lt;b&gt;report&lt;/b&gt; &amp; review');
    expect(mail?.html).not.toContain('<b>report');
    expect(mail?.links).toContain(`http://localhost:8080/myapps/manage/${sp.id}?view=requests`);
    expect(await s.mailTo(second.user.mail ?? '')).toHaveLength(1);

    const badge = s.ok(await s.call(first.token, 'GET', '/me/pendingApprovals'));
    expect(badge).toMatchObject({ appAccessRequests: 1, applications: [{ id: sp.id, pendingCount: 1 }] });
    const toDecide = s.ok(await s.call(first.token, 'GET', '/me/pendingApprovals/appAccessRequests')).value;
    expect(toDecide.map((r: { id: string }) => r.id)).toEqual([pending.id]);
    const listed = s.ok(
      await s.call(
        first.token,
        'GET',
        `/servicePrincipals/${sp.id}/accessRequests?$filter=${encodeURIComponent("status eq 'pending'")}`,
      ),
    ).value;
    expect(listed.map((r: { id: string }) => r.id)).toEqual([pending.id]);
    // Someone who is neither approver nor owner sees none of it.
    const other = await t.createUser();
    s.refused(await s.call(other.token, 'GET', `/servicePrincipals/${sp.id}/accessRequests`), 403, 'authorization_denied');
    s.refused(await s.call(other.token, 'GET', `/appAccessRequests/${pending.id}`), 403, 'authorization_denied');
    expect(s.ok(await s.call(other.token, 'GET', '/me/pendingApprovals')).appAccessRequests).toBe(0);

    const approved = s.ok(await s.call(second.token, 'POST', `/appAccessRequests/${pending.id}/approve`, { reason: 'Welcome' }));
    expect(approved).toMatchObject({ status: 'approved', decidedById: second.user.id, decisionReason: 'Welcome' });
    expect(await s.memberIds(group.id)).toEqual([user.user.id]);
    expect(await myAppIds(user.token)).toContain(sp.id);
    const access = await t.app.portico.services.applications.accessOf(t.tenant.id, sp.id, user.user.id);
    expect(access.roleValues).toEqual(['Reader']);
    const [decision] = await s.mailTo(user.user.mail ?? '');
    expect(decision?.subject).toBe(`Your request for access to ${sp.displayName} was approved`);
    const [audit] = await s.audits('Approve a pending request to access an application', sp.id);
    expect(audit).toMatchObject({ result: 'success', initiatedBy: { user: { id: second.user.id } } });
    expect(s.ok(await s.call(first.token, 'GET', '/me/pendingApprovals')).appAccessRequests).toBe(0);
    // The other approver comes too late.
    s.refused(
      await s.call(first.token, 'POST', `/appAccessRequests/${pending.id}/approve`),
      409,
      'app_access_request_not_pending',
    );
  });

  it('the owner of the application decides too, and the requester sees the decision in their list', async () => {
    const { sp, group } = await requestableApp({ requireApproval: true });
    const owner = await t.createUser();
    s.ok(await s.admin('POST', `/servicePrincipals/${sp.id}/owners/$ref`, s.ref(owner.user.id)), 204);
    const user = await t.createUser();
    const pending = s.ok(await request(user.token, sp.id), 201);
    expect(s.ok(await s.call(owner.token, 'GET', '/me/pendingApprovals')).applications).toEqual([
      { id: sp.id, displayName: sp.displayName, pendingCount: 1 },
    ]);
    s.ok(await s.call(owner.token, 'POST', `/appAccessRequests/${pending.id}/approve`));
    expect(await s.memberIds(group.id)).toEqual([user.user.id]);
    const mine = s.ok(
      await s.call(user.token, 'GET', `/me/appAccessRequests?$filter=${encodeURIComponent("status eq 'approved'")}`),
    );
    expect(mine.value).toEqual([expect.objectContaining({ id: pending.id, decidedById: owner.user.id })]);
  });

  it('deny needs a reason; the requester is told it and gets nothing', async () => {
    const { sp, group, approver } = await requestableApp({ requireApproval: true });
    const user = await t.createUser();
    const pending = s.ok(await request(user.token, sp.id), 201);
    const noReason = await s.call(approver.token, 'POST', `/appAccessRequests/${pending.id}/deny`, {});
    s.refused(noReason, 400, 'request_body_invalid', /reason/);
    const denied = s.ok(
      await s.call(approver.token, 'POST', `/appAccessRequests/${pending.id}/deny`, { reason: 'Project ended <sorry>' }),
    );
    expect(denied).toMatchObject({ status: 'denied', decisionReason: 'Project ended <sorry>' });
    expect(await s.memberIds(group.id)).toEqual([]);
    const [mail] = await s.mailTo(user.user.mail ?? '');
    expect(mail?.subject).toBe(`Your request for access to ${sp.displayName} was denied`);
    expect(mail?.text).toContain('Project ended <sorry>');
    expect(mail?.html).toContain('Project ended &lt;sorry&gt;');
    expect(await s.audits('Deny a pending request to access an application', sp.id)).toHaveLength(1);
    // A denied request can be made again.
    s.ok(await request(user.token, sp.id), 201);
  });

  it('the requester cancels; nobody else can; a duplicate pending request is refused', async () => {
    const { sp, approver } = await requestableApp({ requireApproval: true });
    const user = await t.createUser();
    const pending = s.ok(await request(user.token, sp.id), 201);
    s.refused(await request(user.token, sp.id), 409, 'app_access_request_duplicate');
    s.refused(await s.call(approver.token, 'POST', `/appAccessRequests/${pending.id}/cancel`), 403, 'authorization_denied');
    const canceled = s.ok(await s.call(user.token, 'POST', `/appAccessRequests/${pending.id}/cancel`));
    expect(canceled).toMatchObject({ status: 'canceled', decidedById: user.user.id });
    expect(await s.audits('Cancel a pending request to access an application', sp.id)).toHaveLength(1);
    s.refused(
      await s.call(approver.token, 'POST', `/appAccessRequests/${pending.id}/approve`),
      409,
      'app_access_request_not_pending',
    );
    s.refused(await s.call(user.token, 'POST', `/appAccessRequests/${pending.id}/cancel`), 409, 'app_access_request_not_pending');
    s.ok(await request(user.token, sp.id), 201);
  });

  it('two requests at once: one is pending, the other refused', async () => {
    const { sp } = await requestableApp({ requireApproval: true });
    const user = await t.createUser();
    const results = await Promise.all([request(user.token, sp.id), request(user.token, sp.id)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
  });

  it('an approver cannot decide their own request', async () => {
    const { sp, approver } = await requestableApp({ requireApproval: true });
    const own = s.ok(await request(approver.token, sp.id), 201);
    s.refused(
      await s.call(approver.token, 'POST', `/appAccessRequests/${own.id}/approve`),
      403,
      'app_access_request_self_decision',
    );
    expect(s.ok(await s.call(approver.token, 'GET', '/me/pendingApprovals')).appAccessRequests).toBe(0);
  });

  it('a request whose app or group changed meanwhile fails cleanly when approved', async () => {
    const { sp, group, approver } = await requestableApp({ requireApproval: true });
    const user = await t.createUser();
    const pending = s.ok(await request(user.token, sp.id), 201);
    const other = await s.group();
    s.ok(await s.admin('PATCH', `/servicePrincipals/${sp.id}`, { selfServiceAccess: { groupId: other.id } }), 204);
    s.refused(
      await s.call(approver.token, 'POST', `/appAccessRequests/${pending.id}/approve`),
      409,
      'app_access_request_outdated',
      /self-service group .* changed/,
    );
    expect(await s.memberIds(group.id)).toEqual([]);
    expect(await s.memberIds(other.id)).toEqual([]);
    expect(s.ok(await s.call(user.token, 'GET', `/appAccessRequests/${pending.id}`))).toMatchObject({
      status: 'failed',
      decisionReason: expect.stringMatching(/changed/),
    });
    const [audit] = await s.audits('Approve a pending request to access an application', sp.id);
    expect(audit).toMatchObject({ result: 'failure', resultReason: expect.stringMatching(/changed/) });

    // Self-service turned off meanwhile: the same.
    const second = await requestableApp({ requireApproval: true });
    const r2 = s.ok(await request(user.token, second.sp.id), 201);
    s.ok(await s.admin('PATCH', `/servicePrincipals/${second.sp.id}`, { selfServiceAccess: { enabled: false } }), 204);
    s.refused(
      await s.call(second.approver.token, 'POST', `/appAccessRequests/${r2.id}/approve`),
      409,
      'app_access_request_outdated',
      /turned off/,
    );
  });

  it('refuses requests while self-service is off, and to applications and people who may not', async () => {
    const sp = await s.app();
    const user = await t.createUser();
    s.refused(await request(user.token, sp.id), 400, 'app_access_request_disabled');
    const { sp: open } = await requestableApp({ requireApproval: false });
    s.refused(await request(await t.appToken(['Application.ReadWrite.All']), open.id), 403, 'authorization_denied');
    s.refused(await s.call(user.token, 'POST', `/servicePrincipals/${open.id}/accessRequests`, {}), 400, 'request_body_invalid');
  });

  it('guests: limited guests request an app they have the link of but cannot browse; restricted guests cannot', async () => {
    const { sp, group, approver } = await requestableApp({ requireApproval: true });
    const guest = await t.createUser({ userType: 'Guest' });
    s.refused(await s.call(guest.token, 'GET', '/me/requestableApps'), 403, 'authorization_denied');
    const pending = s.ok(await request(guest.token, sp.id), 201);
    s.ok(await s.call(approver.token, 'POST', `/appAccessRequests/${pending.id}/approve`));
    expect(await s.memberIds(group.id)).toEqual([guest.user.id]);

    const restricted = await t.createUser({ userType: 'Guest' });
    await s.setGuestAccess(GUEST_ROLE_IDS.restricted);
    try {
      s.refused(await request(restricted.token, sp.id), 403, 'authorization_denied');
      s.refused(await s.call(restricted.token, 'GET', '/me/requestableApps'), 403, 'authorization_denied');
    } finally {
      await s.setGuestAccess(GUEST_ROLE_IDS.limited);
    }
  });

  it('application administrators decide any request; a deleted requester takes their requests along', async () => {
    const { sp } = await requestableApp({ requireApproval: true });
    const admin = await t.createUser({ roles: [RoleIds.applicationAdministrator] });
    const user = await t.createUser();
    const pending = s.ok(await request(user.token, sp.id), 201);
    s.ok(await s.call(admin.token, 'POST', `/appAccessRequests/${pending.id}/deny`, { reason: 'No' }));
    const leaver = await t.createUser();
    const theirs = s.ok(await request(leaver.token, sp.id), 201);
    s.ok(await s.admin('DELETE', `/users/${leaver.user.id}`), 204);
    s.refused(await s.admin('GET', `/appAccessRequests/${theirs.id}`), 404, 'resource_not_found');
  });
});
