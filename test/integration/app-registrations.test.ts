import { Client, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as m0019 from '../../src/server/db/migrations/0019_application_registrations.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { BearerMiddleware } from '../helpers/graph-client.js';
import { freePort } from '../helpers/oidc.js';

// App registrations (/v1.0/applications) paired 1:1 with their service principals: Graph shapes,
// one source of truth for what both objects show, validation with catalogue codes, secrets and
// owners shared with the service principal, authorization, audit, and Microsoft's Graph client.

let t: TestApp;
let base: string;
let seq = 0;
const n = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

const GRAPH = '00000003-0000-0000-c000-000000000000';
const USER_READ = 'e1fe6dd8-ba31-4d61-89e7-88639da4683d';
const API_ROLE = '5a7c7a4e-8a2b-4a57-9f1c-2b0a3d9e1f10';

const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>) =>
  t.call(method, `/v1.0${url}`, {
    token: t.admin.token,
    ...(body === undefined ? {} : { body }),
    ...(headers ? { headers } : {}),
  });

async function register(body: Record<string, unknown> = {}) {
  const res = await admin('POST', '/applications', { displayName: `Reg ${n()}`, ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const expectCode = (res: { statusCode: number; body: string; json(): any }, status: number, code: string) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.details[0].code).toBe(code);
};

async function audits(activity: string, targetId: string) {
  const filter = `activityDisplayName eq '${activity}' and targetResources/any(t:t/id eq '${targetId}')`;
  const res = await admin('GET', `/auditLogs/directoryAudits?$filter=${encodeURIComponent(filter)}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().value as {
    category: string;
    targetResources: { id: string; type: string; modifiedProperties: { displayName: string; newValue: string | null }[] }[];
  }[];
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORT: String(port) } });
  await t.app.listen({ port, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

describe('POST /applications and reads', () => {
  it('creates the application and its service principal, paired by appId, in Graph shape', async () => {
    const res = await admin('POST', '/applications', {
      displayName: 'Contoso Timesheets',
      web: { redirectUris: ['https://time.contoso.test/signin-oidc'], homePageUrl: 'https://time.contoso.test/' },
      spa: { redirectUris: ['https://time.contoso.test/spa'] },
      identifierUris: ['api://contoso-timesheets'],
    });
    expect(res.statusCode, res.body).toBe(201);
    const app = res.json();
    expect(app).toMatchObject({
      '@odata.context': `${base}/v1.0/$metadata#applications/$entity`,
      '@odata.type': '#microsoft.graph.application',
      displayName: 'Contoso Timesheets',
      signInAudience: 'AzureADMyOrg',
      identifierUris: ['api://contoso-timesheets'],
      web: { redirectUris: ['https://time.contoso.test/signin-oidc'], homePageUrl: 'https://time.contoso.test/' },
      spa: { redirectUris: ['https://time.contoso.test/spa'] },
      publicClient: { redirectUris: [] },
      passwordCredentials: [],
      keyCredentials: [],
      requiredResourceAccess: [],
      deletedDateTime: null,
    });
    expect(app.id).toMatch(/^[0-9a-f-]{36}$/);

    const sp = await admin('GET', `/servicePrincipals(appId='${app.appId}')`);
    expect(sp.statusCode).toBe(200);
    expect(sp.json().id).not.toBe(app.id);
    expect(sp.json()).toMatchObject({
      displayName: 'Contoso Timesheets',
      preferredSingleSignOnMode: 'oidc',
      homepage: 'https://time.contoso.test/',
      replyUrls: ['https://time.contoso.test/signin-oidc', 'https://time.contoso.test/spa'],
    });
    expect(sp.json().servicePrincipalNames).toEqual([app.appId, 'api://contoso-timesheets']);

    const byUri = await admin(
      'GET',
      `/applications?$filter=${encodeURIComponent("identifierUris/any(x:x eq 'api://contoso-timesheets')")}&$select=id`,
    );
    expect(byUri.json().value, byUri.body).toEqual([{ '@odata.type': '#microsoft.graph.application', id: app.id }]);

    const [added] = await audits('Add application', app.id);
    expect(added?.category).toBe('ApplicationManagement');
    expect(added?.targetResources[0]?.type).toBe('Application');
    expect(await audits('Add service principal', sp.json().id)).toHaveLength(1);
  });

  it('reads by object id and by (appId=…), with $select; 404 for an unknown id, 400 for a malformed one', async () => {
    const app = await register();
    const byId = await admin('GET', `/applications/${app.id}?$select=id,displayName`);
    expect(byId.statusCode).toBe(200);
    expect(byId.json()).toEqual({
      '@odata.context': `${base}/v1.0/$metadata#applications/$entity`,
      '@odata.type': '#microsoft.graph.application',
      id: app.id,
      displayName: app.displayName,
    });
    const byAppId = await admin('GET', `/applications(appId='${app.appId}')`);
    expect(byAppId.json()).toMatchObject({ id: app.id, appId: app.appId });
    expectCode(await admin('GET', '/applications/6a1c2b4e-0000-4000-8000-000000000001'), 404, 'resource_not_found');
    expect((await admin('GET', '/applications/not-a-guid')).statusCode).toBe(400);
    expectCode(await admin('GET', '/applications?$select=nope'), 400, 'odata_query_invalid');
  });

  it('lists with $filter (appId, startswith displayName), $orderby, $count and paging', async () => {
    const prefix = `Paged ${n()}`;
    const a = await register({ displayName: `${prefix} B` });
    const b = await register({ displayName: `${prefix} A` });
    const c = await register({ displayName: `${prefix} C` });
    const filter = encodeURIComponent(`startswith(displayName,'${prefix}')`);
    const list = await admin('GET', `/applications?$filter=${filter}&$orderby=displayName&$count=true&$top=2`, undefined, {
      ConsistencyLevel: 'eventual',
    });
    expect(list.statusCode, list.body).toBe(200);
    const page = list.json();
    expect(page['@odata.count']).toBe(3);
    expect(page.value.map((x: { id: string }) => x.id)).toEqual([b.id, a.id]);
    expect(page.value[0]['@odata.type']).toBe('#microsoft.graph.application');
    const next = new URL(page['@odata.nextLink']);
    const rest = await t.call('GET', `${next.pathname}${next.search}`, {
      token: t.admin.token,
      headers: { ConsistencyLevel: 'eventual' },
    });
    expect(rest.json().value.map((x: { id: string }) => x.id)).toEqual([c.id]);

    const count = await admin('GET', `/applications/$count?$filter=${filter}`, undefined, { ConsistencyLevel: 'eventual' });
    expect(count.statusCode, count.body).toBe(200);
    expect(count.body).toBe('3');

    const byAppId = await admin('GET', `/applications?$filter=${encodeURIComponent(`appId eq '${c.appId}'`)}&$select=id`);
    expect(byAppId.json().value).toEqual([{ '@odata.type': '#microsoft.graph.application', id: c.id }]);
  });

  it('shows enterprise applications created as service principals (every service principal has its application)', async () => {
    const sp = (
      await admin('POST', '/servicePrincipals', { displayName: `SP first ${n()}`, replyUrls: ['https://sp.contoso.test/cb'] })
    ).json();
    const app = await admin('GET', `/applications(appId='${sp.appId}')`);
    expect(app.statusCode, app.body).toBe(200);
    expect(app.json().web.redirectUris).toEqual(['https://sp.contoso.test/cb']);
  });

  it('migration 0019 gives every existing service principal its application object', async () => {
    const sp = (
      await admin('POST', '/servicePrincipals', { displayName: `Before 0019 ${n()}`, replyUrls: ['https://old.contoso.test/cb'] })
    ).json();
    // Back to the schema before 0019 (service principals without application objects), then up again.
    await m0019.down(t.database.db as never);
    await m0019.up(t.database.db as never);
    const app = await admin('GET', `/applications(appId='${sp.appId}')`);
    expect(app.statusCode, app.body).toBe(200);
    expect(app.json()).toMatchObject({
      appId: sp.appId,
      displayName: sp.displayName,
      web: { redirectUris: ['https://old.contoso.test/cb'] },
    });
    expect(app.json().id).not.toBe(sp.id);
  });

  it('POST /servicePrincipals {appId}: 409 when the application has its service principal (always), 400 for an unknown appId', async () => {
    const app = await register();
    expectCode(await admin('POST', '/servicePrincipals', { appId: app.appId }), 409, 'service_principal_exists');
    expectCode(
      await admin('POST', '/servicePrincipals', { appId: '7d3c2b1a-0000-4000-8000-00000000abcd' }),
      400,
      'application_not_found',
    );
  });
});

