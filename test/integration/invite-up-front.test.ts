import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MyGroupsAddOptions } from '../../src/contracts/invitations.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';
import { selfService } from '../helpers/self-service.js';

// Issue 10 §6: "The portal asks before it offers: an owner who may not invite guests is told so
// (and whom to ask) before typing an address, not after Add. Denied invitations are audited as
// failures." GET /groups/{id}/members/addOptions answers before the dialog offers anything; every
// refused invitation leaves an "Invite external user" failure record. SQLite and PostgreSQL.

let t: TestApp;
let s: ReturnType<typeof selfService>;

beforeAll(async () => {
  t = await buildTestApp();
  s = selfService(t);
  await s.setGroupPolicy({ selfServiceGroupManagementEnabled: true, restrictGroupsFeaturesInMyGroups: false });
});
afterAll(async () => {
  await t?.close();
});

const options = async (token: string, groupId: string): Promise<MyGroupsAddOptions> =>
  s.ok(await s.call(token, 'GET', `/groups/${groupId}/members/addOptions`));
const ownedGroup = async (ownerId: string, extra: Record<string, unknown> = {}) =>
  s.group({ 'owners@odata.bind': [s.ref(ownerId)['@odata.id']], ...extra });
const setInvites = (allowInvitesFrom: string) =>
  s.admin('PATCH', '/policies/authorizationPolicy', { allowInvitesFrom }).then((r) => s.ok(r, 204));

describe(`My Groups asks before it offers (${dialect})`, () => {
  it('an owner without Guest Inviter is told up front, with the reason and whom to ask', async () => {
    await setInvites('adminsAndGuestInviters');
    const owner = await t.createUser({ displayName: `Plain owner ${s.n()}` });
    const inviter = await t.createUser({ displayName: `Gina Inviter ${s.n()}`, roles: [RoleIds.guestInviter] });
    const group = await ownedGroup(owner.user.id);
    const o = await options(owner.token, group.id);
    expect(o).toMatchObject({
      canAddMembers: true,
      addMembersBlockedReason: null,
      canInviteGuests: false,
      inviteGuestsBlockedCode: 'invitation_setting_denied',
    });
    expect(o.inviteGuestsBlockedReason).toMatch(/Only users with the Guest Inviter role can invite guests/);
    expect(o.whoCanHelp.length).toBeGreaterThan(0);
    expect(o.whoCanHelp.length).toBeLessThanOrEqual(5);
    expect(o.whoCanHelp.map((h) => h.role)).toContain('Guest Inviter');
    expect(o.whoCanHelp.every((h) => ['Guest Inviter', 'User Administrator', 'Global Administrator'].includes(h.role))).toBe(
      true,
    );
    expect(o.whoCanHelp.some((h) => h.id === owner.user.id)).toBe(false);
    // The same owner holding Guest Inviter may invite: nobody to ask.
    const group2 = await ownedGroup(inviter.user.id);
    expect(await options(inviter.token, group2.id)).toMatchObject({ canInviteGuests: true, whoCanHelp: [] });
  });

  it('with invitations off for everyone only Global Administrators can help (they change the setting)', async () => {
    await setInvites('none');
    try {
      const admin = await t.createUser({ roles: [RoleIds.globalAdministrator] });
      const group = await ownedGroup(admin.user.id);
      const o = await options(admin.token, group.id);
      expect(o).toMatchObject({
        canAddMembers: true,
        canInviteGuests: false,
        inviteGuestsBlockedCode: 'invitation_setting_denied',
      });
      expect(o.whoCanHelp.length).toBeGreaterThan(0);
      expect(o.whoCanHelp.every((h) => h.role === 'Global Administrator')).toBe(true);
    } finally {
      await setInvites('adminsAndGuestInviters');
    }
  });

  it('groups nobody adds to by hand, and callers who are not owners, are told so too', async () => {
    const owner = await t.createUser({ roles: [RoleIds.guestInviter] });
    const dynamic = await ownedGroup(owner.user.id, {
      groupTypes: ['DynamicMembership'],
      membershipRule: 'user.department -eq "Nobody"',
    });
    const o = await options(owner.token, dynamic.id);
    expect(o).toMatchObject({ canAddMembers: false, canInviteGuests: false });
    expect(o.addMembersBlockedReason).toMatch(/\S/);

    const stranger = await t.createUser();
    const group = await ownedGroup(owner.user.id);
    const x = await options(stranger.token, group.id);
    expect(x).toMatchObject({ canAddMembers: false, canInviteGuests: false, whoCanHelp: [] });
    expect(x.addMembersBlockedReason).toMatch(/not an owner of this group/);
    expect(
      (await s.call(stranger.token, 'GET', '/groups/0190aaaa-0000-7000-8000-000000000000/members/addOptions')).statusCode,
    ).toBe(404);
  });

  it('the answer matches what Add then does', async () => {
    await setInvites('adminsAndGuestInviters');
    const owner = await t.createUser();
    const group = await ownedGroup(owner.user.id);
    expect((await options(owner.token, group.id)).canInviteGuests).toBe(false);
    const res = await s.call(owner.token, 'POST', `/groups/${group.id}/members/add`, {
      emailAddress: `x.${s.n()}@fabrikam.example`,
    });
    s.refused(res, 403, 'invitation_setting_denied');
  });
});

