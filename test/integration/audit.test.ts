import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/server/domain/clock.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import type { Tenant } from '../../src/server/modules/tenants/tenants.service.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

interface Audit {
  id: string;
  activityDateTime: string;
  activityDisplayName: string;
  category: string;
  correlationId: string;
  loggedByService: string;
  operationType: string;
  result: string;
  resultReason: string;
  initiatedBy: { user: { id: string; displayName: string; userPrincipalName: string } | null; app: { appId: string } | null };
  targetResources: {
    id: string;
    displayName: string | null;
    type: string;
    modifiedProperties: { displayName: string; oldValue: string; newValue: string }[];
  }[];
  additionalDetails: unknown[];
}

const START = Date.parse('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(START + seconds * 1000).toISOString();
const ORG_UPDATES = 260;
const base = 'http://localhost:8080/v1.0/auditLogs/directoryAudits';
const enc = encodeURIComponent;

let t: TestApp;
let clock: ManualClock;
let other: Tenant;
let otherAdminToken: string;
/** Request id of the 100th organization PATCH (its audit's correlationId). */
let requestId100: string;
let appClientId: string;
let target: { id: string };

const clientIdOf = (jwt: string): string =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')).client_id as string;

async function list(url: string, token = t.admin.token, headers: Record<string, string> = {}) {
  const res = await t.call('GET', url.replace('http://localhost:8080', ''), { token, headers });
  return {
    res,
    body: res.json() as { value: Audit[]; '@odata.nextLink'?: string; '@odata.count'?: number; '@odata.context': string },
  };
}

async function listAll(url: string): Promise<Audit[]> {
  const all: Audit[] = [];
  let next: string | undefined = url;
  while (next) {
    const { res, body } = await list(next);
    expect(res.statusCode).toBe(200);
    all.push(...body.value);
    next = body['@odata.nextLink'];
  }
  return all;
}

beforeAll(async () => {
  clock = new ManualClock(new Date(START - 3600_000));
  t = await buildTestApp({ clock });
  // Fixture: 260 "Update organization" records one second apart, at START + 0 s … START + 259 s.
  clock.advance(3600_000);
  for (let i = 0; i < ORG_UPDATES; i++) {
    const res = await t.call('PATCH', `/v1.0/organization/${t.tenant.id}`, {
      token: t.admin.token,
      body: { displayName: `Contoso ${i}` },
    });
    expect(res.statusCode).toBe(204);
    if (i === 100) requestId100 = String(res.headers['request-id']);
    clock.advance(1000);
  }
  // An application-initiated change and a role assignment (targets: the user and the role).
  const appToken = await t.appToken(['Organization.ReadWrite.All']);
  appClientId = clientIdOf(appToken);
  expect(
    (await t.call('PATCH', `/v1.0/organization/${t.tenant.id}`, { token: appToken, body: { displayName: 'Contoso' } }))
      .statusCode,
  ).toBe(204);
  clock.advance(1000);
  target = (await t.createUser({ displayName: 'Grace Target' })).user;
  clock.advance(1000);
  const assigned = await t.call('POST', '/v1.0/roleManagement/directory/roleAssignments', {
    token: t.admin.token,
    body: { principalId: target.id, roleDefinitionId: RoleIds.groupsAdministrator, directoryScopeId: '/' },
  });
  expect(assigned.statusCode).toBe(201);

  other = await t.app.portico.services.tenants.createTenant({ displayName: 'Other', initialDomain: 'other.test' });
  otherAdminToken = (await t.createUser({ tenant: other, roles: [RoleIds.globalAdministrator] })).token;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('GET /auditLogs/directoryAudits', () => {
  it('returns Graph directoryAudit records, newest first, 100 per page by default', async () => {
    const { res, body } = await list(base);
    expect(res.statusCode).toBe(200);
    expect(body['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#auditLogs/directoryAudits');
    expect(body.value).toHaveLength(100);
    expect(body['@odata.nextLink']).toMatch(/^http:\/\/localhost:8080\/v1\.0\/auditLogs\/directoryAudits\?(\$|%24)skiptoken=/);
    const newest = body.value[0] as Audit;
    expect(newest).toMatchObject({
      activityDisplayName: 'Add member to role',
      category: 'RoleManagement',
      loggedByService: 'Core Directory',
      operationType: 'Assign',
      result: 'success',
      resultReason: '',
      additionalDetails: [],
      initiatedBy: {
        user: { id: t.admin.user.id, displayName: 'Ada Admin', userPrincipalName: t.admin.user.userPrincipalName },
        app: null,
      },
    });
    expect(newest.targetResources.map((r) => [r.id, r.type])).toEqual([
      [target.id, 'User'],
      [RoleIds.groupsAdministrator, 'Role'],
    ]);
    expect(newest.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(newest.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const times = body.value.map((a) => a.activityDateTime);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('pages across all 260+ records with @odata.nextLink, without gaps or duplicates', async () => {
    const all = await listAll(`${base}?$top=97`);
    const { body: counted } = await list(`${base}?$count=true&$top=1`, t.admin.token, { ConsistencyLevel: 'eventual' });
    expect(all.length).toBe(counted['@odata.count']);
    expect(all.length).toBeGreaterThanOrEqual(ORG_UPDATES + 3);
    expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
    const keys = all.map((a) => `${a.activityDateTime} ${a.id}`);
    expect([...keys].sort().reverse()).toEqual(keys);
    expect(all.filter((a) => a.activityDisplayName === 'Update organization')).toHaveLength(ORG_UPDATES + 1);
  });

  it('keeps pages stable while new records arrive (keyset paging)', async () => {
    const first = await list(`${base}?$top=50`);
    const seen = new Set(first.body.value.map((a) => a.id));
    clock.advance(1000);
    await t.call('PATCH', `/v1.0/organization/${t.tenant.id}`, { token: t.admin.token, body: { displayName: 'Contoso' } });
    const second = await list(first.body['@odata.nextLink'] as string);
    expect(second.body.value).toHaveLength(50);
    expect(second.body.value.some((a) => seen.has(a.id))).toBe(false);
    expect((second.body.value[0] as Audit).activityDateTime <= (first.body.value[49] as Audit).activityDateTime).toBe(true);
  });

  it('orders oldest first with $orderby=activityDateTime asc, and pages that way too', async () => {
    const { body } = await list(
      `${base}?$orderby=activityDateTime asc&$top=3&$filter=${enc("activityDisplayName eq 'Update organization'")}`,
    );
    expect(body.value.map((a) => a.activityDateTime)).toEqual([at(0), at(1), at(2)]);
    const next = await list(body['@odata.nextLink'] as string);
    expect(next.body.value.map((a) => a.activityDateTime)).toEqual([at(3), at(4), at(5)]);
  });

  it('accepts $top up to 999 and rejects larger or invalid values', async () => {
    expect((await list(`${base}?$top=999`)).body.value.length).toBeGreaterThan(260);
    for (const top of ['1000', '0', 'x']) {
      const { res, body } = await list(`${base}?$top=${top}`);
      expect(res.statusCode).toBe(400);
      expect((body as unknown as { error: { code: string; message: string } }).error.message).toContain('$top');
    }
  });

  it('applies $select', async () => {
    const { body } = await list(`${base}?$select=activityDisplayName,category&$top=2`);
    expect(Object.keys(body.value[0] as object).sort()).toEqual(['activityDisplayName', 'category', 'id']);
  });

  describe('$filter', () => {
    const count = async (filter: string) => {
      const all = await listAll(`${base}?$top=999&$filter=${enc(filter)}`);
      return all;
    };

    it('activityDateTime with ge, le, gt, lt, eq', async () => {
      expect(await count(`activityDateTime ge ${at(250)}`)).toHaveLength(
        (await count(`activityDateTime ge ${at(250)} and category eq 'DirectoryManagement'`)).length +
          (await count(`activityDateTime ge ${at(250)} and category ne 'DirectoryManagement'`)).length,
      );
      const window = await count(`activityDateTime ge ${at(100)} and activityDateTime lt ${at(110)}`);
      expect(window.map((a) => a.activityDateTime)).toEqual(Array.from({ length: 10 }, (_, i) => at(109 - i)));
      expect(await count(`activityDateTime gt ${at(100)} and activityDateTime le ${at(110)}`)).toHaveLength(10);
      const exact = await count(`activityDateTime eq ${at(42)}`);
      expect(exact).toHaveLength(1);
      expect(exact[0]?.targetResources[0]?.modifiedProperties).toEqual([
        { displayName: 'displayName', oldValue: '"Contoso 41"', newValue: '"Contoso 42"' },
      ]);
      expect(await count(`activityDateTime lt ${at(0)} and activityDisplayName eq 'Update organization'`)).toHaveLength(0);
    });

    it('rejects an invalid date-time, naming the property', async () => {
      const { res, body } = await list(`${base}?$filter=${enc("activityDateTime ge 'yesterday'")}`);
      expect(res.statusCode).toBe(400);
      expect((body as unknown as { error: { message: string } }).error.message).toContain('activityDateTime');
    });

    it('activityDisplayName eq and startswith (case-insensitive)', async () => {
      expect(await count("activityDisplayName eq 'Add member to role'")).toHaveLength(2); // admin + target
      expect(await count("activityDisplayName eq 'add MEMBER to role'")).toHaveLength(2);
      const adds = await count("startswith(activityDisplayName, 'Add ')");
      expect(new Set(adds.map((a) => a.activityDisplayName))).toEqual(new Set(['Add user', 'Add member to role']));
    });

    it('category, result and correlationId', async () => {
      expect((await count("category eq 'DirectoryManagement'")).length).toBeGreaterThanOrEqual(ORG_UPDATES + 1);
      expect(await count("result eq 'failure'")).toHaveLength(0);
      const all = await count("result eq 'success'");
      expect(all.length).toBeGreaterThan(ORG_UPDATES);
      const byCorrelation = await count(`correlationId eq '${requestId100}'`);
      expect(byCorrelation).toHaveLength(1);
      expect(byCorrelation[0]?.activityDateTime).toBe(at(100));
      const { res } = await list(`${base}?$filter=${enc("result eq 'maybe'")}`);
      expect(res.statusCode).toBe(400);
    });

    it("initiatedBy/user/id eq '…' and initiatedBy/app/appId eq '…'", async () => {
      const byAdmin = await count(`initiatedBy/user/id eq '${t.admin.user.id}'`);
      expect(byAdmin.every((a) => a.initiatedBy.user?.id === t.admin.user.id)).toBe(true);
      expect(byAdmin.length).toBeGreaterThanOrEqual(ORG_UPDATES + 2);
      expect(await count(`initiatedBy/user/id eq '${t.admin.user.id.toUpperCase()}'`)).toHaveLength(byAdmin.length);
      const byApp = await count(`initiatedBy/app/appId eq '${appClientId}'`);
      expect(byApp).toHaveLength(1);
      expect(byApp[0]).toMatchObject({
        activityDisplayName: 'Update organization',
        initiatedBy: { user: null, app: { appId: appClientId } },
      });
    });

    it("targetResources/any(t: t/id eq '…'), alone and combined", async () => {
      const aboutTarget = await count(`targetResources/any(t: t/id eq '${target.id}')`);
      expect(aboutTarget.map((a) => a.activityDisplayName).sort()).toEqual(['Add member to role', 'Add user']);
      const combined = await count(
        `targetResources/any(x: x/id eq '${target.id}') and activityDisplayName eq 'Add member to role'`,
      );
      expect(combined).toHaveLength(1);
      const aboutRole = await count(`targetResources/any(t: t/id eq '${RoleIds.groupsAdministrator}')`);
      expect(aboutRole).toHaveLength(1);
      expect(
        await count(`not targetResources/any(t: t/id eq '${target.id}') and startswith(activityDisplayName, 'Add member')`),
      ).toHaveLength(1);
      expect(await count(`targetResources/any(t: t/id eq '${t.tenant.id}')`)).toHaveLength(ORG_UPDATES + 2);
    });

    it('rejects unsupported properties, operators and lambda bodies with a 400 naming them', async () => {
      for (const [filter, needle] of [
        ["targetResources/any(t: t/displayName eq 'x')", 'targetResources'],
        ["initiatedBy/user/displayName eq 'x'", 'initiatedBy/user/displayName'],
        ["initiatedBy/user/id ne 'x'", 'initiatedBy/user/id'],
        ["resultReason eq 'x'", 'resultReason'],
        ["category gt 'x'", 'gt'],
        ['activityDisplayName eq', 'end of input'],
      ] as const) {
        const { res, body } = await list(`${base}?$filter=${enc(filter)}`);
        expect(res.statusCode, filter).toBe(400);
        expect((body as unknown as { error: { code: string; message: string } }).error.message, filter).toContain(needle);
      }
      const { res } = await list(`${base}?$orderby=category`);
      expect(res.statusCode).toBe(400);
    });
  });

  describe('GET /auditLogs/directoryAudits/{id}', () => {
    it('returns one record with its @odata.context, and 404 for unknown ids', async () => {
      const { body } = await list(`${base}?$top=1`);
      const first = body.value[0] as Audit;
      const res = await t.call('GET', `/v1.0/auditLogs/directoryAudits/${first.id}`, { token: t.admin.token });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        '@odata.context': 'http://localhost:8080/v1.0/$metadata#auditLogs/directoryAudits/$entity',
        ...first,
      });
      const missing = await t.call('GET', '/v1.0/auditLogs/directoryAudits/00000000-0000-7000-8000-000000000000', {
        token: t.admin.token,
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('Request_ResourceNotFound');
    });
  });

  describe('authorization', () => {
    it('administrators and AuditLog.Read.All apps read; members, guests and other apps get 403', async () => {
      const userAdmin = await t.createUser({ roles: [RoleIds.userAdministrator] });
      expect((await list(`${base}?$top=1`, userAdmin.token)).res.statusCode).toBe(200);
      expect((await list(`${base}?$top=1`, await t.appToken(['AuditLog.Read.All']))).res.statusCode).toBe(200);
      for (const token of [
        (await t.createUser()).token,
        (await t.createUser({ userType: 'Guest' })).token,
        (await t.createUser({ roles: [RoleIds.guestInviter] })).token,
        await t.appToken(['Directory.ReadWrite.All']),
      ]) {
        const { res, body } = await list(`${base}?$top=1`, token);
        expect(res.statusCode).toBe(403);
        expect((body as unknown as { error: { code: string } }).error.code).toBe('Authorization_RequestDenied');
      }
    });
  });

  describe('tenant isolation', () => {
    it("another tenant's administrator sees only its own records and gets 404 for ours", async () => {
      const mine = await list(`${base}?$top=1`);
      const theirs = await listAll(`${base}?$top=999`);
      expect(theirs.length).toBeGreaterThan(0);
      const { res, body } = await list(`${base}?$top=999`, otherAdminToken);
      expect(res.statusCode).toBe(200);
      const ours = new Set(theirs.map((a) => a.id));
      expect(body.value.length).toBeGreaterThan(0); // its own "Add user" / "Add member to role"
      expect(body.value.some((a) => ours.has(a.id))).toBe(false);
      const filtered = await list(`${base}?$filter=${enc(`targetResources/any(t: t/id eq '${target.id}')`)}`, otherAdminToken);
      expect(filtered.body.value).toHaveLength(0);
      const byAdmin = await list(`${base}?$filter=${enc(`initiatedBy/user/id eq '${t.admin.user.id}'`)}`, otherAdminToken);
      expect(byAdmin.body.value).toHaveLength(0);
      const get = await t.call('GET', `/v1.0/auditLogs/directoryAudits/${mine.body.value[0]?.id}`, { token: otherAdminToken });
      expect(get.statusCode).toBe(404);
    });
  });

  it('records nothing when the change fails (audit and change share one transaction)', async () => {
    const before = await count();
    const dup = await t.call('POST', '/v1.0/roleManagement/directory/roleAssignments', {
      token: t.admin.token,
      body: { principalId: target.id, roleDefinitionId: RoleIds.groupsAdministrator, directoryScopeId: '/' },
    });
    expect(dup.statusCode).toBe(400);
    expect(await count()).toBe(before);
    async function count() {
      const { body } = await list(`${base}?$top=1&$count=true`, t.admin.token, { ConsistencyLevel: 'eventual' });
      return body['@odata.count'];
    }
  });
});
