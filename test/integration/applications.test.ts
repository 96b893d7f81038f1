import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServicePrincipal } from '../../src/contracts/applications.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// Enterprise applications (service principals) over /v1.0: Graph shapes, validation, appId
// addressing, the gallery, client secrets, owners and their rights, audit records, tenancy.

let t: TestApp;
let seq = 0;
const n = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
const ROLE_ID = '1b4f816e-5eaf-48b9-8613-7923830595ad';

const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
  t.call(method, `/v1.0${url}`, { token: t.admin.token, ...(body === undefined ? {} : { body }) });

async function createApp(body: Record<string, unknown> = {}): Promise<ServicePrincipal> {
  const res = await admin('POST', '/servicePrincipals', { displayName: `App ${n()}`, ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const expectBadRequest = (
  res: { statusCode: number; json(): { error: { code: string; message: string } } },
  property: string,
) => {
  expect(res.statusCode).toBe(400);
  expect(res.json().error.code).toBe('Request_BadRequest');
  expect(res.json().error.message).toContain(property);
};

async function audits(activity: string, targetId: string) {
  const filter = `activityDisplayName eq '${activity}' and targetResources/any(t:t/id eq '${targetId}')`;
  const res = await admin('GET', `/auditLogs/directoryAudits?$filter=${encodeURIComponent(filter)}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().value as {
    category: string;
    operationType: string;
    initiatedBy: { user: { id: string } | null };
    targetResources: {
      id: string;
      type: string;
      modifiedProperties: { displayName: string; oldValue: string | null; newValue: string | null }[];
    }[];
  }[];
}

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('POST /servicePrincipals and GET by id', () => {
  it('creates a custom OIDC application with Graph defaults and returns it with @odata.context', async () => {
    const res = await admin('POST', '/servicePrincipals', {
      displayName: 'Wiki',
      preferredSingleSignOnMode: 'oidc',
      replyUrls: ['https://wiki.example.com/callback'],
    });
    expect(res.statusCode).toBe(201);
    const sp = res.json();
    expect(sp['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#servicePrincipals/$entity');
    expect(sp).toMatchObject({
      displayName: 'Wiki',
      appDisplayName: 'Wiki',
      description: null,
      notes: null,
      homepage: null,
      loginUrl: null,
      logoutUrl: null,
      replyUrls: ['https://wiki.example.com/callback'],
      preferredSingleSignOnMode: 'oidc',
      // Portico's safe default (Entra's is false): only assigned users and groups get in.
      appRoleAssignmentRequired: true,
      appRoles: [],
      tags: [],
      accountEnabled: true,
      info: { logoUrl: null },
      samlSingleSignOnSettings: { relayState: null },
      servicePrincipalType: 'Application',
      keyCredentials: [],
      passwordCredentials: [],
      selfServiceAccess: { enabled: false, groupId: null, requireApproval: false, approverIds: [], appRoleId: null },
    });
    expect(sp.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sp.appId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sp.appId).not.toBe(sp.id);
    // Graph lists the appId among the service principal names.
    expect(sp.servicePrincipalNames).toEqual([sp.appId]);
    expect(Number.isNaN(Date.parse(sp.createdDateTime))).toBe(false);

    const got = await admin('GET', `/servicePrincipals/${sp.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(sp);
  });

  it('creates a custom SAML application with every property', async () => {
    const sp = await createApp({
      displayName: 'Intranet',
      description: 'Company intranet',
      notes: 'Owned by IT',
      homepage: 'https://intranet.example.com/',
      loginUrl: 'https://intranet.example.com/login',
      logoutUrl: 'https://intranet.example.com/logout',
      replyUrls: ['https://intranet.example.com/saml/acs'],
      preferredSingleSignOnMode: 'saml',
      appRoleAssignmentRequired: true,
      appRoles: [
        {
          allowedMemberTypes: ['User'],
          description: 'Editors',
          displayName: 'Editor',
          id: ROLE_ID,
          isEnabled: true,
          origin: 'Application',
          value: 'Editor',
        },
      ],
      tags: ['HideApp'],
      accountEnabled: false,
      info: { logoUrl: 'https://intranet.example.com/logo.png' },
      servicePrincipalNames: ['https://intranet.example.com/saml'],
      samlSingleSignOnSettings: { relayState: '/home' },
    });
    expect(sp).toMatchObject({
      description: 'Company intranet',
      notes: 'Owned by IT',
      homepage: 'https://intranet.example.com/',
      loginUrl: 'https://intranet.example.com/login',
      logoutUrl: 'https://intranet.example.com/logout',
      preferredSingleSignOnMode: 'saml',
      appRoleAssignmentRequired: true,
      appRoles: [
        {
          allowedMemberTypes: ['User'],
          description: 'Editors',
          displayName: 'Editor',
          id: ROLE_ID,
          isEnabled: true,
          origin: 'Application',
          value: 'Editor',
        },
      ],
      tags: ['HideApp'],
      accountEnabled: false,
      info: { logoUrl: 'https://intranet.example.com/logo.png' },
      servicePrincipalNames: [sp.appId, 'https://intranet.example.com/saml'],
      samlSingleSignOnSettings: { relayState: '/home' },
    });
  });

  it('accepts password and notSupported as single sign-on modes', async () => {
    expect((await createApp({ preferredSingleSignOnMode: 'password' })).preferredSingleSignOnMode).toBe('password');
    expect((await createApp({ preferredSingleSignOnMode: 'notSupported' })).preferredSingleSignOnMode).toBe('notSupported');
  });

  it('rejects invalid properties with the Graph envelope naming the property', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'displayName'],
      [{ displayName: '' }, 'displayName'],
      [{ displayName: 'X', description: 'd'.repeat(1025) }, 'description'],
      [{ displayName: 'X', notes: 'n'.repeat(1025) }, 'notes'],
      [{ displayName: 'X', replyUrls: ['ftp://example.com/acs'] }, 'replyUrls'],
      [{ displayName: 'X', replyUrls: ['https://example.com/cb#frag'] }, 'replyUrls'],
      [{ displayName: 'X', replyUrls: ['not a url'] }, 'replyUrls'],
      [{ displayName: 'X', replyUrls: Array.from({ length: 257 }, (_, i) => `https://e.example.com/${i}`) }, 'replyUrls'],
      [{ displayName: 'X', homepage: 'javascript:alert(1)' }, 'homepage'],
      [{ displayName: 'X', preferredSingleSignOnMode: 'wsfed' }, 'preferredSingleSignOnMode'],
      [{ displayName: 'X', appRoleAssignmentRequired: 'yes' }, 'appRoleAssignmentRequired'],
      [{ displayName: 'X', info: { logoUrl: 'nope' } }, 'info'],
      [{ displayName: 'X', appId: '5f0b6a1e-3c8d-4a57-9a0e-6f1d2c3b4a01' }, 'appId'],
      [
        {
          displayName: 'X',
          appRoles: [{ id: 'not-a-guid', displayName: 'R', description: 'R', value: 'R', allowedMemberTypes: ['User'] }],
        },
        'appRoles',
      ],
      [
        {
          displayName: 'X',
          appRoles: [{ id: ROLE_ID, displayName: 'R', description: 'R', value: 'has space', allowedMemberTypes: ['User'] }],
        },
        'appRoles',
      ],
      [{ displayName: 'X', selfServiceAccess: { approverIds: Array.from({ length: 11 }, () => ROLE_ID) } }, 'approverIds'],
    ];
    for (const [body, property] of cases) {
      const res = await admin('POST', '/servicePrincipals', body);
      expect(res.statusCode, `${JSON.stringify(body).slice(0, 80)} → ${res.body}`).toBe(400);
      expectBadRequest(res, property);
      expect(res.json().error.innerError['request-id']).toBeTruthy();
    }
  });

  it('requires unique app role ids and values', async () => {
    const role = (id: string, value: string) => ({
      allowedMemberTypes: ['User'],
      description: value,
      displayName: value,
      id,
      value,
    });
    let res = await admin('POST', '/servicePrincipals', {
      displayName: 'Roles',
      appRoles: [role(ROLE_ID, 'A'), role(ROLE_ID, 'B')],
    });
    expectBadRequest(res, 'duplicate id');
    expect(res.json().error.target).toBe('appRoles');
    res = await admin('POST', '/servicePrincipals', {
      displayName: 'Roles',
      appRoles: [role(ROLE_ID, 'Same'), role('2b4f816e-5eaf-48b9-8613-7923830595ad', 'same')],
    });
    expectBadRequest(res, 'duplicate value');
  });

  it('keeps servicePrincipalNames (SAML entity ids) unique in the tenant', async () => {
    const entityId = `https://sp-${n()}.example.com/metadata`;
    await createApp({ servicePrincipalNames: [entityId] });
    const res = await admin('POST', '/servicePrincipals', {
      displayName: 'Dup',
      servicePrincipalNames: [entityId.toUpperCase()],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'Request_BadRequest', target: 'servicePrincipalNames' });
    expect(res.json().error.message).toContain('servicePrincipalNames');
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const res = await admin('GET', '/servicePrincipals/00000000-0000-7000-8000-000000000000');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('Request_ResourceNotFound');
    expect((await admin('GET', '/servicePrincipals/not-an-id')).statusCode).toBe(400);
  });
});

