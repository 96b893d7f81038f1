import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

let t: TestApp;
let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
  t = await buildTestApp({
    env: { PORTICO_SMTP_URL: sink.url, PORTICO_OUTBOX_WORKER: 'off', PORTICO_INVITATION_RATE_LIMIT: '1000/5' },
  });
});
afterAll(async () => {
  await t?.close();
  await sink?.stop();
});

let n = 0;
const address = (domain = 'fabrikam.example') => `guest${Date.now().toString(36)}${n++}@${domain}`;
const invite = (token: string, body: Record<string, unknown>) => t.call('POST', '/v1.0/invitations', { token, body });
const basic = (email: string, extra: Record<string, unknown> = {}) => ({
  invitedUserEmailAddress: email,
  inviteRedirectUrl: 'https://apps.contoso.test/welcome',
  ...extra,
});
const setPolicy = (body: Record<string, unknown>) =>
  t.call('PATCH', '/v1.0/policies/authorizationPolicy', { token: t.admin.token, body });
const audits = (activity: string, targetId: string) =>
  t.database.db
    .selectFrom('directory_audits')
    .innerJoin('directory_audit_targets', 'directory_audit_targets.audit_id', 'directory_audits.id')
    .selectAll('directory_audits')
    .where('activity_display_name', '=', activity)
    .where('directory_audit_targets.target_id', '=', targetId)
    .execute();
const outboxTo = async (email: string) =>
  (await t.database.db.selectFrom('outbox').selectAll().where('kind', '=', 'invitation').execute()).filter((r) =>
    (JSON.parse(r.payload).to as string[]).includes(email),
  );

