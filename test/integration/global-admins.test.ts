import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// The tenant always keeps a working Global Administrator: disabling, deleting or removing the role
// of the last ENABLED one is refused, whatever disabled holders remain (both databases).

// A fresh tenant per test: each starts with exactly one (enabled) Global Administrator, t.admin.
let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp({ env: { PORTICO_OUTBOX_WORKER: 'off' } });
});
afterEach(async () => {
  await t?.close();
});

const ASSIGN = '/v1.0/roleManagement/directory/roleAssignments';

async function gaAssignmentOf(userId: string, token: string): Promise<string> {
  const res = await t.call('GET', `${ASSIGN}?$filter=principalId eq '${userId}'`, { token });
  const a = (res.json().value as { id: string; roleDefinitionId: string }[]).find(
    (x) => x.roleDefinitionId === RoleIds.globalAdministrator,
  );
  if (!a) throw new Error(`no Global Administrator assignment for ${userId}`);
  return a.id;
}

describe('the last enabled Global Administrator', () => {
  it('cannot be disabled, deleted or stripped of the role while the only other holder is disabled', async () => {
    // An actor who may act on Global Administrators without being one.
    const actor = await t.createUser({
      displayName: 'Actor',
      roles: [RoleIds.privilegedAuthenticationAdministrator, RoleIds.privilegedRoleAdministrator],
    });
    const other = await t.createUser({ displayName: 'Second GA', roles: [RoleIds.globalAdministrator] });
    const patch = (id: string, accountEnabled: boolean) =>
      t.call('PATCH', `/v1.0/users/${id}`, { token: actor.token, body: { accountEnabled } });

    expect((await patch(other.user.id, false)).statusCode).toBe(204);

    const refused = [
      await patch(t.admin.user.id, false),
      await t.call('DELETE', `/v1.0/users/${t.admin.user.id}`, { token: actor.token }),
      await t.call('DELETE', `${ASSIGN}/${await gaAssignmentOf(t.admin.user.id, actor.token)}`, { token: actor.token }),
    ];
    for (const res of refused) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details[0].code).toBe('last_global_administrator');
    }
    expect((await t.call('GET', `/v1.0/users/${t.admin.user.id}`, { token: actor.token })).json().accountEnabled).toBe(true);

    // With the second one enabled again, the first may be disabled — and then the second is the last.
    expect((await patch(other.user.id, true)).statusCode).toBe(204);
    expect((await patch(t.admin.user.id, false)).statusCode).toBe(204);
    const lastRole = await t.call('DELETE', `${ASSIGN}/${await gaAssignmentOf(other.user.id, actor.token)}`, {
      token: actor.token,
    });
    expect(lastRole.statusCode).toBe(400);
    expect((await patch(other.user.id, false)).statusCode).toBe(400);
    expect((await patch(t.admin.user.id, true)).statusCode).toBe(204);
  });

  it('concurrent disables of two enabled Global Administrators leave one enabled', async () => {
    const actor = await t.createUser({ roles: [RoleIds.privilegedAuthenticationAdministrator] });
    const a = await t.createUser({ roles: [RoleIds.globalAdministrator] });
    // The test's administrator is disabled for this round so that a and b are the only enabled ones.
    const b = await t.createUser({ roles: [RoleIds.globalAdministrator] });
    expect(
      (await t.call('PATCH', `/v1.0/users/${t.admin.user.id}`, { token: actor.token, body: { accountEnabled: false } }))
        .statusCode,
    ).toBe(204);
    const results = await Promise.all(
      [a, b].map((u) => t.call('PATCH', `/v1.0/users/${u.user.id}`, { token: actor.token, body: { accountEnabled: false } })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 400]);
    expect(
      (await t.call('PATCH', `/v1.0/users/${t.admin.user.id}`, { token: actor.token, body: { accountEnabled: true } }))
        .statusCode,
    ).toBe(204);
  });
});
