import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// "Errors a program can read": refusals that look alike in English carry distinct catalogue codes
// in error.details[0].code (docs/errors.md), on both databases.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ env: { PORTICO_OUTBOX_WORKER: 'off' } });
});
afterAll(async () => {
  await t?.close();
});

function expectEnvelope(res: LightMyRequestResponse, status: number, graphCode: string, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { error: { code: string; message: string; details: { code: string; message: string }[] } };
  expect(body.error.code).toBe(graphCode);
  expect(body.error.details[0]?.code).toBe(code);
  return body.error;
}

describe('machine-readable refusal codes', () => {
  it('refusals a program must tell apart carry different documented codes (last owner, dynamic group, invite setting, blocked domain)', async () => {
    const admin = t.admin.token;
    const owner = await t.createUser({ displayName: 'Only Owner' });
    const group = (
      await t.call('POST', '/v1.0/groups', {
        token: admin,
        body: {
          displayName: 'Codes',
          mailEnabled: false,
          mailNickname: `codes${randomUUID().slice(0, 6)}`,
          securityEnabled: true,
          'owners@odata.bind': [`https://graph.microsoft.com/v1.0/users/${owner.user.id}`],
        },
      })
    ).json() as { id: string };
    const lastOwner = await t.call('DELETE', `/v1.0/groups/${group.id}/owners/${owner.user.id}/$ref`, { token: admin });
    const codes = [expectEnvelope(lastOwner, 400, 'Request_BadRequest', 'group_last_owner')];

    const dynamic = (
      await t.call('POST', '/v1.0/groups', {
        token: admin,
        body: {
          displayName: 'Dynamic',
          mailEnabled: false,
          mailNickname: `dyn${randomUUID().slice(0, 6)}`,
          securityEnabled: true,
          groupTypes: ['DynamicMembership'],
          membershipRule: 'user.userType -eq "Guest"',
        },
      })
    ).json() as { id: string };
    const addToDynamic = await t.call('POST', `/v1.0/groups/${dynamic.id}/members/$ref`, {
      token: admin,
      body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${owner.user.id}` },
    });
    codes.push(expectEnvelope(addToDynamic, 400, 'Request_BadRequest', 'group_dynamic_membership'));

    // The default invite setting lets only admins and Guest Inviters invite: a member is refused.
    const member = await t.createUser({ displayName: 'Plain Member' });
    const bySetting = await t.call('POST', '/v1.0/invitations', {
      token: member.token,
      body: { invitedUserEmailAddress: 'someone@fabrikam.test', inviteRedirectUrl: 'https://example.test/' },
    });
    codes.push(expectEnvelope(bySetting, 403, 'Authorization_RequestDenied', 'invitation_setting_denied'));

    const restrict = await t.call('PATCH', '/v1.0/policies/b2bManagementPolicies/default', {
      token: admin,
      body: { invitationDomains: { mode: 'denyList', domains: ['blocked.test'] } },
    });
    expect(restrict.statusCode).toBe(204);
    const blocked = await t.call('POST', '/v1.0/invitations', {
      token: admin,
      body: { invitedUserEmailAddress: 'someone@blocked.test', inviteRedirectUrl: 'https://example.test/' },
    });
    codes.push(expectEnvelope(blocked, 400, 'Request_BadRequest', 'invitation_domain_blocked'));

    const distinct = new Set(codes.map((c) => c.details[0]?.code));
    expect(distinct.size).toBe(4);
    // Every one is documented.
    const doc = fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    for (const code of distinct) expect(doc).toContain(`\`${code}\``);
  });
});