describe('PATCH /applications/{id}', () => {
  it('edits the same data as the service principal: redirect URIs per platform, identifierUris, displayName', async () => {
    const app = await register({ web: { redirectUris: ['https://one.contoso.test/cb'] } });
    const patched = await admin('PATCH', `/applications/${app.id}`, {
      displayName: 'Renamed',
      spa: { redirectUris: ['https://one.contoso.test/spa'] },
      publicClient: { redirectUris: ['http://localhost:3000/'] },
      identifierUris: ['api://renamed'],
    });
    expect(patched.statusCode, patched.body).toBe(204);
    const sp = (await admin('GET', `/servicePrincipals(appId='${app.appId}')`)).json();
    expect(sp.displayName).toBe('Renamed');
    expect(sp.replyUrls).toEqual(['https://one.contoso.test/cb', 'https://one.contoso.test/spa', 'http://localhost:3000/']);
    expect(sp.servicePrincipalNames).toEqual([app.appId, 'api://renamed']);

    // The admin center edits the service principal: the application shows the change (no copy).
    await admin('PATCH', `/servicePrincipals/${sp.id}`, {
      replyUrls: ['https://one.contoso.test/spa', 'https://two.contoso.test/cb'],
    });
    const after = (await admin('GET', `/applications/${app.id}`)).json();
    expect(after).toMatchObject({
      displayName: 'Renamed',
      web: { redirectUris: ['https://two.contoso.test/cb'] },
      spa: { redirectUris: ['https://one.contoso.test/spa'] },
      publicClient: { redirectUris: [] },
      identifierUris: ['api://renamed'],
    });

    const [updated] = await audits('Update application', app.id);
    expect(updated?.targetResources[0]?.modifiedProperties.map((p) => p.displayName)).toEqual(
      expect.arrayContaining(['displayName', 'spa', 'publicClient', 'identifierUris']),
    );
  });

  it('accepts only AzureADMyOrg as signInAudience', async () => {
    const app = await register();
    expect((await admin('PATCH', `/applications/${app.id}`, { signInAudience: 'AzureADMyOrg' })).statusCode).toBe(204);
    expectCode(
      await admin('PATCH', `/applications/${app.id}`, { signInAudience: 'AzureADMultipleOrgs' }),
      400,
      'sign_in_audience_unsupported',
    );
    expectCode(
      await admin('POST', '/applications', { displayName: 'Multi', signInAudience: 'AzureADandPersonalMicrosoftAccount' }),
      400,
      'sign_in_audience_unsupported',
    );
    expect((await admin('PATCH', `/applications/${app.id}`, { signInAudience: 'Everyone' })).statusCode).toBe(400);
  });

  it('refuses a redirect URI under two platforms', async () => {
    const app = await register();
    const uri = 'https://dup.contoso.test/cb';
    expectCode(
      await admin('PATCH', `/applications/${app.id}`, { web: { redirectUris: [uri] }, spa: { redirectUris: [uri] } }),
      400,
      'application_redirect_uris_invalid',
    );
  });

  it('validates requiredResourceAccess: Graph scopes Portico knows, app roles of tenant applications', async () => {
    const api = await register({
      displayName: `API ${n()}`,
      appRoles: [
        { allowedMemberTypes: ['Application'], description: 'Read', displayName: 'Read', id: API_ROLE, value: 'Api.Read' },
      ],
    });
    const app = await register();
    const rra = [
      { resourceAppId: GRAPH, resourceAccess: [{ id: USER_READ, type: 'Scope' }] },
      { resourceAppId: api.appId, resourceAccess: [{ id: API_ROLE, type: 'Role' }] },
    ];
    expect((await admin('PATCH', `/applications/${app.id}`, { requiredResourceAccess: rra })).statusCode).toBe(204);
    expect((await admin('GET', `/applications/${app.id}`)).json().requiredResourceAccess).toEqual(rra);

    const bad = [
      [{ resourceAppId: GRAPH, resourceAccess: [{ id: '11111111-2222-4333-8444-555555555555', type: 'Scope' }] }],
      [{ resourceAppId: '11111111-2222-4333-8444-555555555555', resourceAccess: [] }],
      [{ resourceAppId: api.appId, resourceAccess: [{ id: '11111111-2222-4333-8444-555555555555', type: 'Role' }] }],
      [{ resourceAppId: api.appId, resourceAccess: [{ id: API_ROLE, type: 'Scope' }] }],
    ];
    for (const requiredResourceAccess of bad) {
      expectCode(
        await admin('PATCH', `/applications/${app.id}`, { requiredResourceAccess }),
        400,
        'required_resource_access_invalid',
      );
    }
    expect(
      (
        await admin('PATCH', `/applications/${app.id}`, {
          requiredResourceAccess: [{ resourceAppId: GRAPH, resourceAccess: [{ id: USER_READ, type: 'Other' }] }],
        })
      ).statusCode,
    ).toBe(400);
    expect((await admin('GET', `/applications/${app.id}`)).json().requiredResourceAccess).toEqual(rra);
  });
});