describe(`POST /v1.0/invitations (${dialect})`, () => {
  it('finds the user who lists the address among otherMails (any case), and stops when the address is removed', async () => {
    const other = address('personal.example');
    const { user } = await t.createUser({ displayName: 'Olga Other' });
    const patch = (otherMails: string[]) =>
      t.call('PATCH', `/v1.0/users/${user.id}`, { token: t.admin.token, body: { otherMails } });
    expect((await patch([other])).statusCode).toBe(204);
    const found = await invite(t.admin.token, basic(other.toUpperCase()));
    expect(found.statusCode).toBe(201);
    expect(found.json()).toMatchObject({ invitedUser: { id: user.id }, status: 'Completed' });
    expect((await patch([])).statusCode).toBe(204);
    const fresh = await invite(t.admin.token, basic(other));
    expect(fresh.statusCode).toBe(201);
    expect(fresh.json().invitedUser.id).not.toBe(user.id);
  });

  it('creates a pending guest, the invitation, a hashed ticket and the audit record in one go', async () => {
    const email = address();
    const res = await invite(
      t.admin.token,
      basic(email, {
        invitedUserDisplayName: 'Gita Guest',
        sendInvitationMessage: true,
        invitedUserMessageInfo: { customizedMessageBody: 'Welcome aboard', messageLanguage: 'en-US' },
      }),
    );
    expect(res.statusCode).toBe(201);
    const inv = res.json();
    expect(inv['@odata.context']).toMatch(/\$metadata#invitations\/\$entity$/);
    expect(inv).toMatchObject({
      invitedUserEmailAddress: email,
      invitedUserDisplayName: 'Gita Guest',
      invitedUserType: 'Guest',
      inviteRedirectUrl: 'https://apps.contoso.test/welcome',
      sendInvitationMessage: true,
      status: 'PendingAcceptance',
      invitedUserMessageInfo: { customizedMessageBody: 'Welcome aboard', messageLanguage: 'en-US', ccRecipients: [] },
      invitedUserSponsors: [{ id: t.admin.user.id }],
    });
    expect(inv.inviteRedeemUrl).toMatch(new RegExp(`^http://localhost:8080/redeem/${inv.id}\\?ticket=[A-Za-z0-9_-]{40,}$`));
    const ticket = new URL(inv.inviteRedeemUrl).searchParams.get('ticket') ?? '';
    const row = await t.database.db.selectFrom('invitations').selectAll().where('id', '=', inv.id).executeTakeFirstOrThrow();
    expect(row.ticket_hash).not.toContain(ticket);
    expect(row.ticket_hash).toMatch(/^[0-9a-f]{64}$/);

    const user = (await t.call('GET', `/v1.0/users/${inv.invitedUser.id}`, { token: t.admin.token })).json();
    expect(user).toMatchObject({
      displayName: 'Gita Guest',
      mail: email,
      userType: 'Guest',
      creationType: 'Invitation',
      externalUserState: 'PendingAcceptance',
      accountEnabled: true,
      userPrincipalName: `${email.replace('@', '_')}#EXT#@contoso.test`,
    });
    expect(user.externalUserStateChangeDateTime).toBeTruthy();
    expect(await audits('Invite external user', user.id)).toHaveLength(1);
    expect(await outboxTo(email)).toHaveLength(1);
    const sponsors = (await t.call('GET', `/v1.0/users/${user.id}/sponsors`, { token: t.admin.token })).json();
    expect(sponsors.value.map((s: { id: string }) => s.id)).toEqual([t.admin.user.id]);
  });

  it('sends no e-mail by default (sendInvitationMessage defaults to false, as in Graph)', async () => {
    const email = address();
    const res = await invite(t.admin.token, basic(email));
    expect(res.statusCode).toBe(201);
    expect(res.json().sendInvitationMessage).toBe(false);
    expect(await outboxTo(email)).toHaveLength(0);
  });

  it('validates input and answers in the Graph error envelope', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ inviteRedirectUrl: 'https://x.test' }, /invitedUserEmailAddress/],
      [{ invitedUserEmailAddress: 'a@b.example' }, /inviteRedirectUrl/],
      [basic('not an address'), /spaces|@/],
      [basic('a+tag@fabrikam.example'), /Plus-addressing/],
      [basic('a(b)@fabrikam.example'), /not allowed/],
      [basic('.lead@fabrikam.example'), /before @/],
      [basic('x\u0007y@fabrikam.example'), /control/],
      [basic(`${'a'.repeat(250)}@b.example`), /254/],
      [basic('a@b.example', { inviteRedirectUrl: 'javascript:alert(1)' }), /inviteRedirectUrl/],
      [basic('a@b.example', { invitedUserType: 'Admin' }), /invitedUserType/],
      [basic('a@b.example', { invitedUserMessageInfo: { customizedMessageBody: 'x'.repeat(4001) } }), /4000/],
      [
        basic('a@b.example', {
          invitedUserMessageInfo: {
            ccRecipients: [{ emailAddress: { address: 'c1@b.example' } }, { emailAddress: { address: 'c2@b.example' } }],
          },
        }),
        /one ccRecipient/,
      ],
      [basic('a@b.example', { resetRedemption: true }), /invitedUser\.id is required/],
      [basic('a@b.example', { unexpected: true }), /unexpected|Unrecognized/],
    ];
    for (const [body, msg] of cases) {
      const res = await invite(t.admin.token, body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.json().error.code).toBe('Request_BadRequest');
      expect(res.json().error.message).toMatch(msg);
    }
  });

  it('is idempotent per address: pending → re-sent, accepted guest and member → Completed, no duplicate user', async () => {
    const email = address();
    const first = (await invite(t.admin.token, basic(email.toUpperCase(), { sendInvitationMessage: true }))).json();
    const again = await invite(t.admin.token, basic(email, { sendInvitationMessage: true }));
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ status: 'PendingAcceptance', invitedUser: { id: first.invitedUser.id } });
    expect(again.json().id).not.toBe(first.id);
    expect(await outboxTo(email)).toHaveLength(1); // the first was sent to the upper-case spelling
    const users = await t.database.db.selectFrom('users').select('id').where('mail_lower', '=', email).execute();
    expect(users).toHaveLength(1);

    // Accepted guest → Completed with that user, no mail.
    await t.database.db
      .updateTable('users')
      .set({ external_user_state: 'Accepted' })
      .where('id', '=', first.invitedUser.id)
      .execute();
    const accepted = await invite(t.admin.token, basic(email, { sendInvitationMessage: true }));
    expect(accepted.json()).toMatchObject({ status: 'Completed', invitedUser: { id: first.invitedUser.id } });

    const member = await t.createUser({ mail: `m.${address('contoso.test')}` });
    const asMember = await invite(t.admin.token, basic(member.user.mail ?? '', { sendInvitationMessage: true }));
    expect(asMember.statusCode).toBe(201);
    expect(asMember.json()).toMatchObject({ status: 'Completed', invitedUser: { id: member.user.id } });
  });

  it('20 simultaneous invitations of one address create exactly one user, all answered 201', async () => {
    const email = address();
    const results = await Promise.all(Array.from({ length: 20 }, () => invite(t.admin.token, basic(email))));
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.json().invitedUser.id)).size).toBe(1);
    const users = await t.database.db.selectFrom('users').select('id').where('mail_lower', '=', email).execute();
    expect(users).toHaveLength(1);
  });

  it('applies the guest invite setting × role matrix with messages that name the setting', async () => {
    const roles = {
      globalAdmin: await t.createUser({ roles: [RoleIds.globalAdministrator] }),
      userAdmin: await t.createUser({ roles: [RoleIds.userAdministrator] }),
      guestInviter: await t.createUser({ roles: [RoleIds.guestInviter] }),
      groupsAdmin: await t.createUser({ roles: [RoleIds.groupsAdministrator] }),
      member: await t.createUser(),
      guest: await t.createUser({ userType: 'Guest' }),
    };
    //                          none   admins  members everyone
    const expected: Record<keyof typeof roles, boolean[]> = {
      globalAdmin: [false, true, true, true],
      userAdmin: [false, true, true, true],
      guestInviter: [false, true, true, true],
      groupsAdmin: [false, false, true, true],
      member: [false, false, true, true],
      guest: [false, false, false, true],
    };
    const settings = ['none', 'adminsAndGuestInviters', 'adminsGuestInvitersAndAllMembers', 'everyone'];
    try {
      for (const [i, setting] of settings.entries()) {
        expect((await setPolicy({ allowInvitesFrom: setting })).statusCode).toBe(204);
        for (const [name, who] of Object.entries(roles)) {
          const res = await invite(who.token, basic(address()));
          const allowed = expected[name as keyof typeof roles][i];
          expect(res.statusCode, `${name} under ${setting}`).toBe(allowed ? 201 : 403);
          if (!allowed) {
            expect(res.json().error.code).toBe('Authorization_RequestDenied');
            expect(res.json().error.message).toMatch(/guest invite setting/);
          }
        }
      }
      const app = await t.appToken(['User.Invite.All']);
      await setPolicy({ allowInvitesFrom: 'none' });
      expect((await invite(app, basic(address()))).statusCode).toBe(201);
      const noPerm = await t.appToken(['User.Read.All']);
      expect((await invite(noPerm, basic(address()))).statusCode).toBe(403);
    } finally {
      await setPolicy({ allowInvitesFrom: 'adminsAndGuestInviters' });
    }
    const member = await invite(roles.guestInviter.token, basic(address(), { invitedUserType: 'Member' }));
    expect(member.statusCode).toBe(403);
    expect(member.json().error.message).toMatch(/as members/);
    const asAdmin = await invite(t.admin.token, basic(address(), { invitedUserType: 'Member' }));
    expect(asAdmin.statusCode).toBe(201);
    expect(asAdmin.json().invitedUserType).toBe('Member');
  });

  it('enforces the domain allow/deny list (one list type at a time, sub-domains included)', async () => {
    const patch = (body: Record<string, unknown>) =>
      t.call('PATCH', '/v1.0/policies/b2bManagementPolicies/default', { token: t.admin.token, body });
    try {
      expect((await patch({ invitationDomains: { mode: 'denyList', domains: ['blocked.example'] } })).statusCode).toBe(204);
      const denied = await invite(t.admin.token, basic(address('sub.blocked.example')));
      expect(denied.statusCode).toBe(400);
      expect(denied.json().error.message).toMatch(/blocked by your organization's collaboration restrictions/);
      expect((await invite(t.admin.token, basic(address('fine.example')))).statusCode).toBe(201);

      const graphForm = JSON.stringify({
        B2BManagementPolicy: { InvitationsAllowedAndBlockedDomainsPolicy: { AllowedDomains: ['partner.example'] } },
      });
      expect((await patch({ definition: [graphForm] })).statusCode).toBe(204);
      const got = (await t.call('GET', '/v1.0/policies/b2bManagementPolicies/default', { token: t.admin.token })).json();
      expect(got.invitationDomains).toEqual({ mode: 'allowList', domains: ['partner.example'] });
      expect(JSON.parse(got.definition[0])).toEqual(JSON.parse(graphForm));
      expect((await invite(t.admin.token, basic(address('partner.example')))).statusCode).toBe(201);
      expect((await invite(t.admin.token, basic(address('fine.example')))).statusCode).toBe(400);

      const both = JSON.stringify({
        B2BManagementPolicy: {
          InvitationsAllowedAndBlockedDomainsPolicy: { AllowedDomains: ['a.example'], BlockedDomains: ['b.example'] },
        },
      });
      const bad = await patch({ definition: [both] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toMatch(/either AllowedDomains or BlockedDomains/);
      const { token } = await t.createUser({ roles: [RoleIds.userAdministrator] });
      expect(
        (
          await t.call('PATCH', '/v1.0/policies/b2bManagementPolicies/default', {
            token,
            body: { invitationDomains: { mode: 'allowAll' } },
          })
        ).statusCode,
      ).toBe(403);
    } finally {
      await patch({ invitationDomains: { mode: 'allowAll' } });
    }
  });

  it("allowedRedirectHosts restricts inviteRedirectUrl, resends and resets included; Portico's own address is always allowed", async () => {
    const patch = (body: Record<string, unknown>) =>
      t.call('PATCH', '/v1.0/policies/b2bManagementPolicies/default', { token: t.admin.token, body });
    const refusedCode = (res: { statusCode: number; json(): { error: { details: { code: string }[]; message: string } } }) => {
      expect(res.statusCode).toBe(400);
      return res.json().error.details[0]?.code;
    };
    // Graph's default: any host.
    const initial = (await t.call('GET', '/v1.0/policies/b2bManagementPolicies/default', { token: t.admin.token })).json();
    expect(initial.allowedRedirectHosts).toEqual([]);
    const pending = (await invite(t.admin.token, basic(address(), { inviteRedirectUrl: 'https://old.example/start' }))).json();
    expect(pending.inviteRedirectUrl).toBe('https://old.example/start');
    try {
      expect(
        (await patch({ allowedRedirectHosts: ['Apps.Contoso.test', '*.partner.example', 'apps.contoso.test.'] })).statusCode,
      ).toBe(204);
      const got = (await t.call('GET', '/v1.0/policies/b2bManagementPolicies/default', { token: t.admin.token })).json();
      expect(got.allowedRedirectHosts).toEqual(['apps.contoso.test', '*.partner.example']);
      // The domain list is untouched, and the change is audited.
      expect(got.invitationDomains).toEqual(initial.invitationDomains);
      const policyAudits = await t.database.db
        .selectFrom('directory_audits')
        .select('target_resources')
        .where('activity_display_name', '=', 'Update policy')
        .execute();
      expect(
        policyAudits.some(
          (a) => a.target_resources.includes('allowedRedirectHosts') && a.target_resources.includes('*.partner.example'),
        ),
      ).toBe(true);

      for (const ok of [
        'https://apps.contoso.test/welcome',
        'http://apps.contoso.test:8443/x',
        'https://team.partner.example/',
      ]) {
        const res = await invite(t.admin.token, basic(address(), { inviteRedirectUrl: ok }));
        expect(res.statusCode, `${ok}: ${res.body}`).toBe(201);
      }
      for (const bad of [
        'https://evil.example/',
        'https://partner.example/',
        'https://apps.contoso.test.evil.example/',
        'https://apps.contoso.test@evil.example/',
        'https://evil.example/?next=https://apps.contoso.test/',
        'https://xapps.contoso.test/',
      ]) {
        const res = await invite(t.admin.token, basic(address(), { inviteRedirectUrl: bad }));
        expect(refusedCode(res), bad).toBe('invitation_redirect_not_allowed');
      }
      const named = await invite(t.admin.token, basic(address(), { inviteRedirectUrl: 'https://evil.example/x' }));
      expect(named.json().error.message).toContain("'evil.example'");
      // Portico's own address (My Apps: the default of resends and My Groups) is always allowed.
      expect(
        (await invite(t.admin.token, basic(address(), { inviteRedirectUrl: 'http://localhost:8080/myapps' }))).statusCode,
      ).toBe(201);
      // My Groups invitations redirect to My Apps: allowed.
      const group = (
        await t.call('POST', '/v1.0/groups', {
          token: t.admin.token,
          body: { displayName: 'Redirects', mailEnabled: false, mailNickname: `r${n++}`, securityEnabled: true },
        })
      ).json();
      const viaGroup = await t.call('POST', `/v1.0/groups/${group.id}/members/add`, {
        token: t.admin.token,
        body: { emailAddress: address() },
      });
      expect(viaGroup.statusCode, viaGroup.body).toBe(200);
      expect(viaGroup.json().invitation.inviteRedirectUrl).toBe('http://localhost:8080/myapps');
      // A resend reuses the pending invitation's URL: refused once its host is no longer allowed.
      const resend = await t.call('POST', `/v1.0/users/${pending.invitedUser.id}/resendInvitation`, { token: t.admin.token });
      expect(refusedCode(resend)).toBe('invitation_redirect_not_allowed');
      // Reset redemption is an invitation like any other.
      const reset = await invite(
        t.admin.token,
        basic(address(), {
          invitedUser: { id: pending.invitedUser.id },
          resetRedemption: true,
          inviteRedirectUrl: 'https://evil.example/',
        }),
      );
      expect(refusedCode(reset)).toBe('invitation_redirect_not_allowed');

      // Entries must be host names (optionally *.), not URLs.
      for (const wrong of [['https://apps.contoso.test'], ['apps.contoso.test/path'], ['*'], ['a..b']]) {
        const res = await patch({ allowedRedirectHosts: wrong });
        expect(res.statusCode, JSON.stringify(wrong)).toBe(400);
        expect(res.json().error.message).toMatch(/allowedRedirectHosts/);
      }
      // Only policy administrators change it.
      const { token } = await t.createUser({ roles: [RoleIds.userAdministrator] });
      const denied = await t.call('PATCH', '/v1.0/policies/b2bManagementPolicies/default', {
        token,
        body: { allowedRedirectHosts: [] },
      });
      expect(denied.statusCode).toBe(403);
    } finally {
      expect((await patch({ allowedRedirectHosts: [] })).statusCode).toBe(204);
    }
    // Empty again: any host.
    expect((await invite(t.admin.token, basic(address(), { inviteRedirectUrl: 'https://evil.example/' }))).statusCode).toBe(201);
  });

  it('throttles invitations per tenant with 429 and Retry-After', async () => {
    const small = await buildTestApp({ env: { PORTICO_INVITATION_RATE_LIMIT: '3/60', PORTICO_OUTBOX_WORKER: 'off' } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await small.call('POST', '/v1.0/invitations', { token: small.admin.token, body: basic(address()) });
        codes.push(r.statusCode);
        if (r.statusCode === 429) {
          expect(r.json().error.code).toBe('TooManyRequests');
          expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
      expect(codes).toEqual([201, 201, 201, 429, 429]);
    } finally {
      await small.close();
    }
  });

  it('reset redemption keeps the user object and memberships, issues a new link and revokes the old one', async () => {
    const email = address();
    const inv = (await invite(t.admin.token, basic(email))).json();
    const userId = inv.invitedUser.id;
    const group = (
      await t.call('POST', '/v1.0/groups', {
        token: t.admin.token,
        body: { displayName: 'Partners', mailEnabled: false, mailNickname: `p${n++}`, securityEnabled: true },
      })
    ).json();
    await t.call('POST', `/v1.0/groups/${group.id}/members/$ref`, {
      token: t.admin.token,
      body: { '@odata.id': `http://localhost:8080/v1.0/directoryObjects/${userId}` },
    });
    await t.database.db.updateTable('users').set({ external_user_state: 'Accepted' }).where('id', '=', userId).execute();
    const svc = t.app.portico.services.redemptions;
    const oldTicket = new URL(inv.inviteRedeemUrl).searchParams.get('ticket') ?? '';
    expect(await svc.findRedemption(inv.id, oldTicket)).toBeDefined();

    const newEmail = address();
    const helpdesk = await t.createUser({ roles: [RoleIds.helpdeskAdministrator] });
    const reset = await invite(helpdesk.token, basic(newEmail, { invitedUser: { id: userId }, resetRedemption: true }));
    expect(reset.statusCode).toBe(201);
    expect(reset.json()).toMatchObject({ status: 'PendingAcceptance', resetRedemption: true, invitedUser: { id: userId } });
    const user = (await t.call('GET', `/v1.0/users/${userId}`, { token: t.admin.token })).json();
    expect(user).toMatchObject({ mail: newEmail, externalUserState: 'PendingAcceptance', otherMails: [email] });
    expect(user.userPrincipalName).toBe(`${email.replace('@', '_')}#EXT#@contoso.test`);
    const members = (await t.call('GET', `/v1.0/groups/${group.id}/members`, { token: t.admin.token })).json();
    expect(members.value.map((m: { id: string }) => m.id)).toContain(userId);
    expect(await svc.findRedemption(inv.id, oldTicket)).toBeUndefined();
    const newTicket = new URL(reset.json().inviteRedeemUrl).searchParams.get('ticket') ?? '';
    expect(await svc.findRedemption(reset.json().id, newTicket)).toBeDefined();
    expect(await audits('Invite external user with reset invitation status', userId)).toHaveLength(1);

    const member = await t.createUser();
    const denied = await invite(member.token, basic(address(), { invitedUser: { id: userId }, resetRedemption: true }));
    expect(denied.statusCode).toBe(403);
  });

  it('resends a pending invitation and refuses to resend an accepted one', async () => {
    const email = address();
    const inv = (await invite(t.admin.token, basic(email, { sendInvitationMessage: true }))).json();
    const res = await t.call('POST', `/v1.0/users/${inv.invitedUser.id}/resendInvitation`, { token: t.admin.token });
    expect(res.statusCode).toBe(200);
    expect(await outboxTo(email)).toHaveLength(2);
    await t.database.db
      .updateTable('users')
      .set({ external_user_state: 'Accepted' })
      .where('id', '=', inv.invitedUser.id)
      .execute();
    const again = await t.call('POST', `/v1.0/users/${inv.invitedUser.id}/resendInvitation`, { token: t.admin.token });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.message).toMatch(/pending acceptance/);
  });
});

describe(`invitation e-mail over SMTP (${dialect})`, () => {
  it('delivers text and HTML with the welcome message escaped, a cc copy and the accept link', async () => {
    await t.app.portico.outboxWorker.drain();
    sink.clear();
    const email = address();
    await t.call('PATCH', `/v1.0/organization/${t.tenant.id}`, {
      token: t.admin.token,
      body: { privacyProfile: { statementUrl: 'https://contoso.test/privacy', contactEmail: 'privacy@contoso.test' } },
    });
    const inv = (
      await invite(
        t.admin.token,
        basic(email, {
          sendInvitationMessage: true,
          invitedUserMessageInfo: {
            customizedMessageBody: 'Hi <script>alert("x")</script> & welcome',
            ccRecipients: [{ emailAddress: { name: 'Boss', address: 'boss@fabrikam.example' } }],
          },
        }),
      )
    ).json();
    await t.app.portico.outboxWorker.drain();
    const [m] = await sink.waitFor(1);
    expect(m).toBeDefined();
    if (!m) return;
    expect(m.subject).toBe('Ada Admin invited you to access applications within Contoso');
    expect(m.to).toEqual([email]);
    expect(m.cc).toEqual(['boss@fabrikam.example']);
    expect(m.text).toContain('Hi <script>alert("x")</script> & welcome');
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; welcome');
    expect(m.text).toContain(inv.inviteRedeemUrl);
    expect(m.html).toContain(inv.inviteRedeemUrl.replace(/&/g, '&amp;'));
    expect(m.text).toContain('https://contoso.test/privacy');
    expect(m.text).toMatch(/only act on this email if you trust/);
    expect(m.text).toContain('/invitations/unsubscribe?');
    expect(m.headers.get('x-portico-invitation-id')).toBe(inv.id);
  });

  it('uses the German template for messageLanguage de-DE', async () => {
    await t.app.portico.outboxWorker.drain();
    sink.clear();
    await invite(
      t.admin.token,
      basic(address(), { sendInvitationMessage: true, invitedUserMessageInfo: { messageLanguage: 'de-DE' } }),
    );
    await t.app.portico.outboxWorker.drain();
    const [m] = await sink.waitFor(1);
    expect(m?.subject).toBe('Ada Admin hat Sie eingeladen, auf Anwendungen in Contoso zuzugreifen');
    expect(m?.text).toContain('Einladung annehmen');
  });

  it('honours "Block future invitations": later invitations are recorded but not sent', async () => {
    await t.app.portico.outboxWorker.drain();
    sink.clear();
    const email = address();
    const inv = (await invite(t.admin.token, basic(email, { sendInvitationMessage: true }))).json();
    await t.app.portico.outboxWorker.drain();
    const [m] = await sink.waitFor(1);
    const link = /http:\/\/localhost:8080(\/invitations\/unsubscribe\?[^\s]+)/.exec(m?.text ?? '')?.[1] ?? '';
    const confirm = await t.app.inject({ method: 'GET', url: link });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Block future invitations');
    const params = Object.fromEntries(new URL(link, 'http://x').searchParams);
    const done = await t.app.inject({ method: 'POST', url: '/invitations/unsubscribe', payload: params });
    expect(done.statusCode).toBe(200);
    const forged = await t.app.inject({
      method: 'POST',
      url: '/invitations/unsubscribe',
      payload: { ...params, sig: 'x'.repeat(43) },
    });
    expect(forged.statusCode).toBe(400);

    const before = (await outboxTo(email)).length;
    const again = await invite(t.admin.token, basic(email, { sendInvitationMessage: true }));
    expect(again.statusCode).toBe(201);
    expect(await outboxTo(email)).toHaveLength(before);
    expect(await audits('Email not sent, user unsubscribed', inv.invitedUser.id)).toHaveLength(1);
  });
});

describe(`My Groups: owner adds a guest by e-mail (${dialect})`, () => {
  const enableSelfService = (on: boolean) =>
    t.call('PATCH', '/v1.0/policies/groupManagementPolicy', {
      token: t.admin.token,
      body: { selfServiceGroupManagementEnabled: on },
    });
  const newGroup = async (extra: Record<string, unknown> = {}) =>
    (
      await t.call('POST', '/v1.0/groups', {
        token: t.admin.token,
        body: { displayName: `Team ${n}`, mailEnabled: false, mailNickname: `team${n++}`, securityEnabled: true, ...extra },
      })
    ).json();

  it('invites the guest, adds them to the group and mails the welcome message — atomically', async () => {
    await enableSelfService(true);
    await setPolicy({ allowInvitesFrom: 'adminsGuestInvitersAndAllMembers' });
    try {
      const owner = await t.createUser({ displayName: 'Olive Owner' });
      const group = await newGroup();
      await t.call('POST', `/v1.0/groups/${group.id}/owners/$ref`, {
        token: t.admin.token,
        body: { '@odata.id': `http://localhost:8080/v1.0/users/${owner.user.id}` },
      });
      const email = address();
      const res = await t.call('POST', `/v1.0/groups/${group.id}/members/add`, {
        token: owner.token,
        body: { emailAddress: email, welcomeMessage: 'Glad to have you' },
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        status: 'invited',
        user: { mail: email, userType: 'Guest', externalUserState: 'PendingAcceptance' },
      });
      const members = (await t.call('GET', `/v1.0/groups/${group.id}/members`, { token: owner.token })).json();
      expect(members.value.map((m: { id: string }) => m.id)).toContain(body.user.id);
      const [mail] = await outboxTo(email);
      expect(JSON.parse(mail?.payload ?? '{}').text).toContain('Glad to have you');
      expect(await audits('Invite external user', body.user.id)).toHaveLength(1);
      expect(await audits('Add member to group', body.user.id)).toHaveLength(1);

      // An existing user is simply added, by id or by address.
      const existing = await t.createUser();
      const added = await t.call('POST', `/v1.0/groups/${group.id}/members/add`, {
        token: owner.token,
        body: { userId: existing.user.id },
      });
      expect(added.json().status).toBe('added');
    } finally {
      await setPolicy({ allowInvitesFrom: 'adminsAndGuestInviters' });
    }
  });

  it('refuses clearly: not an owner, dynamic or synced group, invite setting, blocked domain, self-service off', async () => {
    await enableSelfService(true);
    const owner = await t.createUser();
    const other = await t.createUser();
    const group = await newGroup();
    await t.call('POST', `/v1.0/groups/${group.id}/owners/$ref`, {
      token: t.admin.token,
      body: { '@odata.id': `http://localhost:8080/v1.0/users/${owner.user.id}` },
    });
    const add = (token: string, groupId: string, email = address()) =>
      t.call('POST', `/v1.0/groups/${groupId}/members/add`, { token, body: { emailAddress: email } });

    const notOwner = await add(other.token, group.id);
    expect(notOwner.statusCode).toBe(403);
    expect(notOwner.json().error.message).toMatch(/not an owner/);

    // Default setting: only Guest Inviters and admins invite.
    const policy = await add(owner.token, group.id);
    expect(policy.statusCode).toBe(403);
    expect(policy.json().error.message).toMatch(/Only users with the Guest Inviter role can invite guests/);
    const users = await t.database.db.selectFrom('users').select('id').where('tenant_id', '=', t.tenant.id).execute();

    const dynamic = await newGroup({ groupTypes: ['DynamicMembership'], membershipRule: '(user.userType -eq "Guest")' });
    const dyn = await add(t.admin.token, dynamic.id);
    expect(dyn.statusCode).toBe(400);
    expect(dyn.json().error.message).toBe(
      'You cannot add guest users to a dynamic group or to a group that is synced with on-premises Active Directory.',
    );
    const synced = await t.createSyncedGroup({
      displayName: 'Synced',
      mailEnabled: false,
      mailNickname: `s${n++}`,
      securityEnabled: true,
    });
    const syn = await add(t.admin.token, synced.id);
    expect(syn.statusCode).toBe(400);
    expect(syn.json().error.message).toMatch(/synced with on-premises Active Directory/);

    await t.call('PATCH', '/v1.0/policies/b2bManagementPolicies/default', {
      token: t.admin.token,
      body: { invitationDomains: { mode: 'denyList', domains: ['nope.example'] } },
    });
    const blocked = await add(t.admin.token, group.id, address('nope.example'));
    expect(blocked.statusCode).toBe(400);
    expect(blocked.json().error.message).toMatch(/collaboration restrictions/);
    await t.call('PATCH', '/v1.0/policies/b2bManagementPolicies/default', {
      token: t.admin.token,
      body: { invitationDomains: { mode: 'allowAll' } },
    });

    await enableSelfService(false);
    const inviter = await t.createUser({ roles: [RoleIds.guestInviter] });
    await t.call('POST', `/v1.0/groups/${group.id}/owners/$ref`, {
      token: t.admin.token,
      body: { '@odata.id': `http://localhost:8080/v1.0/users/${inviter.user.id}` },
    });
    const off = await add(inviter.token, group.id);
    expect(off.statusCode).toBe(403);
    expect(off.json().error.message).toMatch(/Owners can manage group membership requests in My Groups/);
    await enableSelfService(true);
    expect((await add(inviter.token, group.id)).statusCode).toBe(200);

    // Nothing was created by the refused attempts.
    const after = await t.database.db.selectFrom('users').select('id').where('tenant_id', '=', t.tenant.id).execute();
    expect(after.length).toBe(users.length + 1 /* inviter */ + 1 /* the successful invite */);
  });
});
