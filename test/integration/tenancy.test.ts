import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/contracts/users.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import type { Tenant } from '../../src/server/modules/tenants/tenants.service.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// Two tenants in one database: tenant B's callers, even its Global Administrator and an automation
// client with directory-wide permissions, can neither see nor change tenant A's objects. Foreign
// objects answer 404 (never 403), so their existence cannot be probed.

let t: TestApp;
let tenantA: Tenant;
let tenantB: Tenant;
let userA: User;
let usersB: User[];
let adminB: string;
let appB: string;

const notFound = (res: { statusCode: number; json(): { error: { code: string } } }) => {
  expect(res.statusCode).toBe(404);
  expect(res.json().error.code).toBe('Request_ResourceNotFound');
};

beforeAll(async () => {
  t = await buildTestApp();
  tenantA = t.tenant;
  tenantB = await t.app.portico.services.tenants.createTenant({ displayName: 'Fabrikam', initialDomain: 'fabrikam.test' });
  userA = (await t.createUser({ displayName: 'Alex Wilber', upn: 'alex.wilber@contoso.test' })).user;
  const b = await t.createUser({ tenant: tenantB, displayName: 'Fabrikam Admin', roles: [RoleIds.globalAdministrator] });
  adminB = b.token;
  usersB = [b.user, (await t.createUser({ tenant: tenantB, displayName: 'Fabrikam Member' })).user];
  appB = await t.appToken(['User.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'], tenantB);
});
afterAll(async () => {
  await t?.close();
});

describe('tenant isolation: users', () => {
  it('sets up two distinct tenants', () => {
    expect(tenantB.id).not.toBe(tenantA.id);
  });

  it("tenant A's admin sees the user (control)", async () => {
    const res = await t.call('GET', `/v1.0/users/${userA.id}`, { token: t.admin.token });
    expect(res.statusCode).toBe(200);
  });

  for (const [who, token] of [
    ['Global Administrator of B', () => adminB],
    ['application of B', () => appB],
  ] as const) {
    describe(who, () => {
      it("gets 404 for A's user by id", async () => {
        notFound(await t.call('GET', `/v1.0/users/${userA.id}`, { token: token() }));
      });

      it("gets 404 for A's user by userPrincipalName", async () => {
        notFound(await t.call('GET', `/v1.0/users/${encodeURIComponent(userA.userPrincipalName)}`, { token: token() }));
        notFound(await t.call('GET', `/v1.0/users/${userA.userPrincipalName.toUpperCase()}`, { token: token() }));
      });

      it("cannot PATCH A's user (404) and the user is unchanged", async () => {
        notFound(await t.call('PATCH', `/v1.0/users/${userA.id}`, { token: token(), body: { displayName: 'Hijacked' } }));
        notFound(
          await t.call('PATCH', `/v1.0/users/${encodeURIComponent(userA.userPrincipalName)}`, {
            token: token(),
            body: { jobTitle: 'Hijacked' },
          }),
        );
        const still = await t.call('GET', `/v1.0/users/${userA.id}`, { token: t.admin.token });
        expect(still.json()).toMatchObject({ displayName: 'Alex Wilber', jobTitle: null });
      });

      it("cannot DELETE A's user (404) and the user still exists", async () => {
        notFound(await t.call('DELETE', `/v1.0/users/${userA.id}`, { token: token() }));
        expect((await t.call('GET', `/v1.0/users/${userA.id}`, { token: t.admin.token })).statusCode).toBe(200);
      });

      it("lists only B's users, also when filtering for A's", async () => {
        const res = await t.call('GET', '/v1.0/users', { token: token() });
        expect(res.statusCode).toBe(200);
        const ids = (res.json().value as User[]).map((u) => u.id).sort();
        expect(ids).toEqual(usersB.map((u) => u.id).sort());
        const filtered = await t.call('GET', `/v1.0/users?$filter=${encodeURIComponent(`id eq '${userA.id}'`)}`, {
          token: token(),
        });
        expect(filtered.statusCode).toBe(200);
        expect(filtered.json().value).toEqual([]);
      });
    });
  }

  it("A's admin does not see B's users either", async () => {
    const res = await t.call('GET', '/v1.0/users?$top=999', { token: t.admin.token });
    const ids = new Set((res.json().value as User[]).map((u) => u.id));
    for (const u of usersB) expect(ids.has(u.id)).toBe(false);
    notFound(await t.call('GET', `/v1.0/users/${usersB[0]?.id}`, { token: t.admin.token }));
  });

  it("a token signed with B's key naming A's user is refused (401)", async () => {
    const forged = await t.tokenFor(userA.id, tenantB);
    const res = await t.call('GET', '/v1.0/me', { token: forged });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('InvalidAuthenticationToken');
  });

  it('the same userPrincipalName may exist in both tenants', async () => {
    const res = await t.call('POST', '/v1.0/users', {
      token: adminB,
      body: {
        displayName: 'Alex Wilber (Fabrikam)',
        userPrincipalName: userA.userPrincipalName,
        passwordProfile: { password: 'Correct-Horse-9!' },
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().id).not.toBe(userA.id);
    const inA = await t.call('GET', `/v1.0/users/${encodeURIComponent(userA.userPrincipalName)}`, { token: t.admin.token });
    expect(inA.json().id).toBe(userA.id);
  });
});

describe('tenant isolation: groups and memberships', () => {
  let groupA: string;

  beforeAll(async () => {
    const res = await t.call('POST', '/v1.0/groups', {
      token: t.admin.token,
      body: { displayName: 'Contoso Finance', mailNickname: 'finance', mailEnabled: false, securityEnabled: true },
    });
    expect(res.statusCode).toBe(201);
    groupA = res.json().id;
  });

  it("B cannot read, change or delete A's group (404)", async () => {
    notFound(await t.call('GET', `/v1.0/groups/${groupA}`, { token: adminB }));
    notFound(await t.call('GET', `/v1.0/groups/${groupA}/members`, { token: adminB }));
    notFound(await t.call('PATCH', `/v1.0/groups/${groupA}`, { token: adminB, body: { description: 'Hijacked' } }));
    notFound(await t.call('DELETE', `/v1.0/groups/${groupA}`, { token: appB }));
    const list = await t.call('GET', '/v1.0/groups', { token: appB });
    expect((list.json().value as { id: string }[]).map((g) => g.id)).not.toContain(groupA);
    expect((await t.call('GET', `/v1.0/groups/${groupA}`, { token: t.admin.token })).statusCode).toBe(200);
  });

  it("B cannot add its user to A's group, nor A's user to its own group (404)", async () => {
    const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
    notFound(await t.call('POST', `/v1.0/groups/${groupA}/members/$ref`, { token: adminB, body: ref(usersB[1]?.id ?? '') }));
    const groupB = await t.call('POST', '/v1.0/groups', {
      token: adminB,
      body: { displayName: 'Fabrikam Sales', mailNickname: 'sales', mailEnabled: false, securityEnabled: true },
    });
    expect(groupB.statusCode).toBe(201);
    notFound(await t.call('POST', `/v1.0/groups/${groupB.json().id}/members/$ref`, { token: adminB, body: ref(userA.id) }));
    notFound(await t.call('POST', `/v1.0/groups/${groupB.json().id}/owners/$ref`, { token: adminB, body: ref(userA.id) }));
  });
});