describe("addressing by appId: /servicePrincipals(appId='…')", () => {
  it('reads, updates, lists owners and deletes through the alternate key', async () => {
    const sp = await createApp();
    const base = `/servicePrincipals(appId='${sp.appId}')`;
    const got = await admin('GET', base);
    expect(got.statusCode).toBe(200);
    expect(got.json().id).toBe(sp.id);
    expect((await admin('GET', `/servicePrincipals(appId=%27${sp.appId}%27)?$select=displayName`)).json()).toMatchObject({
      id: sp.id,
      displayName: sp.displayName,
    });
    expect((await admin('PATCH', base, { notes: 'by appId' })).statusCode).toBe(204);
    expect((await admin('GET', `/servicePrincipals/${sp.id}`)).json().notes).toBe('by appId');
    expect((await admin('GET', `${base}/owners`)).statusCode).toBe(200);
    expect((await admin('DELETE', base)).statusCode).toBe(204);
    expect((await admin('GET', `/servicePrincipals/${sp.id}`)).statusCode).toBe(404);
  });

  it('answers 404 for an unknown appId', async () => {
    const res = await admin('GET', "/servicePrincipals(appId='00000000-0000-7000-8000-000000000001')");
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('Request_ResourceNotFound');
  });

  it('finds an application by appId without a tenant (the OIDC client lookup)', async () => {
    const sp = await createApp();
    const found = await t.app.portico.services.applications.findByAppId(sp.appId);
    expect(found).toMatchObject({ id: sp.id, tenantId: t.tenant.id });
    expect(await t.app.portico.services.applications.findByAppId('00000000-0000-7000-8000-000000000001')).toBeUndefined();
  });
});