describe(`denied invitations are audited as failures (${dialect})`, () => {
  const failures = async (email: string) =>
    (await s.audits('Invite external user', email.toLowerCase())).filter((a) => a.result === 'failure');

  it('My Groups: an owner who may not invite', async () => {
    await setInvites('adminsAndGuestInviters');
    const owner = await t.createUser();
    const group = await ownedGroup(owner.user.id);
    const email = `Refused.${s.n()}@fabrikam.example`;
    s.refused(
      await s.call(owner.token, 'POST', `/groups/${group.id}/members/add`, { emailAddress: email }),
      403,
      'invitation_setting_denied',
    );
    const [a] = await failures(email);
    expect(a).toMatchObject({
      category: 'UserManagement',
      loggedByService: 'Invited Users',
      result: 'failure',
      initiatedBy: { user: { id: owner.user.id } },
    });
    expect(a?.resultReason).toMatch(/Guest Inviter/);
    expect(a?.additionalDetails).toEqual(
      expect.arrayContaining([
        { key: 'invitedUserEmailAddress', value: email },
        { key: 'errorCode', value: 'invitation_setting_denied' },
        { key: 'groupId', value: group.id },
      ]),
    );
    // Nobody was created.
    const users = s.ok(await s.admin('GET', `/users?$filter=${encodeURIComponent(`mail eq '${email}'`)}`)).value;
    expect(users).toEqual([]);
  });

  it('POST /invitations: refused by the invite setting, and by the collaboration restrictions', async () => {
    const member = await t.createUser();
    const email = `graph.${s.n()}@fabrikam.example`;
    const res = await s.call(member.token, 'POST', '/invitations', {
      invitedUserEmailAddress: email,
      inviteRedirectUrl: 'https://apps.contoso.test/',
    });
    expect(res.statusCode).toBe(403);
    expect(await failures(email)).toHaveLength(1);

    const patch = (body: Record<string, unknown>) => s.admin('PATCH', '/policies/b2bManagementPolicies/default', body);
    s.ok(await patch({ invitationDomains: { mode: 'denyList', domains: ['blocked.example'] } }), 204);
    try {
      const blocked = `someone.${s.n()}@blocked.example`;
      const r = await s.admin('POST', '/invitations', {
        invitedUserEmailAddress: blocked,
        inviteRedirectUrl: 'https://apps.contoso.test/',
      });
      expect(r.statusCode).toBe(400);
      const [a] = await failures(blocked);
      expect(a?.initiatedBy.user?.id).toBe(t.admin.user.id);
      expect(a?.additionalDetails).toEqual(expect.arrayContaining([{ key: 'errorCode', value: 'invitation_domain_blocked' }]));
    } finally {
      s.ok(await patch({ invitationDomains: { mode: 'allowAll', domains: [] } }), 204);
    }
    // An invitation that goes through is not a failure.
    const fine = `fine.${s.n()}@fabrikam.example`;
    s.ok(
      await s.admin('POST', '/invitations', { invitedUserEmailAddress: fine, inviteRedirectUrl: 'https://apps.contoso.test/' }),
      201,
    );
    expect(await failures(fine)).toEqual([]);
  });
});
