import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoleIds } from '../../src/server/domain/roles.js';
import type { Tenant } from '../../src/server/modules/tenants/tenants.service.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

const enc = encodeURIComponent;
let t: TestApp;
let other: Tenant;
let otherAdminToken: string;

const get = async (url: string, token = t.admin.token) => {
  const res = await t.call('GET', url, { token });
  return { res, body: res.json() };
};
const patch = (body: unknown, token = t.admin.token, id = t.tenant.id) =>
  t.call('PATCH', `/v1.0/organization/${id}`, { token, body });

beforeAll(async () => {
  t = await buildTestApp();
  other = await t.app.portico.services.tenants.createTenant({ displayName: 'Other', initialDomain: 'other.test' });
  otherAdminToken = (await t.createUser({ tenant: other, roles: [RoleIds.globalAdministrator] })).token;
});
afterAll(async () => {
  await t?.close();
});

describe('GET /organization', () => {
  it('is a collection holding exactly the caller’s tenant, in Graph organization shape', async () => {
    const { res, body } = await get('/v1.0/organization');
    expect(res.statusCode).toBe(200);
    expect(body).toEqual({
      '@odata.context': 'http://localhost:8080/v1.0/$metadata#organization',
      value: [
        {
          id: t.tenant.id,
          displayName: 'Contoso',
          tenantType: 'AAD',
          verifiedDomains: [{ name: 'contoso.test', isDefault: true, isInitial: true, type: 'Managed', capabilities: 'None' }],
          privacyProfile: { statementUrl: null, contactEmail: null },
          technicalNotificationMails: [],
          createdDateTime: t.tenant.createdDateTime,
        },
      ],
    });
  });

  it('GET /organization/{id} returns the entity; $select trims it; other ids are 404', async () => {
    const { res, body } = await get(`/v1.0/organization/${t.tenant.id}`);
    expect(res.statusCode).toBe(200);
    expect(body['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#organization/$entity');
    expect(body.id).toBe(t.tenant.id);
    const sel = await get(`/v1.0/organization?$select=displayName`);
    expect(sel.body.value).toEqual([{ id: t.tenant.id, displayName: 'Contoso' }]);
    const bad = await get(`/v1.0/organization?$select=street`);
    expect(bad.res.statusCode).toBe(400);
    expect(bad.body.error.message).toContain('street');
    for (const id of ['00000000-0000-7000-8000-000000000000', other.id]) {
      const r = await get(`/v1.0/organization/${id}`);
      expect(r.res.statusCode).toBe(404);
      expect(r.body.error.code).toBe('Request_ResourceNotFound');
    }
  });

  it('every signed-in user (including guests) reads it; apps need an organization or directory read permission', async () => {
    for (const token of [
      (await t.createUser()).token,
      (await t.createUser({ userType: 'Guest' })).token,
      await t.appToken(['Organization.Read.All']),
    ]) {
      expect((await get('/v1.0/organization', token)).res.statusCode).toBe(200);
    }
    const { res, body } = await get('/v1.0/organization', await t.appToken(['Group.Read.All']));
    expect(res.statusCode).toBe(403);
    expect(body.error.code).toBe('Authorization_RequestDenied');
  });
});

describe('PATCH /organization/{id}', () => {
  it('updates display name, privacy profile and technical contacts (204) and audits "Update organization"', async () => {
    const res = await patch({
      displayName: 'Contoso Ltd',
      privacyProfile: { statementUrl: 'https://contoso.test/privacy', contactEmail: 'privacy@contoso.test' },
      technicalNotificationMails: ['it@contoso.test'],
    });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const { body } = await get(`/v1.0/organization/${t.tenant.id}`);
    expect(body).toMatchObject({
      displayName: 'Contoso Ltd',
      privacyProfile: { statementUrl: 'https://contoso.test/privacy', contactEmail: 'privacy@contoso.test' },
      technicalNotificationMails: ['it@contoso.test'],
    });
    const audits = await get(`/v1.0/auditLogs/directoryAudits?$filter=${enc("activityDisplayName eq 'Update organization'")}`);
    expect(audits.body.value).toHaveLength(1);
    expect(audits.body.value[0]).toMatchObject({
      category: 'DirectoryManagement',
      operationType: 'Update',
      initiatedBy: { user: { id: t.admin.user.id } },
      targetResources: [
        {
          id: t.tenant.id,
          displayName: 'Contoso Ltd',
          modifiedProperties: [
            { displayName: 'displayName', oldValue: '"Contoso"', newValue: '"Contoso Ltd"' },
            {
              displayName: 'privacyProfile',
              oldValue: '{"statementUrl":null,"contactEmail":null}',
              newValue: '{"statementUrl":"https://contoso.test/privacy","contactEmail":"privacy@contoso.test"}',
            },
            { displayName: 'technicalNotificationMails', oldValue: '[]', newValue: '["it@contoso.test"]' },
          ],
        },
      ],
    });
  });

  it('replaces privacyProfile as a whole (as Graph does for complex properties)', async () => {
    expect((await patch({ privacyProfile: { contactEmail: 'dpo@contoso.test' } })).statusCode).toBe(204);
    expect((await get('/v1.0/organization')).body.value[0].privacyProfile).toEqual({
      statementUrl: null,
      contactEmail: 'dpo@contoso.test',
    });
    expect((await patch({ privacyProfile: null })).statusCode).toBe(204);
    expect((await get('/v1.0/organization')).body.value[0].privacyProfile).toEqual({ statementUrl: null, contactEmail: null });
  });

  it('validates the body with a 400 naming the property', async () => {
    for (const [body, needle] of [
      [{ privacyProfile: { statementUrl: 'ftp://contoso.test/privacy' } }, 'privacyProfile.statementUrl'],
      [{ privacyProfile: { statementUrl: 'not a url' } }, 'privacyProfile.statementUrl'],
      [{ privacyProfile: { contactEmail: 'nobody' } }, 'privacyProfile.contactEmail'],
      [{ displayName: '' }, 'displayName'],
      [{ technicalNotificationMails: ['a@b.test', 'broken'] }, 'technicalNotificationMails'],
      [{ street: 'Main St' }, 'street'],
    ] as const) {
      const r = await patch(body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error.code).toBe('Request_BadRequest');
      expect(r.json().error.message, JSON.stringify(body)).toContain(needle);
    }
    expect((await get('/v1.0/organization')).body.value[0].displayName).toBe('Contoso Ltd');
  });

  it('is for Global Administrators and Organization.ReadWrite.All apps only', async () => {
    for (const token of [
      (await t.createUser({ roles: [RoleIds.userAdministrator] })).token,
      (await t.createUser({ roles: [RoleIds.privilegedRoleAdministrator] })).token,
      (await t.createUser()).token,
      (await t.createUser({ userType: 'Guest' })).token,
      await t.appToken(['Directory.ReadWrite.All']),
    ]) {
      const r = await patch({ displayName: 'Hijacked' }, token);
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('Authorization_RequestDenied');
    }
    expect((await patch({ displayName: 'Contoso' }, await t.appToken(['Organization.ReadWrite.All']))).statusCode).toBe(204);
    expect((await get('/v1.0/organization')).body.value[0].displayName).toBe('Contoso');
  });

  it("another tenant's administrator cannot read or change ours (404) and sees only its own organization", async () => {
    expect((await patch({ displayName: 'Hijacked' }, otherAdminToken)).statusCode).toBe(404);
    expect((await get(`/v1.0/organization/${t.tenant.id}`, otherAdminToken)).res.statusCode).toBe(404);
    const theirs = await get('/v1.0/organization', otherAdminToken);
    expect(theirs.body.value.map((o: { id: string; displayName: string }) => [o.id, o.displayName])).toEqual([
      [other.id, 'Other'],
    ]);
    expect((await patch({ displayName: 'Other Inc' }, otherAdminToken, other.id)).statusCode).toBe(204);
    expect((await get('/v1.0/organization')).body.value[0].displayName).toBe('Contoso');
    expect((await get('/v1.0/organization', otherAdminToken)).body.value[0].displayName).toBe('Other Inc');
  });
});
