import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// Who may touch another user's credentials and sign-in identity (Entra's "Who can reset passwords"
// and "Who can perform sensitive actions" tables, domain/authorization.ts). The review's finding:
// a Helpdesk Administrator reset the redemption of a member holding Groups Administrator to an
// address of their own, redeemed it and signed in as that member. Both databases.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { PORTICO_OUTBOX_WORKER: 'off', PORTICO_INVITATION_RATE_LIMIT: '1000/5' } });
});
afterAll(async () => {
  await t?.close();
});

let n = 0;
const mailbox = () => `attacker${n++}@evil.example`;
const resetRedemption = (token: string, userId: string, email = mailbox()) =>
  t.call('POST', '/v1.0/invitations', {
    token,
    body: {
      invitedUserEmailAddress: email,
      inviteRedirectUrl: 'https://apps.contoso.test/',
      invitedUser: { id: userId },
      resetRedemption: true,
    },
  });
const patch = (token: string, userId: string, body: Record<string, unknown>) =>
  t.call('PATCH', `/v1.0/users/${userId}`, { token, body });
const getUser = async (id: string) => (await t.call('GET', `/v1.0/users/${id}`, { token: t.admin.token })).json();

describe('Helpdesk Administrator', () => {
  it('cannot reset the redemption of a member holding Groups Administrator (the account takeover), nor change their addresses or password', async () => {
    const helpdesk = await t.createUser({ displayName: 'Hal Helpdesk', roles: [RoleIds.helpdeskAdministrator] });
    const victim = await t.createUser({ displayName: 'Gru Groups', roles: [RoleIds.groupsAdministrator] });
    const before = await getUser(victim.user.id);

    const reset = await resetRedemption(helpdesk.token, victim.user.id);
    expect(reset.statusCode, reset.body).toBe(403);
    expect(reset.json().error.details[0].code).toBe('authorization_denied');
    for (const body of [
      { mail: mailbox() },
      { otherMails: [mailbox()] },
      { passwordProfile: { password: 'An0ther-Passw0rd!' } },
      { accountEnabled: false },
    ]) {
      expect((await patch(helpdesk.token, victim.user.id, body)).statusCode, JSON.stringify(body)).toBe(403);
    }
    const revoke = await t.call('DELETE', `/v1.0/users/${victim.user.id}`, { token: helpdesk.token });
    expect(revoke.statusCode).toBe(403);
    const after = await getUser(victim.user.id);
    expect(after).toMatchObject({
      mail: before.mail,
      otherMails: before.otherMails,
      externalUserState: before.externalUserState,
    });
  });

  it('may reset the password and the redemption of users with no role or a role in its column', async () => {
    const helpdesk = await t.createUser({ roles: [RoleIds.helpdeskAdministrator] });
    const plain = await t.createUser({ displayName: 'Pat Plain' });
    const inviter = await t.createUser({ displayName: 'Gia Inviter', roles: [RoleIds.guestInviter] });
    expect((await patch(helpdesk.token, plain.user.id, { passwordProfile: { password: 'Fresh-Passw0rd!' } })).statusCode).toBe(
      204,
    );
    expect((await resetRedemption(helpdesk.token, inviter.user.id)).statusCode).toBe(201);
    // But not their names or addresses: those are "sensitive actions", not in a Helpdesk Administrator's column.
    expect((await patch(helpdesk.token, plain.user.id, { mail: mailbox() })).statusCode).toBe(403);
    expect((await patch(helpdesk.token, plain.user.id, { jobTitle: 'Boss' })).statusCode).toBe(403);
  });
});

describe('User Administrator and above', () => {
  it('a User Administrator acts on Groups and User Administrators, never on privileged administrators', async () => {
    const ua = await t.createUser({ roles: [RoleIds.userAdministrator] });
    const groupsAdmin = await t.createUser({ roles: [RoleIds.groupsAdministrator] });
    const otherUa = await t.createUser({ roles: [RoleIds.userAdministrator] });
    const appAdmin = await t.createUser({ roles: [RoleIds.applicationAdministrator] });
    const ga = await t.createUser({ roles: [RoleIds.globalAdministrator] });
    expect((await resetRedemption(ua.token, groupsAdmin.user.id)).statusCode).toBe(201);
    expect((await patch(ua.token, otherUa.user.id, { accountEnabled: false })).statusCode).toBe(204);
    for (const target of [appAdmin, ga]) {
      expect((await resetRedemption(ua.token, target.user.id)).statusCode).toBe(403);
      expect((await patch(ua.token, target.user.id, { passwordProfile: { password: 'Fresh-Passw0rd!' } })).statusCode).toBe(403);
      expect((await t.call('DELETE', `/v1.0/users/${target.user.id}`, { token: ua.token })).statusCode).toBe(403);
    }
  });

  it('a Global Administrator acts on everyone; resetting an internal member converts it to B2B and is audited as such', async () => {
    const appAdmin = await t.createUser({ displayName: 'Ann App', roles: [RoleIds.applicationAdministrator] });
    const email = mailbox();
    const reset = await resetRedemption(t.admin.token, appAdmin.user.id, email);
    expect(reset.statusCode, reset.body).toBe(201);
    const after = await getUser(appAdmin.user.id);
    expect(after).toMatchObject({ mail: email, externalUserState: 'PendingAcceptance', creationType: 'Invitation' });
    const audits = await t.call(
      'GET',
      `/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Invite internal user to B2B collaboration'`,
      { token: t.admin.token },
    );
    const rows = audits.json().value as { targetResources: { id: string }[] }[];
    expect(rows.some((r) => r.targetResources.some((x) => x.id === appAdmin.user.id))).toBe(true);
    // The internal password no longer signs the account in: it is a B2B account now.
    const row = await t.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', appAdmin.user.id)
      .executeTakeFirst();
    expect(row?.password_hash).toBeNull();
  });

  it('applications with User.ReadWrite.All act only on users without directory roles', async () => {
    const app = await t.appToken(['User.ReadWrite.All']);
    const plain = await t.createUser();
    const inviter = await t.createUser({ roles: [RoleIds.guestInviter] });
    expect((await patch(app, plain.user.id, { accountEnabled: false })).statusCode).toBe(204);
    expect((await patch(app, inviter.user.id, { accountEnabled: false })).statusCode).toBe(403);
    expect((await resetRedemption(app, inviter.user.id)).statusCode).toBe(403);
  });
});