describe('GET /servicePrincipals (OData)', () => {
  const prefix = `Odata${n()}`;
  beforeAll(async () => {
    for (const [name, tags, mode] of [
      ['Charlie', ['HideApp'], 'saml'],
      ['Alpha', [], 'oidc'],
      ['Bravo', ['Team'], 'oidc'],
    ] as const) {
      await createApp({
        displayName: `${prefix} ${name}`,
        tags: [...tags],
        preferredSingleSignOnMode: mode,
        description: `${name} app`,
      });
    }
  });

  const list = async (query: string, headers: Record<string, string> = {}) => {
    const res = await t.call('GET', `/v1.0/servicePrincipals?${query}`, { token: t.admin.token, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const names = (body: { value: { displayName: string }[] }) => body.value.map((v) => v.displayName.slice(prefix.length + 1));
  const mine = `startswith(displayName,'${prefix}')`;

  it('filters, orders by displayName and selects', async () => {
    const body = await list(`$filter=${encodeURIComponent(mine)}&$orderby=displayName&$select=displayName,appId`);
    expect(body['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#servicePrincipals');
    expect(names(body)).toEqual(['Alpha', 'Bravo', 'Charlie']);
    expect(Object.keys(body.value[0]).sort()).toEqual(['appId', 'displayName', 'id']);
  });

  it('filters on tags/any, preferredSingleSignOnMode and appId', async () => {
    const hidden = await list(`$filter=${encodeURIComponent(`${mine} and tags/any(t:t eq 'HideApp')`)}`);
    expect(names(hidden)).toEqual(['Charlie']);
    const oidc = await list(
      `$filter=${encodeURIComponent(`${mine} and preferredSingleSignOnMode eq 'oidc'`)}&$orderby=displayName desc`,
    );
    expect(names(oidc)).toEqual(['Bravo', 'Alpha']);
    const one = oidc.value[0];
    const byAppId = await list(`$filter=${encodeURIComponent(`appId eq '${one.appId}'`)}`);
    expect(byAppId.value.map((v: ServicePrincipal) => v.id)).toEqual([one.id]);
  });

  it('pages with $top and $skiptoken', async () => {
    const first = await list(`$filter=${encodeURIComponent(mine)}&$orderby=displayName&$top=2`);
    expect(first.value).toHaveLength(2);
    const next = first['@odata.nextLink'] as string;
    expect(next).toContain('skiptoken=');
    const res = await t.call('GET', next.replace('http://localhost:8080', ''), { token: t.admin.token });
    expect(names(res.json())).toEqual(['Charlie']);
    expect(res.json()['@odata.nextLink']).toBeUndefined();
  });

  it('counts and searches with ConsistencyLevel: eventual', async () => {
    const eventual = { consistencylevel: 'eventual' };
    const counted = await list(`$filter=${encodeURIComponent(mine)}&$count=true`, eventual);
    expect(counted['@odata.count']).toBe(3);
    const searched = await list(`$search=${encodeURIComponent(`"displayName:${prefix}" AND "description:bravo"`)}`, eventual);
    expect(names(searched)).toEqual(['Bravo']);
    const res = await t.call('GET', '/v1.0/servicePrincipals?$count=true', { token: t.admin.token });
    expect(res.statusCode).toBe(400);
  });

  it('rejects unsupported query options with the OData error', async () => {
    const res = await admin('GET', "/servicePrincipals?$filter=notes eq 'x'");
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BadRequest');
  });
});

describe('PATCH and DELETE /servicePrincipals/{id}', () => {
  it('updates properties, keeps the appId among the names, and audits the changed properties', async () => {
    const sp = await createApp({ tags: ['Team'] });
    const res = await admin('PATCH', `/servicePrincipals/${sp.id}`, {
      displayName: 'Renamed',
      tags: ['Team', 'HideApp'],
      servicePrincipalNames: ['urn:renamed'],
      // New applications require assignment (the default); turning it off is a change.
      appRoleAssignmentRequired: false,
      samlSingleSignOnSettings: { relayState: 'rs' },
    });
    expect(res.statusCode).toBe(204);
    const got = (await admin('GET', `/servicePrincipals/${sp.id}`)).json();
    expect(got).toMatchObject({
      displayName: 'Renamed',
      appDisplayName: 'Renamed',
      tags: ['Team', 'HideApp'],
      servicePrincipalNames: [sp.appId, 'urn:renamed'],
      appRoleAssignmentRequired: false,
      samlSingleSignOnSettings: { relayState: 'rs' },
      appId: sp.appId,
    });
    const [record] = await audits('Update service principal', sp.id);
    expect(record).toMatchObject({ category: 'ApplicationManagement', operationType: 'Update' });
    const changed = record?.targetResources[0]?.modifiedProperties.map((p) => p.displayName).sort();
    expect(changed).toEqual([
      'appRoleAssignmentRequired',
      'displayName',
      'samlSingleSignOnSettings',
      'servicePrincipalNames',
      'tags',
    ]);
    expect(record?.targetResources[0]?.modifiedProperties.find((p) => p.displayName === 'displayName')).toMatchObject({
      oldValue: JSON.stringify(sp.displayName),
      newValue: '"Renamed"',
    });
  });

  it('clears nullable properties with null and rejects read-only ones', async () => {
    const sp = await createApp({ homepage: 'https://a.example.com', info: { logoUrl: 'https://a.example.com/l.png' } });
    expect((await admin('PATCH', `/servicePrincipals/${sp.id}`, { homepage: null, info: null })).statusCode).toBe(204);
    expect((await admin('GET', `/servicePrincipals/${sp.id}`)).json()).toMatchObject({ homepage: null, info: { logoUrl: null } });
    expectBadRequest(await admin('PATCH', `/servicePrincipals/${sp.id}`, { appId: sp.id }), 'appId');
    expectBadRequest(await admin('PATCH', `/servicePrincipals/${sp.id}`, { passwordCredentials: [] }), 'passwordCredentials');
  });

  it('refuses to remove an enabled app role; a disabled one can be removed', async () => {
    const role = { allowedMemberTypes: ['User'], description: 'Reader', displayName: 'Reader', id: ROLE_ID, value: 'Reader' };
    const sp = await createApp({ appRoles: [role] });
    const res = await admin('PATCH', `/servicePrincipals/${sp.id}`, { appRoles: [] });
    expectBadRequest(res, 'isEnabled');
    expect((await admin('PATCH', `/servicePrincipals/${sp.id}`, { appRoles: [{ ...role, isEnabled: false }] })).statusCode).toBe(
      204,
    );
    expect((await admin('PATCH', `/servicePrincipals/${sp.id}`, { appRoles: [] })).statusCode).toBe(204);
    expect((await admin('GET', `/servicePrincipals/${sp.id}`)).json().appRoles).toEqual([]);
  });

  it('validates and persists the self-service settings', async () => {
    const group = (
      await admin('POST', '/groups', {
        displayName: `SS ${n()}`,
        mailNickname: `ss${n()}`,
        mailEnabled: false,
        securityEnabled: true,
      })
    ).json();
    const approver = (await t.createUser()).user;
    const sp = await createApp({
      appRoles: [{ allowedMemberTypes: ['User'], description: 'U', displayName: 'U', id: ROLE_ID, value: 'U' }],
    });
    const url = `/servicePrincipals/${sp.id}`;
    expectBadRequest(await admin('PATCH', url, { selfServiceAccess: { enabled: true } }), 'groupId');
    expectBadRequest(
      await admin('PATCH', url, { selfServiceAccess: { enabled: true, groupId: group.id, requireApproval: true } }),
      'approverIds',
    );
    expectBadRequest(
      await admin('PATCH', url, { selfServiceAccess: { groupId: '00000000-0000-7000-8000-000000000009' } }),
      'groupId',
    );
    expectBadRequest(await admin('PATCH', url, { selfServiceAccess: { approverIds: [group.id] } }), 'approverIds');
    expectBadRequest(
      await admin('PATCH', url, { selfServiceAccess: { appRoleId: '00000000-0000-7000-8000-000000000009' } }),
      'appRoleId',
    );
    const ok = await admin('PATCH', url, {
      selfServiceAccess: {
        enabled: true,
        groupId: group.id,
        requireApproval: true,
        approverIds: [approver.id],
        appRoleId: ROLE_ID,
      },
    });
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await admin('GET', url)).json().selfServiceAccess).toEqual({
      enabled: true,
      groupId: group.id,
      requireApproval: true,
      approverIds: [approver.id],
      appRoleId: ROLE_ID,
    });
    // A partial update keeps the other settings.
    expect((await admin('PATCH', url, { selfServiceAccess: { requireApproval: false } })).statusCode).toBe(204);
    expect((await admin('GET', url)).json().selfServiceAccess).toMatchObject({ requireApproval: false, groupId: group.id });
  });

  it('drops a deleted approver and turns self-service off when its group is deleted', async () => {
    const group = (
      await admin('POST', '/groups', {
        displayName: `SS ${n()}`,
        mailNickname: `ss${n()}`,
        mailEnabled: false,
        securityEnabled: true,
      })
    ).json();
    const [a, b] = [(await t.createUser()).user, (await t.createUser()).user];
    const sp = await createApp({
      selfServiceAccess: { enabled: true, groupId: group.id, requireApproval: true, approverIds: [a.id, b.id] },
    });
    const url = `/servicePrincipals/${sp.id}`;
    expect((await admin('DELETE', `/users/${a.id}`)).statusCode).toBe(204);
    expect((await admin('GET', url)).json().selfServiceAccess).toMatchObject({ enabled: true, approverIds: [b.id] });
    expect((await admin('DELETE', `/groups/${group.id}`)).statusCode).toBe(204);
    expect((await admin('GET', url)).json().selfServiceAccess).toEqual({
      enabled: false,
      groupId: null,
      requireApproval: true,
      approverIds: [b.id],
      appRoleId: null,
    });
    // The application stays editable.
    expect((await admin('PATCH', url, { notes: 'still editable' })).statusCode).toBe(204);
  });

  it('deletes an application with "Remove service principal"; its appId no longer resolves', async () => {
    const sp = await createApp();
    expect((await admin('DELETE', `/servicePrincipals/${sp.id}`)).statusCode).toBe(204);
    expect((await admin('GET', `/servicePrincipals/${sp.id}`)).statusCode).toBe(404);
    expect((await admin('DELETE', `/servicePrincipals/${sp.id}`)).statusCode).toBe(404);
    expect(await t.app.portico.services.applications.findByAppId(sp.appId)).toBeUndefined();
    const [record] = await audits('Remove service principal', sp.id);
    expect(record).toMatchObject({ category: 'ApplicationManagement', operationType: 'Delete' });
    const [added] = await audits('Add service principal', sp.id);
    expect(added).toMatchObject({
      category: 'ApplicationManagement',
      operationType: 'Add',
      initiatedBy: { user: { id: t.admin.user.id } },
    });
  });
});

describe('application gallery', () => {
  it('lists 4–6 templates with documented single sign-on settings', async () => {
    const res = await admin('GET', '/applicationTemplates');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#applicationTemplates');
    expect(body.value.length).toBeGreaterThanOrEqual(4);
    expect(body.value.length).toBeLessThanOrEqual(6);
    const ids = body.value.map((v: { id: string }) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['grafana', 'gitlab', 'nextcloud', 'jenkins']));
    const gitlab = body.value.find((v: { id: string }) => v.id === 'gitlab');
    expect(gitlab.supportedSingleSignOnModes).toEqual(['oidc', 'saml']);
    expect(gitlab.singleSignOnSettings.saml).toMatchObject({
      replyUrls: ['{baseUrl}/users/auth/saml/callback'],
      nameIdFormat: 'persistent',
    });
    expect(gitlab.singleSignOnSettings.oidc.redirectUris).toEqual(['{baseUrl}/users/auth/openid_connect/callback']);
    const selected = (await admin('GET', '/applicationTemplates?$select=displayName&$top=2')).json();
    expect(selected.value).toHaveLength(2);
    expect(Object.keys(selected.value[0]).sort()).toEqual(['displayName', 'id']);
    expect((await admin('GET', '/applicationTemplates/grafana')).json()).toMatchObject({ id: 'grafana', displayName: 'Grafana' });
    expect((await admin('GET', '/applicationTemplates/nope')).statusCode).toBe(404);
  });

  it('instantiates a template as in Graph, filling the app address into the SSO settings', async () => {
    const res = await admin('POST', '/applicationTemplates/nextcloud/instantiate', {
      displayName: 'Team files',
      baseUrl: 'https://cloud.example.com/',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#microsoft.graph.applicationServicePrincipal');
    expect(body.servicePrincipal).toMatchObject({
      displayName: 'Team files',
      applicationTemplateId: 'nextcloud',
      preferredSingleSignOnMode: 'saml',
      homepage: 'https://cloud.example.com',
      replyUrls: ['https://cloud.example.com/apps/user_saml/saml/acs'],
      loginUrl: 'https://cloud.example.com/apps/user_saml/saml/login',
      logoutUrl: 'https://cloud.example.com/apps/user_saml/saml/sls',
    });
    expect(body.servicePrincipal.servicePrincipalNames).toEqual([
      body.servicePrincipal.appId,
      'https://cloud.example.com/apps/user_saml/saml/metadata',
    ]);
    expect((await admin('GET', `/servicePrincipals/${body.servicePrincipal.id}`)).statusCode).toBe(200);
  });

  it('picks the SSO mode of a two-mode template, and leaves URLs for the admin without a baseUrl', async () => {
    const oidc = (
      await admin('POST', '/applicationTemplates/gitlab/instantiate', {
        displayName: 'GitLab OIDC',
        baseUrl: 'https://git.example.com',
        preferredSingleSignOnMode: 'oidc',
      })
    ).json().servicePrincipal;
    expect(oidc).toMatchObject({
      preferredSingleSignOnMode: 'oidc',
      replyUrls: ['https://git.example.com/users/auth/openid_connect/callback'],
    });
    const bare = (await admin('POST', '/applicationTemplates/grafana/instantiate', { displayName: 'Grafana' })).json()
      .servicePrincipal;
    expect(bare).toMatchObject({ preferredSingleSignOnMode: 'oidc', replyUrls: [], homepage: null });
    expect(bare.appRoles.map((r: { value: string }) => r.value)).toEqual(['Admin', 'Editor', 'Viewer']);
    expectBadRequest(
      await admin('POST', '/applicationTemplates/jenkins/instantiate', { displayName: 'J', preferredSingleSignOnMode: 'oidc' }),
      'saml',
    );
    expectBadRequest(await admin('POST', '/applicationTemplates/jenkins/instantiate', {}), 'displayName');
    expect((await admin('POST', '/applicationTemplates/nope/instantiate', { displayName: 'X' })).statusCode).toBe(404);
  });

  it('also creates from a template with POST /servicePrincipals (explicit properties win)', async () => {
    const sp = await createApp({
      applicationTemplateId: 'jenkins',
      baseUrl: 'https://ci.example.com',
      displayName: 'CI',
      loginUrl: 'https://ci.example.com/custom-login',
    });
    expect(sp).toMatchObject({
      displayName: 'CI',
      applicationTemplateId: 'jenkins',
      preferredSingleSignOnMode: 'saml',
      replyUrls: ['https://ci.example.com/securityRealm/finishLogin'],
      loginUrl: 'https://ci.example.com/custom-login',
    });
    expectBadRequest(await admin('POST', '/servicePrincipals', { applicationTemplateId: 'nope' }), 'nope');
    expectBadRequest(
      await admin('POST', '/servicePrincipals', { displayName: 'X', baseUrl: 'https://x.example.com' }),
      'baseUrl',
    );
  });
});

describe('client secrets: addPassword / removePassword', () => {
  it('returns the secret once, stores only its SHA-256, and lists metadata without it', async () => {
    const sp = await createApp();
    const res = await admin('POST', `/servicePrincipals/${sp.id}/addPassword`, {
      passwordCredential: { displayName: 'CI secret' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const cred = res.json();
    expect(cred['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#microsoft.graph.passwordCredential');
    expect(cred).toMatchObject({ displayName: 'CI secret', customKeyIdentifier: null });
    expect(cred.keyId).toMatch(/^[0-9a-f-]{36}$/);
    // 256 bits of randomness, base64url.
    expect(cred.secretText).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cred.hint).toBe(cred.secretText.slice(0, 3));
    const days = (Date.parse(cred.endDateTime) - Date.parse(cred.startDateTime)) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(365);
    expect(days).toBeLessThanOrEqual(366);

    const got = (await admin('GET', `/servicePrincipals/${sp.id}`)).json();
    expect(got.passwordCredentials).toEqual([
      {
        customKeyIdentifier: null,
        displayName: 'CI secret',
        endDateTime: cred.endDateTime,
        hint: cred.hint,
        keyId: cred.keyId,
        secretText: null,
        startDateTime: cred.startDateTime,
      },
    ]);
    const listed = (await admin('GET', `/servicePrincipals?$filter=id eq '${sp.id}'`)).body;
    expect(listed).not.toContain(cred.secretText);

    const row = await t.database.db
      .selectFrom('service_principal_passwords')
      .selectAll()
      .where('key_id', '=', cred.keyId)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(createHash('sha256').update(cred.secretText).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(cred.secretText);

    const apps = t.app.portico.services.applications;
    expect(await apps.verifyClientSecret(sp.appId, cred.secretText)).toBe(true);
    expect(await apps.verifyClientSecret(sp.appId, `${cred.secretText}x`)).toBe(false);

    // The audit record names the key, never the secret.
    const [record] = await audits('Update service principal', sp.id);
    expect(record?.targetResources[0]?.modifiedProperties[0]?.displayName).toBe('KeyDescription');
    expect(JSON.stringify(record)).toContain(cred.keyId);
    expect(JSON.stringify(record)).not.toContain(cred.secretText);

    expect((await admin('POST', `/servicePrincipals/${sp.id}/removePassword`, { keyId: cred.keyId })).statusCode).toBe(204);
    expect((await admin('GET', `/servicePrincipals/${sp.id}`)).json().passwordCredentials).toEqual([]);
    expect(await apps.verifyClientSecret(sp.appId, cred.secretText)).toBe(false);
    const again = await admin('POST', `/servicePrincipals/${sp.id}/removePassword`, { keyId: cred.keyId });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('Request_ResourceNotFound');
  });

  it('accepts an end date up to two years ahead and rejects later or past ones', async () => {
    const sp = await createApp();
    const url = `/servicePrincipals/${sp.id}/addPassword`;
    const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
    const ok = await admin('POST', url, { passwordCredential: { endDateTime: inDays(700) } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().displayName).toBeNull();
    expectBadRequest(await admin('POST', url, { passwordCredential: { endDateTime: inDays(800) } }), 'endDateTime');
    expectBadRequest(await admin('POST', url, { passwordCredential: { endDateTime: inDays(-1) } }), 'endDateTime');
    expectBadRequest(await admin('POST', url, { passwordCredential: { endDateTime: 'tomorrow' } }), 'endDateTime');
    expect((await admin('POST', url, {})).statusCode).toBe(200);
    expectBadRequest(await admin('POST', `/servicePrincipals/${sp.id}/removePassword`, { keyId: 'x' }), 'keyId');
  });
});

describe('owners', () => {
  it('adds, lists and removes owners (users only, duplicates and unknown objects refused) with audit records', async () => {
    const sp = await createApp();
    const owner = (await t.createUser({ displayName: 'Olivia Owner' })).user;
    const url = `/servicePrincipals/${sp.id}/owners`;
    expect((await admin('POST', `${url}/$ref`, ref(owner.id))).statusCode).toBe(204);
    const dup = await admin('POST', `${url}/$ref`, ref(owner.id));
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.message).toContain("'owners'");
    expect((await admin('POST', `${url}/$ref`, ref('00000000-0000-7000-8000-00000000000f'))).statusCode).toBe(404);
    const group = (
      await admin('POST', '/groups', {
        displayName: `G ${n()}`,
        mailNickname: `g${n()}`,
        mailEnabled: false,
        securityEnabled: true,
      })
    ).json();
    expectBadRequest(await admin('POST', `${url}/$ref`, ref(group.id)), 'Only users');
    expectBadRequest(await admin('POST', `${url}/$ref`, { '@odata.id': 'nonsense' }), 'nonsense');

    const listed = (await admin('GET', url)).json();
    expect(listed['@odata.context']).toBe('http://localhost:8080/v1.0/$metadata#directoryObjects');
    expect(listed.value).toEqual([
      expect.objectContaining({ '@odata.type': '#microsoft.graph.user', id: owner.id, displayName: 'Olivia Owner' }),
    ]);
    const selected = (await admin('GET', `${url}?$select=displayName`)).json().value;
    expect(selected).toEqual([{ '@odata.type': '#microsoft.graph.user', id: owner.id, displayName: 'Olivia Owner' }]);

    const [added] = await audits('Add owner to service principal', sp.id);
    expect(added).toMatchObject({ category: 'ApplicationManagement', operationType: 'Assign' });
    expect(added?.targetResources.map((r) => r.type)).toEqual(['ServicePrincipal', 'User']);

    expect((await admin('DELETE', `${url}/${owner.id}/$ref`)).statusCode).toBe(204);
    expect((await admin('DELETE', `${url}/${owner.id}/$ref`)).statusCode).toBe(404);
    expect((await admin('GET', url)).json().value).toEqual([]);
    expect(await audits('Remove owner from service principal', sp.id)).toHaveLength(1);
  });

  it('an owner manages their own application (properties, secrets, owners) but gets 403 on another one', async () => {
    const mine = await createApp();
    const other = await createApp();
    const { user: owner, token } = await t.createUser();
    await admin('POST', `/servicePrincipals/${mine.id}/owners/$ref`, ref(owner.id));
    const as = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
      t.call(method, `/v1.0${url}`, { token, ...(body === undefined ? {} : { body }) });

    expect((await as('PATCH', `/servicePrincipals/${mine.id}`, { notes: 'mine' })).statusCode).toBe(204);
    const secret = await as('POST', `/servicePrincipals/${mine.id}/addPassword`, {});
    expect(secret.statusCode).toBe(200);
    const colleague = (await t.createUser()).user;
    expect((await as('POST', `/servicePrincipals/${mine.id}/owners/$ref`, ref(colleague.id))).statusCode).toBe(204);

    for (const [method, url, body] of [
      ['PATCH', `/servicePrincipals/${other.id}`, { notes: 'theirs' }],
      ['POST', `/servicePrincipals/${other.id}/addPassword`, {}],
      ['POST', `/servicePrincipals/${other.id}/owners/$ref`, ref(colleague.id)],
      ['DELETE', `/servicePrincipals/${other.id}`, undefined],
      ['POST', '/servicePrincipals', { displayName: 'Not allowed' }],
    ] as const) {
      const res = await as(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('Authorization_RequestDenied');
    }
    // Members can read every application (default user permissions).
    expect((await as('GET', `/servicePrincipals/${other.id}`)).statusCode).toBe(200);
    expect((await as('DELETE', `/servicePrincipals/${mine.id}`)).statusCode).toBe(204);
  });

  it('lists the applications a user owns (My Apps "Manage your application")', async () => {
    const sp = await createApp();
    const { user } = await t.createUser();
    await admin('POST', `/servicePrincipals/${sp.id}/owners/$ref`, ref(user.id));
    const owned = await t.app.portico.services.applications.listOwnedAppsForUser(t.tenant.id, user.id);
    expect(owned.map((a) => a.id)).toEqual([sp.id]);
  });

  it('removes ownerships when the owner is deleted', async () => {
    const sp = await createApp();
    const { user } = await t.createUser();
    await admin('POST', `/servicePrincipals/${sp.id}/owners/$ref`, ref(user.id));
    expect((await admin('DELETE', `/users/${user.id}`)).statusCode).toBe(204);
    expect((await admin('GET', `/servicePrincipals/${sp.id}/owners`)).json().value).toEqual([]);
  });
});

describe('who may create and read applications', () => {
  it('Application and Cloud Application Administrators create; User Administrators and members cannot', async () => {
    for (const [role, status] of [
      [RoleIds.applicationAdministrator, 201],
      [RoleIds.cloudApplicationAdministrator, 201],
      [RoleIds.userAdministrator, 403],
    ] as const) {
      const { token } = await t.createUser({ roles: [role] });
      const res = await t.call('POST', '/v1.0/servicePrincipals', { token, body: { displayName: `By role ${n()}` } });
      expect(res.statusCode, role).toBe(status);
    }
  });

  it('guests cannot enumerate applications but may read one by id', async () => {
    const sp = await createApp();
    const { token } = await t.createUser({ userType: 'Guest' });
    expect((await t.call('GET', '/v1.0/servicePrincipals', { token })).statusCode).toBe(403);
    expect((await t.call('GET', `/v1.0/servicePrincipals/${sp.id}`, { token })).statusCode).toBe(200);
  });

  it('automation clients need Application.ReadWrite.All to write and Application.Read.All to read', async () => {
    const reader = await t.appToken(['Application.Read.All']);
    const writer = await t.appToken(['Application.ReadWrite.All']);
    expect((await t.call('GET', '/v1.0/servicePrincipals', { token: reader })).statusCode).toBe(200);
    const denied = await t.call('POST', '/v1.0/servicePrincipals', { token: reader, body: { displayName: 'No' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.message).toContain('Application.ReadWrite.All');
    const created = await t.call('POST', '/v1.0/servicePrincipals', { token: writer, body: { displayName: `By app ${n()}` } });
    expect(created.statusCode).toBe(201);
  });
});

describe('tenant isolation', () => {
  it("another tenant's administrator gets 404 for this tenant's application, by id and by appId", async () => {
    const sp = await createApp();
    const tenantB = await t.app.portico.services.tenants.createTenant({
      displayName: 'Fabrikam',
      initialDomain: `fabrikam${n()}.test`,
    });
    const { token } = await t.createUser({ tenant: tenantB, roles: [RoleIds.globalAdministrator] });
    for (const [method, url, body] of [
      ['GET', `/servicePrincipals/${sp.id}`, undefined],
      ['GET', `/servicePrincipals(appId='${sp.appId}')`, undefined],
      ['PATCH', `/servicePrincipals/${sp.id}`, { notes: 'x' }],
      ['DELETE', `/servicePrincipals/${sp.id}`, undefined],
      ['POST', `/servicePrincipals/${sp.id}/addPassword`, {}],
      ['GET', `/servicePrincipals/${sp.id}/owners`, undefined],
      ['GET', `/servicePrincipals/${sp.id}/appRoleAssignedTo`, undefined],
    ] as const) {
      const res = await t.call(method, `/v1.0${url}`, { token, ...(body === undefined ? {} : { body }) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const list = await t.call('GET', '/v1.0/servicePrincipals', { token });
    expect(list.json().value.map((v: ServicePrincipal) => v.id)).not.toContain(sp.id);
    // The same entity id may be used in another tenant.
    const named = await createApp({ servicePrincipalNames: ['urn:shared-entity'] });
    expect(named.servicePrincipalNames).toContain('urn:shared-entity');
    const res = await t.call('POST', '/v1.0/servicePrincipals', {
      token,
      body: { displayName: 'B app', servicePrincipalNames: ['urn:shared-entity'] },
    });
    expect(res.statusCode).toBe(201);
    const byName = await t.app.portico.services.applications.findByServicePrincipalName(t.tenant.id, 'URN:SHARED-ENTITY');
    expect(byName?.id).toBe(named.id);
  });
});
