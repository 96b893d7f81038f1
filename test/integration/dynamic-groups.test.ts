import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Group } from '../../src/contracts/groups.js';
import { systemContext } from '../../src/server/domain/context.js';
import { DomainError } from '../../src/server/domain/errors.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let n = 0;
const tag = () => `${randomBytes(3).toString('hex')}${n++}`;
const security = (displayName: string, extra: Record<string, unknown> = {}) => ({
  displayName,
  mailEnabled: false,
  mailNickname: `dyn${tag()}`,
  securityEnabled: true,
  ...extra,
});
const dynamic = (displayName: string, membershipRule: string, extra: Record<string, unknown> = {}) =>
  security(displayName, { groupTypes: ['DynamicMembership'], membershipRule, ...extra });
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
const bind = (id: string) => `https://graph.microsoft.com/v1.0/directoryObjects/${id}`;
const ALL_GUESTS = '(user.objectId -ne null) -and (user.userType -eq "Guest")';

async function create(body: unknown): Promise<Group> {
  const r = await t.call('POST', '/v1.0/groups', { token: t.admin.token, body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

async function patch(id: string, body: unknown): Promise<void> {
  const r = await t.call('PATCH', `/v1.0/groups/${id}`, { token: t.admin.token, body });
  expect(r.statusCode, r.body).toBe(204);
}

async function memberIds(groupId: string): Promise<string[]> {
  const r = await t.call('GET', `/v1.0/groups/${groupId}/members?$top=999`, { token: t.admin.token });
  expect(r.statusCode, r.body).toBe(200);
  return r
    .json()
    .value.map((m: { id: string }) => m.id)
    .sort();
}

/** Creates a user through POST /v1.0/users (the route a person or program uses). */
async function newUser(props: Record<string, unknown> = {}): Promise<{ id: string; userType: string }> {
  const id = tag();
  const r = await t.call('POST', '/v1.0/users', {
    token: t.admin.token,
    body: {
      displayName: `Dyn ${id}`,
      userPrincipalName: `dyn.${id}@contoso.test`,
      passwordProfile: { password: 'Correct-Horse-9' },
      ...props,
    },
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

async function patchUser(id: string, body: unknown): Promise<void> {
  const r = await t.call('PATCH', `/v1.0/users/${id}`, { token: t.admin.token, body });
  expect(r.statusCode, r.body).toBe(204);
}

async function invite(email = `guest.${tag()}@fabrikam.test`) {
  const r = await t.call('POST', '/v1.0/invitations', {
    token: t.admin.token,
    body: { invitedUserEmailAddress: email, inviteRedirectUrl: 'http://localhost:8080/myapps', sendInvitationMessage: false },
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; inviteRedeemUrl: string; invitedUser: { id: string } };
}

async function audits(groupId: string, memberId: string, activity: string) {
  const rows = await t.database.db
    .selectFrom('directory_audits as a')
    .innerJoin('directory_audit_targets as x', 'x.audit_id', 'a.id')
    .selectAll('a')
    .where('x.target_id', '=', memberId)
    .where('a.tenant_id', '=', t.tenant.id)
    .where('a.activity_display_name', '=', activity)
    .execute();
  return rows
    .map((r) => ({
      ...r,
      targets: JSON.parse(r.target_resources) as { id: string }[],
      initiatedBy: JSON.parse(r.initiated_by) as { user: unknown; app: { displayName: string } | null },
    }))
    .filter((r) => r.targets.some((x) => x.id === groupId));
}

function expectError(r: { statusCode: number; json(): unknown }, status: number, code: string, message?: RegExp) {
  expect(r.statusCode).toBe(status);
  const body = r.json() as { error: { code: string; message: string; details: { code: string; target?: string }[] } };
  expect(body.error.details[0]?.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
  return body.error;
}

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('membership from the rule', () => {
  it('computes the members when the group is created, and audits each as the rule engine', async () => {
    const dept = `Sales ${tag()}`;
    const a = await newUser({ department: dept });
    const b = await newUser({ department: dept.toUpperCase(), country: 'NG', city: 'Lagos' });
    await newUser({ department: `${dept}x` });
    const g = await create(dynamic('Sales team', `user.department -eq "${dept}"`));
    expect(g).toMatchObject({ membershipRule: `user.department -eq "${dept}"`, membershipRuleProcessingState: 'On' });
    expect(await memberIds(g.id)).toEqual([a.id, b.id].sort());

    const [audit] = await audits(g.id, a.id, 'Add member to group');
    expect(audit).toMatchObject({ category: 'GroupManagement', operation_type: 'Assign', result: 'success' });
    expect(audit?.initiatedBy.user).toBeNull();
    expect(audit?.initiatedBy.app?.displayName).toBe('Dynamic membership rules');

    // Listings built on group_members work unchanged: memberOf, transitiveMemberOf.
    const memberOf = await t.call('GET', `/v1.0/users/${a.id}/transitiveMemberOf`, { token: t.admin.token });
    expect(memberOf.json().value.map((x: { id: string }) => x.id)).toContain(g.id);
    // The new properties are stored and returned.
    const got = (await t.call('GET', `/v1.0/users/${b.id}`, { token: t.admin.token })).json();
    expect(got).toMatchObject({ country: 'NG', city: 'Lagos' });
  });

  it('keeps membership current as users are created, changed and deleted', async () => {
    const dept = `Ops ${tag()}`;
    const g = await create(dynamic('Ops', `user.department -eq "${dept}" -and user.accountEnabled -eq true`));
    expect(await memberIds(g.id)).toEqual([]);

    const u = await newUser({ department: dept });
    expect(await memberIds(g.id)).toEqual([u.id]);

    await patchUser(u.id, { accountEnabled: false });
    expect(await memberIds(g.id)).toEqual([]);
    const [removed] = await audits(g.id, u.id, 'Remove member from group');
    expect(removed?.initiatedBy.app?.displayName).toBe('Dynamic membership rules');

    await patchUser(u.id, { accountEnabled: true });
    expect(await memberIds(g.id)).toEqual([u.id]);
    await patchUser(u.id, { department: 'Elsewhere' });
    expect(await memberIds(g.id)).toEqual([]);
    await patchUser(u.id, { department: dept });
    expect(await memberIds(g.id)).toEqual([u.id]);

    expect((await t.call('DELETE', `/v1.0/users/${u.id}`, { token: t.admin.token })).statusCode).toBe(204);
    expect(await memberIds(g.id)).toEqual([]);
    const rows = await t.database.db.selectFrom('group_members').select('group_id').where('member_id', '=', u.id).execute();
    expect(rows).toEqual([]);
  });

  it('puts invited guests into an all-guests group at invitation, and keeps them there at redemption', async () => {
    const g = await create(dynamic('All guests', ALL_GUESTS));
    const members = await memberIds(g.id);
    const guests = await t.database.db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', t.tenant.id)
      .where('user_type', '=', 'Guest')
      .execute();
    expect(members).toEqual(guests.map((x) => x.id).sort());

    const inv = await invite();
    expect(await memberIds(g.id)).toContain(inv.invitedUser.id);
    expect(await audits(g.id, inv.invitedUser.id, 'Add member to group')).toHaveLength(1);

    const svc = t.app.portico.services.redemptions;
    const r = await svc.findRedemption(inv.id, new URL(inv.inviteRedeemUrl).searchParams.get('ticket') ?? '');
    expect(r).toBeDefined();
    expect(await svc.completeRedemption(r as NonNullable<typeof r>)).toBe(true);
    expect(await memberIds(g.id)).toContain(inv.invitedUser.id);

    // A member made a guest joins; the guest made a member leaves.
    const member = await newUser();
    expect(await memberIds(g.id)).not.toContain(member.id);
    await patchUser(member.id, { userType: 'Guest' });
    expect(await memberIds(g.id)).toContain(member.id);
    await patchUser(inv.invitedUser.id, { userType: 'Member' });
    expect(await memberIds(g.id)).not.toContain(inv.invitedUser.id);
    const all = await memberIds(g.id);
    const types = await t.database.db.selectFrom('users').select('user_type').where('id', 'in', all).execute();
    expect(new Set(types.map((x) => x.user_type))).toEqual(new Set(['Guest']));
  });

  it('freezes membership while Paused and recomputes when processing goes On again', async () => {
    const city = `Paris ${tag()}`;
    const stays = await newUser({ city });
    const leaves = await newUser({ city });
    const g = await create(dynamic('Paris', `user.city -eq "${city}"`));
    expect(await memberIds(g.id)).toEqual([stays.id, leaves.id].sort());

    await patch(g.id, { membershipRuleProcessingState: 'Paused' });
    expect((await t.call('GET', `/v1.0/groups/${g.id}`, { token: t.admin.token })).json().membershipRuleProcessingState).toBe(
      'Paused',
    );
    const joins = await newUser({ city });
    await patchUser(leaves.id, { city: 'Lyon' });
    expect(await memberIds(g.id)).toEqual([stays.id, leaves.id].sort());
    // Changing the rule while paused changes nothing either.
    await patch(g.id, { membershipRule: `user.city -eq "${city}" -or user.city -eq "Nowhere"` });
    expect(await memberIds(g.id)).toEqual([stays.id, leaves.id].sort());

    await patch(g.id, { membershipRuleProcessingState: 'On' });
    expect(await memberIds(g.id)).toEqual([stays.id, joins.id].sort());

    // Creating a group Paused computes nothing until it is turned On.
    const paused = await create(dynamic('Paris paused', `user.city -eq "${city}"`, { membershipRuleProcessingState: 'Paused' }));
    expect(await memberIds(paused.id)).toEqual([]);
    await patch(paused.id, { membershipRuleProcessingState: 'On' });
    expect(await memberIds(paused.id)).toEqual([stays.id, joins.id].sort());
  });

  it('recomputes when the rule changes', async () => {
    const co = `Fabrikam ${tag()}`;
    const a = await newUser({ companyName: co, jobTitle: 'Engineer' });
    const b = await newUser({ companyName: co, jobTitle: 'Manager' });
    const g = await create(dynamic('Fabrikam', `user.companyName -eq "${co}"`));
    expect(await memberIds(g.id)).toEqual([a.id, b.id].sort());
    await patch(g.id, { membershipRule: `user.companyName -eq "${co}" -and user.jobTitle -startsWith "eng"` });
    expect(await memberIds(g.id)).toEqual([a.id]);
    expect(await audits(g.id, b.id, 'Remove member from group')).toHaveLength(1);
    await patch(g.id, { membershipRule: `user.companyName -eq "${co}" -and user.jobTitle -in ["Manager", "Engineer"]` });
    expect(await memberIds(g.id)).toEqual([a.id, b.id].sort());
  });
});

describe('invalid rules', () => {
  it('answers 400 naming the position, on create and on update, and changes nothing', async () => {
    const cases: [string, RegExp][] = [
      ['user.department -eq "Sales" -and user.manager -eq "x"', /unknown property 'user.manager' at position 33/],
      ['user.department -like "Sales"', /unknown operator '-like' at position 16/],
      ['(user.department -eq "Sales"', /expected '\)' at position 28/],
      ['user.department -eq Sales', /expected a quoted string at position 20/],
      ['user.displayName -match "(a+)+$"', /regular expression at position 24/],
    ];
    for (const [rule, message] of cases) {
      const r = await t.call('POST', '/v1.0/groups', { token: t.admin.token, body: dynamic('Invalid', rule) });
      const err = expectError(r, 400, 'group_membership_rule_invalid', message);
      expect(err.code).toBe('Request_BadRequest');
      expect(err.details[0]?.target).toBe('membershipRule');
    }
    expect(await t.database.db.selectFrom('groups').select('id').where('display_name', '=', 'Invalid').execute()).toEqual([]);

    const g = await create(dynamic('Valid', 'user.department -eq "Valid"'));
    const r = await t.call('PATCH', `/v1.0/groups/${g.id}`, {
      token: t.admin.token,
      body: { membershipRule: 'user.department -eq "Valid" -or' },
    });
    expectError(r, 400, 'group_membership_rule_invalid', /at position 31/);
    const plain = await create(security('Plain'));
    const conv = await t.call('PATCH', `/v1.0/groups/${plain.id}`, {
      token: t.admin.token,
      body: { groupTypes: ['DynamicMembership'], membershipRule: 'user.dept -eq "x"' },
    });
    expectError(conv, 400, 'group_membership_rule_invalid', /user.dept/);
    expect((await t.call('GET', `/v1.0/groups/${g.id}`, { token: t.admin.token })).json().membershipRule).toBe(
      'user.department -eq "Valid"',
    );
    expect((await t.call('GET', `/v1.0/groups/${plain.id}`, { token: t.admin.token })).json().groupTypes).toEqual([]);
  });
});

describe('converting between assigned and dynamic', () => {
  it('replaces the members of a group made dynamic (guests included) with the rule result, and keeps them when made assigned', async () => {
    const dept = `Conv ${tag()}`;
    const g = await create(security('Assigned first'));
    const guest = await t.createUser({ userType: 'Guest' });
    const member = await newUser({ department: dept });
    const outsider = await newUser({ department: 'Other' });
    const nested = await create(security('Nested'));
    for (const id of [guest.user.id, member.id, outsider.id, nested.id]) {
      const r = await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token: t.admin.token, body: ref(id) });
      expect(r.statusCode, r.body).toBe(204);
    }
    const joiner = await newUser({ department: dept });

    await patch(g.id, {
      groupTypes: ['DynamicMembership'],
      membershipRule: `user.department -eq "${dept}" -and user.userType -eq "Member"`,
    });
    const got = (await t.call('GET', `/v1.0/groups/${g.id}`, { token: t.admin.token })).json();
    expect(got).toMatchObject({ groupTypes: ['DynamicMembership'], membershipRuleProcessingState: 'On' });
    expect(await memberIds(g.id)).toEqual([member.id, joiner.id].sort());
    for (const id of [guest.user.id, outsider.id, nested.id]) {
      const [audit] = await audits(g.id, id, 'Remove member from group');
      expect(audit?.initiatedBy.app?.displayName).toBe('Dynamic membership rules');
    }
    // The guest cannot come back by hand.
    const again = await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token: t.admin.token, body: ref(guest.user.id) });
    expectError(again, 400, 'group_dynamic_membership');

    // Dynamic → assigned: the rule goes, the members stay, and manual changes are allowed again.
    await patch(g.id, { groupTypes: [] });
    const assigned = (await t.call('GET', `/v1.0/groups/${g.id}`, { token: t.admin.token })).json();
    expect(assigned).toMatchObject({ groupTypes: [], membershipRule: null, membershipRuleProcessingState: null });
    expect(await memberIds(g.id)).toEqual([member.id, joiner.id].sort());
    await patchUser(member.id, { department: 'Moved' });
    expect(await memberIds(g.id)).toEqual([member.id, joiner.id].sort());
  });
});

describe('manual membership of dynamic and synced groups', () => {
  it('refuses every manual path into a dynamic group, guests and members alike', async () => {
    const g = await create(dynamic('All guests (manual)', ALL_GUESTS));
    const member = await newUser();
    const guest = await t.createUser({ userType: 'Guest' });
    expect(await memberIds(g.id)).toContain(guest.user.id);
    const before = await memberIds(g.id);

    expectError(
      await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token: t.admin.token, body: ref(member.id) }),
      400,
      'group_dynamic_membership',
    );
    expectError(
      await t.call('DELETE', `/v1.0/groups/${g.id}/members/${guest.user.id}/$ref`, { token: t.admin.token }),
      400,
      'group_dynamic_membership',
    );
    expectError(
      await t.call('PATCH', `/v1.0/groups/${g.id}`, { token: t.admin.token, body: { 'members@odata.bind': [bind(member.id)] } }),
      400,
      'group_dynamic_membership',
    );
    expectError(
      await t.call('POST', '/v1.0/groups', {
        token: t.admin.token,
        body: dynamic('Bound', ALL_GUESTS, { 'members@odata.bind': [bind(member.id)] }),
      }),
      400,
      'group_dynamic_membership',
    );
    // My Groups' add: an existing member, an existing guest, and a new guest (an invitation into the group).
    expectError(
      await t.call('POST', `/v1.0/groups/${g.id}/members/add`, { token: t.admin.token, body: { userId: member.id } }),
      400,
      'group_dynamic_membership',
    );
    const sentence =
      'You cannot add guest users to a dynamic group or to a group that is synced with on-premises Active Directory.';
    const email = `new.${tag()}@fabrikam.test`;
    for (const body of [{ userId: guest.user.id }, { emailAddress: guest.user.mail }, { emailAddress: email }]) {
      const r = await t.call('POST', `/v1.0/groups/${g.id}/members/add`, { token: t.admin.token, body });
      expect(expectError(r, 400, 'group_dynamic_membership').message).toMatch(/dynamic group/);
    }
    const r = await t.call('POST', `/v1.0/groups/${g.id}/members/add`, { token: t.admin.token, body: { emailAddress: email } });
    expect(expectError(r, 400, 'group_dynamic_membership').message).toBe(sentence);
    expect(await t.database.db.selectFrom('users').select('id').where('mail_lower', '=', email).execute()).toEqual([]);
    expect(await memberIds(g.id)).toEqual(before);
  });

  it('refuses at the write itself, even for a caller holding a stale copy of a group made dynamic since', async () => {
    const g = await create(security('Soon dynamic'));
    const stale = await t.app.portico.services.groups.findGroup(t.tenant.id, g.id);
    // A rule that new guests do not satisfy: only a manual add could put one there.
    await patch(g.id, { groupTypes: ['DynamicMembership'], membershipRule: 'user.userType -eq "Member"' });
    const email = `stale.${tag()}@fabrikam.test`;
    const ctx = systemContext(t.tenant.id, 'test');
    const attempt = t.app.portico.services.invitations.inviteToGroup(
      ctx,
      { invitedUserEmailAddress: email, inviteRedirectUrl: 'http://localhost:8080/myapps', sendInvitationMessage: false },
      stale as Group,
    );
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    await expect(attempt).rejects.toMatchObject({ code: 'group_dynamic_membership' });
    // All or nothing: no guest was created.
    expect(await t.database.db.selectFrom('users').select('id').where('mail_lower', '=', email).execute()).toEqual([]);
  });

  it('refuses manual paths into a synced group; only its source (the system caller) manages it', async () => {
    const g = await t.createSyncedGroup(security('Synced'));
    const member = await newUser();
    const guest = await t.createUser({ userType: 'Guest' });
    expectError(
      await t.call('POST', `/v1.0/groups/${g.id}/members/$ref`, { token: t.admin.token, body: ref(guest.user.id) }),
      400,
      'group_synced',
    );
    expectError(
      await t.call('PATCH', `/v1.0/groups/${g.id}`, { token: t.admin.token, body: { 'members@odata.bind': [bind(member.id)] } }),
      400,
      'group_synced',
    );
    const sentence =
      'You cannot add guest users to a dynamic group or to a group that is synced with on-premises Active Directory.';
    for (const body of [{ userId: guest.user.id }, { emailAddress: `s.${tag()}@fabrikam.test` }]) {
      const r = await t.call('POST', `/v1.0/groups/${g.id}/members/add`, { token: t.admin.token, body });
      expect(expectError(r, 400, 'group_synced').message).toBe(sentence);
    }
    expectError(
      await t.call('POST', `/v1.0/groups/${g.id}/members/add`, { token: t.admin.token, body: { userId: member.id } }),
      400,
      'group_synced',
    );
    expect(await memberIds(g.id)).toEqual([]);
    await t.app.portico.services.groupMembers.addMember(systemContext(t.tenant.id, 'sync'), g.id, member.id);
    expect(await memberIds(g.id)).toEqual([member.id]);
  });
});

describe('cost of a user change', () => {
  it('evaluates only the changed user: no tenant scan, no change to anyone else', async () => {
    const title = `Analyst ${tag()}`;
    const users = [];
    for (let i = 0; i < 12; i++) users.push(await newUser({ jobTitle: title }));
    const g = await create(dynamic('Analysts', `user.jobTitle -eq "${title}"`));
    expect(await memberIds(g.id)).toEqual(users.map((u) => u.id).sort());

    const scan = vi.spyOn(t.app.portico.services.users, 'listUsersAfter');
    try {
      const [first, ...others] = users as [(typeof users)[number], ...typeof users];
      await patchUser(first.id, { jobTitle: 'Retired' });
      const fresh = await newUser({ jobTitle: title });
      await t.call('DELETE', `/v1.0/users/${others[0]?.id}`, { token: t.admin.token });
      await invite();
      // The per-user path never reads the tenant's users …
      expect(scan).not.toHaveBeenCalled();
      expect(await memberIds(g.id)).toEqual([...others.slice(1).map((u) => u.id), fresh.id].sort());
      // … and touches no one else: the only rule-engine records since are the changed users'.
      for (const u of others.slice(1)) expect(await audits(g.id, u.id, 'Remove member from group')).toEqual([]);
      for (const u of others.slice(1)) expect(await audits(g.id, u.id, 'Add member to group')).toHaveLength(1);
      // A rule change, by contrast, scans the tenant (in batches).
      await patch(g.id, { membershipRule: `user.jobTitle -eq "${title}" -or user.jobTitle -eq "Retired"` });
      expect(scan).toHaveBeenCalled();
      expect(await memberIds(g.id)).toContain(first.id);
    } finally {
      scan.mockRestore();
    }
  });
});

describe('concurrent changes', () => {
  it('ends with exactly the rule result when users are created and invited while the group becomes dynamic', async () => {
    const dept = `Race ${tag()}`;
    const g = await create(security('Race'));
    const calls: Promise<{ statusCode: number; body: string }>[] = [];
    calls.push(
      t.call('PATCH', `/v1.0/groups/${g.id}`, {
        token: t.admin.token,
        body: { groupTypes: ['DynamicMembership'], membershipRule: `user.department -eq "${dept}"` },
      }),
    );
    for (let i = 0; i < 4; i++) {
      const id = tag();
      calls.push(
        t.call('POST', '/v1.0/users', {
          token: t.admin.token,
          body: {
            displayName: `Race ${id}`,
            userPrincipalName: `race.${id}@contoso.test`,
            passwordProfile: { password: 'Correct-Horse-9' },
            department: dept,
          },
        }),
      );
      // An invitation into the group while it becomes dynamic: added before, or refused after.
      calls.push(
        t.call('POST', `/v1.0/groups/${g.id}/members/add`, {
          token: t.admin.token,
          body: { emailAddress: `race.${id}@fabrikam.test` },
        }),
      );
    }
    const results = await Promise.all(calls);
    for (const r of results) expect([200, 201, 204, 400], r.body).toContain(r.statusCode);
    expect(results[0]?.statusCode).toBe(204);
    const expected = await t.database.db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', t.tenant.id)
      .where('department', '=', dept)
      .execute();
    expect(expected).toHaveLength(4);
    expect(await memberIds(g.id)).toEqual(expected.map((u) => u.id).sort());
  });
});