describe('secrets, owners, authorization, delete', () => {
  it('adds and removes client secrets shared with the service principal; the secret text is shown once', async () => {
    const app = await register();
    const added = await admin('POST', `/applications/${app.id}/addPassword`, { passwordCredential: { displayName: 'CI' } });
    expect(added.statusCode, added.body).toBe(200);
    const secret = added.json();
    expect(secret.secretText).toEqual(expect.any(String));
    expect(await t.app.portico.services.applications.verifyClientSecret(app.appId, secret.secretText)).toBe(true);

    const read = (await admin('GET', `/applications/${app.id}`)).json();
    expect(read.passwordCredentials).toEqual([
      expect.objectContaining({ keyId: secret.keyId, displayName: 'CI', secretText: null }),
    ]);
    const sp = (await admin('GET', `/servicePrincipals(appId='${app.appId}')`)).json();
    expect(sp.passwordCredentials.map((c: { keyId: string }) => c.keyId)).toEqual([secret.keyId]);
    expect(await audits('Update application – Certificates and secrets management', app.id)).toHaveLength(1);

    expect((await admin('POST', `/applications/${app.id}/removePassword`, { keyId: secret.keyId })).statusCode).toBe(204);
    expect(await t.app.portico.services.applications.verifyClientSecret(app.appId, secret.secretText)).toBe(false);
    expect((await admin('GET', `/applications/${app.id}`)).json().passwordCredentials).toEqual([]);
  });

  it('a member may read but not change; an owner may PATCH; owners are the service principal’s', async () => {
    const app = await register();
    const member = await t.createUser();
    expect((await t.call('GET', `/v1.0/applications/${app.id}`, { token: member.token })).statusCode).toBe(200);
    const denied = await t.call('PATCH', `/v1.0/applications/${app.id}`, { token: member.token, body: { displayName: 'Mine' } });
    expectCode(denied, 403, 'authorization_denied');
    expect((await t.call('POST', '/v1.0/applications', { token: member.token, body: { displayName: 'X' } })).statusCode).toBe(
      403,
    );

    expect((await admin('POST', `/applications/${app.id}/owners/$ref`, ref(member.user.id))).statusCode).toBe(204);
    const owners = (await admin('GET', `/applications/${app.id}/owners`)).json().value;
    expect(owners.map((o: { id: string }) => o.id)).toEqual([member.user.id]);
    const sp = (await admin('GET', `/servicePrincipals(appId='${app.appId}')`)).json();
    expect((await admin('GET', `/servicePrincipals/${sp.id}/owners`)).json().value.map((o: { id: string }) => o.id)).toEqual([
      member.user.id,
    ]);
    const ok = await t.call('PATCH', `/v1.0/applications/${app.id}`, { token: member.token, body: { displayName: 'Owned' } });
    expect(ok.statusCode, ok.body).toBe(204);
    expect(await audits('Add owner to application', app.id)).toHaveLength(1);

    expect((await admin('DELETE', `/applications/${app.id}/owners/${member.user.id}/$ref`)).statusCode).toBe(204);
    expect(
      (await t.call('PATCH', `/v1.0/applications/${app.id}`, { token: member.token, body: { notes: 'x' } })).statusCode,
    ).toBe(403);
  });

  it('$expand=owners on the list and on one application; directoryObjects/getByIds and /directoryObjects/{id} return applications', async () => {
    const app = await register();
    const owner = await t.createUser({ displayName: `Owner ${n()}` });
    expect((await admin('POST', `/applications/${app.id}/owners/$ref`, ref(owner.user.id))).statusCode).toBe(204);

    const one = (await admin('GET', `/applications/${app.id}?$select=id&$expand=owners($select=id,displayName)`)).json();
    expect(one.owners).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: owner.user.id, displayName: owner.user.displayName },
    ]);
    const filter = encodeURIComponent(`appId eq '${app.appId}'`);
    const list = await admin('GET', `/applications?$filter=${filter}&$expand=owners`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().value[0].owners.map((o: { id: string }) => o.id)).toEqual([owner.user.id]);
    expect((await admin('GET', `/applications/${app.id}?$expand=appRoleAssignments`)).statusCode).toBe(400);

    const byIds = await admin('POST', '/directoryObjects/getByIds', {
      ids: [app.id, owner.user.id],
      types: ['application', 'user'],
    });
    expect(byIds.statusCode, byIds.body).toBe(200);
    expect(byIds.json().value.map((o: { id: string; '@odata.type': string }) => [o['@odata.type'], o.id])).toEqual([
      ['#microsoft.graph.application', app.id],
      ['#microsoft.graph.user', owner.user.id],
    ]);
    const usersOnly = await admin('POST', '/directoryObjects/getByIds', { ids: [app.id, owner.user.id], types: ['user'] });
    expect(usersOnly.json().value.map((o: { id: string }) => o.id)).toEqual([owner.user.id]);
    const guest = await t.createUser({ userType: 'Guest' });
    const denied = await t.call('POST', '/v1.0/directoryObjects/getByIds', { token: guest.token, body: { ids: [app.id] } });
    expect(denied.statusCode).toBe(403);

    // GET /directoryObjects/{id} finds every kind of directory object, as Graph does.
    const asObject = async (id: string) => {
      const res = await admin('GET', `/directoryObjects/${id}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json()['@odata.type'] as string;
    };
    expect(await asObject(app.id)).toBe('#microsoft.graph.application');
    const sp = (await admin('GET', `/servicePrincipals(appId='${app.appId}')`)).json();
    expect(await asObject(sp.id)).toBe('#microsoft.graph.servicePrincipal');
    expect(await asObject(owner.user.id)).toBe('#microsoft.graph.user');
    expect((await admin('GET', '/directoryObjects/0190aaaa-0000-7000-8000-00000000beef')).statusCode).toBe(404);
    expect((await t.call('GET', `/v1.0/directoryObjects/${app.id}`, { token: guest.token })).statusCode).toBe(403);
  });

  it('Cloud Application Administrators manage; an app token with Application.Read.All reads only', async () => {
    const cloudAdmin = await t.createUser({ roles: [RoleIds.cloudApplicationAdministrator] });
    const created = await t.call('POST', '/v1.0/applications', {
      token: cloudAdmin.token,
      body: { displayName: `Cloud ${n()}` },
    });
    expect(created.statusCode, created.body).toBe(201);
    const reader = await t.appToken(['Application.Read.All']);
    expect((await t.call('GET', '/v1.0/applications', { token: reader })).statusCode).toBe(200);
    expect(
      (await t.call('PATCH', `/v1.0/applications/${created.json().id}`, { token: reader, body: { notes: 'n' } })).statusCode,
    ).toBe(403);
  });

  it('DELETE removes the pair', async () => {
    const app = await register();
    const spId = (await admin('GET', `/servicePrincipals(appId='${app.appId}')`)).json().id;
    expect((await admin('DELETE', `/applications/${app.id}`)).statusCode).toBe(204);
    expect((await admin('GET', `/applications/${app.id}`)).statusCode).toBe(404);
    expect((await admin('GET', `/servicePrincipals/${spId}`)).statusCode).toBe(404);
    expect(await audits('Delete application', app.id)).toHaveLength(1);
    expect(await audits('Remove service principal', spId)).toHaveLength(1);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/v1.0/applications'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/v1.0/applications/{id}'] ?? {})).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    expect(doc.paths['/v1.0/applications/{id}/addPassword']?.post).toBeDefined();
  });
});

describe('the OIDC client of a registered application', () => {
  it('accepts the redirect URIs of every platform and authenticates with a secret added on the application', async () => {
    const app = await register({
      web: { redirectUris: ['https://oidc.contoso.test/web'] },
      spa: { redirectUris: ['https://oidc.contoso.test/spa'] },
    });
    const authorize = (redirectUri: string) =>
      fetch(
        `${base}/oauth2/v2.0/authorize?${new URLSearchParams({
          client_id: app.appId,
          redirect_uri: redirectUri,
          response_type: 'code',
          scope: 'openid',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
        })}`,
        { redirect: 'manual' },
      );
    for (const uri of ['https://oidc.contoso.test/web', 'https://oidc.contoso.test/spa']) {
      const res = await authorize(uri);
      expect(res.status, uri).toBeGreaterThanOrEqual(300);
      expect(res.status, uri).toBeLessThan(400);
      expect(res.headers.get('location') ?? '').not.toContain('error=');
    }
    expect((await authorize('https://elsewhere.contoso.test/cb')).status).toBe(400);

    const secret = (await admin('POST', `/applications/${app.id}/addPassword`, {})).json().secretText as string;
    const token = (s: string) =>
      fetch(`${base}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${app.appId}:${encodeURIComponent(s)}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'not-a-code',
          redirect_uri: 'https://oidc.contoso.test/web',
        }),
      });
    expect(((await (await token(`${secret}x`)).json()) as { error: string }).error).toBe('invalid_client');
    expect(((await (await token(secret)).json()) as { error: string }).error).toBe('invalid_grant');
  });
});

describe('Microsoft Graph JavaScript client', () => {
  it('creates an application, sets requiredResourceAccess, adds a password and finds it with $filter', async () => {
    const auth = new BearerMiddleware(() => t.admin.token);
    auth.setNext(new HTTPMessageHandler());
    const client = Client.initWithMiddleware({ baseUrl: `${base}/`, defaultVersion: 'v1.0', middleware: auth });
    const name = `Graph client app ${n()}`;
    const app = await client.api('/applications').post({
      '@odata.type': '#microsoft.graph.application',
      displayName: name,
      signInAudience: 'AzureADMyOrg',
      web: { redirectUris: ['https://daemon.contoso.test/cb'] },
    });
    expect(app).toMatchObject({ displayName: name, '@odata.type': '#microsoft.graph.application' });

    await client.api(`/applications/${app.id}`).patch({
      requiredResourceAccess: [{ resourceAppId: GRAPH, resourceAccess: [{ id: USER_READ, type: 'Scope' }] }],
    });
    const secret = await client
      .api(`/applications/${app.id}/addPassword`)
      .post({ passwordCredential: { displayName: 'daemon' } });
    expect(secret.secretText).toEqual(expect.any(String));

    const found = await client
      .api('/applications')
      .filter(`startswith(displayName,'${name}')`)
      .select(['id', 'appId', 'requiredResourceAccess', 'passwordCredentials'])
      .get();
    expect(found.value).toHaveLength(1);
    expect(found.value[0]).toMatchObject({
      id: app.id,
      appId: app.appId,
      requiredResourceAccess: [{ resourceAppId: GRAPH, resourceAccess: [{ id: USER_READ, type: 'Scope' }] }],
      passwordCredentials: [expect.objectContaining({ keyId: secret.keyId, secretText: null })],
    });
    const byAppId = await client.api(`/applications(appId='${app.appId}')`).get();
    expect(byAppId.id).toBe(app.id);
  });
});
