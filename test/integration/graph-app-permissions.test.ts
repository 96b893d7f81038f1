import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServicePrincipal } from '../../src/contracts/applications.js';
import * as m0018 from '../../src/server/db/migrations/0018_graph_service_principal.js';
import { ManualClock } from '../../src/server/domain/clock.js';
import { GRAPH_APP_ID, graphServicePrincipalId } from '../../src/server/domain/graph-permissions.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { runCli } from '../../src/server/main.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { decodeJwt, freePort } from '../helpers/oidc.js';

// Application permissions as Entra grants them: Microsoft Graph's service principal in every
// tenant, its app roles assigned to an enterprise application (admin consent), and the
// application's client secret used for client credentials, whose token carries those roles.
// Runs over https with Portico's own TLS so that @azure/identity can be used unmodified.

const USER_READ_ALL = 'df021288-bdef-4463-88db-98f22de89214';
const USER_READ_WRITE_ALL = '741f803b-c850-494e-b5df-cde7c675a1ca';
const UNKNOWN_ROLE = '11111111-2222-4333-8444-555555555555';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-graph-apps-'));
const caFile = path.join(dataDir, 'tls', 'dev-ca.pem');
// Secrets expire by the application's clock; the token endpoint and /v1.0 keep real time.
const clock = new ManualClock(new Date());
let t: TestApp;
let base: string;
let graphId: string;
let n = 0;

const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, token = t.admin.token) =>
  t.call(method, `/v1.0${url}`, { token, ...(body === undefined ? {} : { body }) });

const catalogueCode = (res: { json(): unknown }) =>
  (res.json() as { error: { details?: { code: string }[] } }).error.details?.[0]?.code;

/** An enterprise application with a client secret: the daemon of a Graph script. */
async function daemonApp(): Promise<{ sp: ServicePrincipal; secret: string; keyId: string }> {
  const created = await admin('POST', '/servicePrincipals', { displayName: `Daemon ${++n}` });
  expect(created.statusCode, created.body).toBe(201);
  const sp = created.json() as ServicePrincipal;
  const pwd = await admin('POST', `/servicePrincipals/${sp.id}/addPassword`, { passwordCredential: { displayName: 'script' } });
  expect(pwd.statusCode, pwd.body).toBe(200);
  return { sp, secret: pwd.json().secretText as string, keyId: pwd.json().keyId as string };
}

const grant = (spId: string, appRoleId: string, token = t.admin.token) =>
  admin('POST', `/servicePrincipals/${spId}/appRoleAssignments`, { principalId: spId, resourceId: graphId, appRoleId }, token);

/** Client credentials at the tenant's token endpoint (`/{tenant}/oauth2/v2.0/token` or the issuer's own). */
async function clientCredentials(
  appId: string,
  secret: string,
  opts: { endpoint?: string; scope?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; roles?: unknown }> {
  const res = await t.app.inject({
    method: 'POST',
    url: opts.endpoint ?? `/${t.tenant.id}/oauth2/v2.0/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: appId,
      client_secret: secret,
      scope: opts.scope ?? 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  const body = res.json() as Record<string, unknown>;
  const roles = res.statusCode === 200 ? decodeJwt(String(body.access_token)).payload.roles : undefined;
  return { status: res.statusCode, body, roles };
}

/** Runs test/clients/identity-graph-client.mjs (ClientSecretCredential → Graph client) with the dev CA trusted. */
function runIdentityClient(env: Record<string, string>): Promise<Record<string, unknown>> {
  const script = path.resolve(import.meta.dirname, '../clients/identity-graph-client.mjs');
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: caFile, PORTICO_URL: base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>);
      } catch {
        reject(new Error(`identity-graph-client.mjs exited ${code}: ${stdout}\n${stderr}`));
      }
    });
  });
}

beforeAll(async () => {
  const code = await runCli(['dev-cert'], { env: { PORTICO_DATA_DIR: dataDir }, stdout: () => {}, stderr: () => {} });
  expect(code).toBe(0);
  const port = await freePort();
  base = `https://localhost:${port}`;
  t = await buildTestApp({
    clock,
    env: {
      PORTICO_PUBLIC_URL: base,
      PORT: String(port),
      PORTICO_TLS_CERT: path.join(dataDir, 'tls', 'dev-cert.pem'),
      PORTICO_TLS_KEY: path.join(dataDir, 'tls', 'dev-key.pem'),
      PORTICO_OUTBOX_WORKER: 'off',
    },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  graphId = graphServicePrincipalId(t.tenant.id);
});

afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("Microsoft Graph's service principal", () => {
  it('is listed, filterable by appId, counted and addressable by appId, with its app roles and scopes', async () => {
    const filter = encodeURIComponent(`appId eq '${GRAPH_APP_ID}'`);
    const list = await t.call('GET', `/v1.0/servicePrincipals?$filter=${filter}&$count=true`, {
      token: t.admin.token,
      headers: { consistencylevel: 'eventual' },
    });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json()['@odata.count']).toBe(1);
    const [graph] = list.json().value as ServicePrincipal[];
    expect(graph).toMatchObject({
      id: graphId,
      appId: GRAPH_APP_ID,
      displayName: 'Microsoft Graph',
      servicePrincipalType: 'Application',
      accountEnabled: true,
      passwordCredentials: [],
    });
    expect(graph?.appRoles).toContainEqual({
      allowedMemberTypes: ['Application'],
      description: expect.any(String),
      displayName: "Read all users' full profiles",
      id: USER_READ_ALL,
      isEnabled: true,
      origin: 'Application',
      value: 'User.Read.All',
    });
    expect(graph?.appRoles.find((r) => r.value === 'Group.ReadWrite.All')?.id).toBe('62a82d76-70ea-41e2-9197-370581804d09');
    expect(graph?.oauth2PermissionScopes).toContainEqual(
      expect.objectContaining({ value: 'User.Read', id: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d', type: 'User' }),
    );

    const byAppId = await admin('GET', `/servicePrincipals(appId='${GRAPH_APP_ID}')`);
    expect(byAppId.statusCode, byAppId.body).toBe(200);
    expect(byAppId.json().id).toBe(graphId);
    const all = (await admin('GET', '/servicePrincipals?$top=999')).json().value as ServicePrincipal[];
    expect(all.filter((sp) => sp.appId === GRAPH_APP_ID).map((sp) => sp.id)).toEqual([graphId]);
  });

  it('is returned by directoryObjects/getByIds, in the order asked, and filtered by type', async () => {
    const both = await admin('POST', '/directoryObjects/getByIds', { ids: [graphId, t.admin.user.id] });
    expect(both.statusCode, both.body).toBe(200);
    expect((both.json().value as { id: string; '@odata.type': string }[]).map((o) => [o.id, o['@odata.type']])).toEqual([
      [graphId, '#microsoft.graph.servicePrincipal'],
      [t.admin.user.id, '#microsoft.graph.user'],
    ]);
    const onlySps = await admin('POST', '/directoryObjects/getByIds', {
      ids: [t.admin.user.id, graphId],
      types: ['servicePrincipal'],
    });
    expect((onlySps.json().value as { id: string; appId: string }[]).map((o) => [o.id, o.appId])).toEqual([
      [graphId, GRAPH_APP_ID],
    ]);
    const onlyUsers = await admin('POST', '/directoryObjects/getByIds', { ids: [graphId, t.admin.user.id], types: ['user'] });
    expect((onlyUsers.json().value as { id: string }[]).map((o) => o.id)).toEqual([t.admin.user.id]);
  });

  it('cannot be changed, deleted or given secrets or owners, even by a Global Administrator', async () => {
    const attempts = [
      await admin('PATCH', `/servicePrincipals/${graphId}`, { notes: 'mine now' }),
      await admin('DELETE', `/servicePrincipals/${graphId}`),
      await admin('POST', `/servicePrincipals/${graphId}/addPassword`, { passwordCredential: {} }),
      await admin('POST', `/servicePrincipals/${graphId}/owners/$ref`, {
        '@odata.id': `${base}/v1.0/directoryObjects/${t.admin.user.id}`,
      }),
    ];
    for (const res of attempts) {
      expect(res.statusCode, res.body).toBe(403);
      expect(catalogueCode(res)).toBe('service_principal_built_in');
    }
    const still = await admin('GET', `/servicePrincipals/${graphId}`);
    expect(still.json()).toMatchObject({ displayName: 'Microsoft Graph', notes: null });
  });

  it('takes no users or groups (its roles are application permissions), so it never appears in My Apps', async () => {
    const res = await admin('POST', `/servicePrincipals/${graphId}/appRoleAssignedTo`, {
      principalId: t.admin.user.id,
      resourceId: graphId,
      appRoleId: USER_READ_ALL,
    });
    expect(res.statusCode).toBe(400);
    expect(catalogueCode(res)).toBe('app_role_not_found');
    const defaultAccess = await admin('POST', `/servicePrincipals/${graphId}/appRoleAssignedTo`, {
      principalId: t.admin.user.id,
      resourceId: graphId,
      appRoleId: '00000000-0000-0000-0000-000000000000',
    });
    expect(defaultAccess.statusCode).toBe(400);
    const tiles = await admin('GET', '/me/myApps');
    expect(tiles.statusCode, tiles.body).toBe(200);
    expect(JSON.stringify(tiles.json())).not.toContain(GRAPH_APP_ID);
  });

  it('exists in every new tenant, with its own object id, and no client can use its appId', async () => {
    const other = await t.app.portico.services.directory.createTenant({
      displayName: 'Fabrikam',
      initialDomain: 'fabrikam-ga.test',
    });
    const otherAdmin = await t.createUser({ tenant: other, roles: [RoleIds.globalAdministrator] });
    const res = await admin('GET', `/servicePrincipals(appId='${GRAPH_APP_ID}')`, undefined, otherAdmin.token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().id).toBe(graphServicePrincipalId(other.id));
    expect(res.json().id).not.toBe(graphId);
    const asClient = await clientCredentials(GRAPH_APP_ID, 'anything');
    expect(asClient.status).toBe(401);
    expect(asClient.body.error).toBe('invalid_client');
  });
});

describe('application permissions (appRoleAssignments to Microsoft Graph) and client credentials', () => {
  it('an assigned User.Read.All reaches the token: GET /users works, POST /users is 403; removing it empties the next token', async () => {
    const { sp, secret } = await daemonApp();
    const granted = await grant(sp.id, USER_READ_ALL);
    expect(granted.statusCode, granted.body).toBe(201);
    const a = granted.json();
    expect(a).toMatchObject({
      principalId: sp.id,
      principalType: 'ServicePrincipal',
      principalDisplayName: sp.displayName,
      resourceId: graphId,
      resourceDisplayName: 'Microsoft Graph',
      appRoleId: USER_READ_ALL,
    });
    const listed = await admin('GET', `/servicePrincipals/${sp.id}/appRoleAssignments`);
    expect(listed.json().value).toEqual([expect.objectContaining({ id: a.id, appRoleId: USER_READ_ALL })]);
    const onGraph = await admin('GET', `/servicePrincipals/${graphId}/appRoleAssignedTo`);
    expect((onGraph.json().value as { id: string }[]).map((x) => x.id)).toContain(a.id);

    // Both token endpoints, Graph's resource and Portico's own.
    for (const opts of [{}, { endpoint: '/oauth2/v2.0/token', scope: `${base}/v1.0/.default` }]) {
      const tok = await clientCredentials(sp.appId, secret, opts);
      expect(tok.status, JSON.stringify(tok.body)).toBe(200);
      const claims = decodeJwt(String(tok.body.access_token)).payload;
      expect(claims).toMatchObject({ idtyp: 'app', appid: sp.appId, tid: t.tenant.id, roles: ['User.Read.All'] });
      const token = String(tok.body.access_token);
      expect((await admin('GET', '/users', undefined, token)).statusCode).toBe(200);
      const create = await admin(
        'POST',
        '/users',
        {
          accountEnabled: true,
          displayName: 'Nope',
          mailNickname: 'nope',
          userPrincipalName: `nope@${t.tenant.initialDomain}`,
          passwordProfile: { password: 'Secret-123-abc!' },
        },
        token,
      );
      expect(create.statusCode, create.body).toBe(403);
    }

    const removed = await admin('DELETE', `/servicePrincipals/${sp.id}/appRoleAssignments/${a.id}`);
    expect(removed.statusCode, removed.body).toBe(204);
    const after = await clientCredentials(sp.appId, secret);
    expect(after.status).toBe(200);
    expect(after.roles).toEqual([]);
    expect((await admin('GET', '/users', undefined, String(after.body.access_token))).statusCode).toBe(403);

    const audit = async (activity: string) => {
      const filter = encodeURIComponent(`activityDisplayName eq '${activity}' and targetResources/any(x:x/id eq '${sp.id}')`);
      const res = await admin('GET', `/auditLogs/directoryAudits?$filter=${filter}`);
      return res.json().value as { category: string; targetResources: { id: string; type: string }[] }[];
    };
    for (const activity of [
      'Add app role assignment to service principal',
      'Remove app role assignment from service principal',
    ]) {
      const [entry] = await audit(activity);
      expect(entry, activity).toMatchObject({ category: 'ApplicationManagement' });
      expect(entry?.targetResources.map((r) => r.id)).toEqual([sp.id, graphId]);
    }
  });

  it('without an assignment the token has no roles and Graph calls are 403; the same grant works through appRoleAssignedTo', async () => {
    const { sp, secret } = await daemonApp();
    const bare = await clientCredentials(sp.appId, secret);
    expect(bare.status).toBe(200);
    expect(bare.roles).toEqual([]);
    const denied = await admin('GET', '/users', undefined, String(bare.body.access_token));
    expect(denied.statusCode).toBe(403);

    const viaGraph = await admin('POST', `/servicePrincipals/${graphId}/appRoleAssignedTo`, {
      principalId: sp.id,
      resourceId: graphId,
      appRoleId: USER_READ_WRITE_ALL,
    });
    expect(viaGraph.statusCode, viaGraph.body).toBe(201);
    const dup = await grant(sp.id, USER_READ_WRITE_ALL);
    expect(dup.statusCode).toBe(400);
    expect(catalogueCode(dup)).toBe('app_role_assignment_exists');
    expect((await clientCredentials(sp.appId, secret)).roles).toEqual(['User.ReadWrite.All']);
    const gone = await admin('DELETE', `/servicePrincipals/${graphId}/appRoleAssignedTo/${viaGraph.json().id}`);
    expect(gone.statusCode).toBe(204);
    expect((await clientCredentials(sp.appId, secret)).roles).toEqual([]);
  });

  it('only Global and Privileged Role Administrators grant them; a bad appRoleId is 400', async () => {
    const { sp } = await daemonApp();
    const appAdmin = await t.createUser({ roles: [RoleIds.applicationAdministrator] });
    const member = await t.createUser();
    const owner = await t.createUser();
    const own = await admin('POST', `/servicePrincipals/${sp.id}/owners/$ref`, {
      '@odata.id': `${base}/v1.0/directoryObjects/${owner.user.id}`,
    });
    expect(own.statusCode, own.body).toBe(204);
    for (const who of [appAdmin, member, owner]) {
      const res = await grant(sp.id, USER_READ_ALL, who.token);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('Authorization_RequestDenied');
    }
    const pra = await t.createUser({ roles: [RoleIds.privilegedRoleAdministrator] });
    const byPra = await grant(sp.id, USER_READ_ALL, pra.token);
    expect(byPra.statusCode, byPra.body).toBe(201);
    const revoke = await admin(
      'DELETE',
      `/servicePrincipals/${sp.id}/appRoleAssignments/${byPra.json().id}`,
      undefined,
      appAdmin.token,
    );
    expect(revoke.statusCode).toBe(403);

    const bad = await grant(sp.id, UNKNOWN_ROLE);
    expect(bad.statusCode).toBe(400);
    expect(catalogueCode(bad)).toBe('app_role_not_found');
    const mismatch = await admin('POST', `/servicePrincipals/${sp.id}/appRoleAssignments`, {
      principalId: graphId,
      resourceId: graphId,
      appRoleId: USER_READ_ALL,
    });
    expect(mismatch.statusCode).toBe(400);
    expect(catalogueCode(mismatch)).toBe('app_role_assignment_mismatch');
  });

  it('@azure/identity ClientSecretCredential with an enterprise app secret: lists users, may not create a group', async () => {
    const { sp, secret } = await daemonApp();
    expect((await grant(sp.id, USER_READ_ALL)).statusCode).toBe(201);
    const out = await runIdentityClient({ TENANT_ID: t.tenant.id, CLIENT_ID: sp.appId, CLIENT_SECRET: secret });
    expect(out.users).toContain('Ada Admin');
    expect(decodeJwt(String(out.token)).payload).toMatchObject({ idtyp: 'app', appid: sp.appId, roles: ['User.Read.All'] });
    expect(out.error).toMatchObject({ statusCode: 403 });
  });

  it('refuses removed and expired secrets, disabled applications, and tokens of deleted applications', async () => {
    const { sp, secret, keyId } = await daemonApp();
    expect((await grant(sp.id, USER_READ_ALL)).statusCode).toBe(201);
    const issued = await clientCredentials(sp.appId, secret);
    expect(issued.status).toBe(200);

    const second = await admin('POST', `/servicePrincipals/${sp.id}/addPassword`, { passwordCredential: {} });
    const secret2 = second.json().secretText as string;
    expect((await admin('POST', `/servicePrincipals/${sp.id}/removePassword`, { keyId })).statusCode).toBe(204);
    const removed = await clientCredentials(sp.appId, secret);
    expect(removed.status).toBe(401);
    expect(removed.body.error).toBe('invalid_client');
    expect((await clientCredentials(sp.appId, secret2)).status).toBe(200);

    expect((await admin('PATCH', `/servicePrincipals/${sp.id}`, { accountEnabled: false })).statusCode).toBe(204);
    expect((await clientCredentials(sp.appId, secret2)).status).toBe(401);
    expect((await admin('GET', '/users', undefined, String(issued.body.access_token))).statusCode).toBe(401);
    expect((await admin('PATCH', `/servicePrincipals/${sp.id}`, { accountEnabled: true })).statusCode).toBe(204);

    clock.advance(400 * 86_400_000);
    try {
      const expired = await clientCredentials(sp.appId, secret2);
      expect(expired.status).toBe(401);
      expect(expired.body.error).toBe('invalid_client');
    } finally {
      clock.advance(-400 * 86_400_000);
    }

    expect((await admin('DELETE', `/servicePrincipals/${sp.id}`)).statusCode).toBe(204);
    expect((await admin('GET', '/users', undefined, String(issued.body.access_token))).statusCode).toBe(401);
    const left = await admin('GET', `/servicePrincipals/${graphId}/appRoleAssignedTo`);
    expect((left.json().value as { principalId: string }[]).some((x) => x.principalId === sp.id)).toBe(false);
  });
});

describe('migration 0018', () => {
  it("creates Microsoft Graph's service principal for every existing tenant, with the id the application derives", async () => {
    const db = t.app.portico.database.db as unknown as Kysely<unknown>;
    const tenantIds = (await sql<{ id: string }>`select id from tenants`.execute(db)).rows.map((r) => r.id);
    expect(tenantIds.length).toBeGreaterThan(1);
    await m0018.down(db);
    expect((await admin('GET', `/servicePrincipals(appId='${GRAPH_APP_ID}')`)).statusCode).toBe(404);
    await m0018.up(db);
    const rows = await sql<{ id: string; tenant_id: string }>`
      select id, tenant_id from service_principals where app_id = ${GRAPH_APP_ID}`.execute(db);
    expect(rows.rows.map((r) => [r.tenant_id, r.id]).sort()).toEqual(
      tenantIds.map((id) => [id, graphServicePrincipalId(id)]).sort(),
    );
    const graph = await admin('GET', `/servicePrincipals(appId='${GRAPH_APP_ID}')`);
    expect(graph.json()).toMatchObject({ id: graphId, displayName: 'Microsoft Graph' });
    expect(graph.json().appRoles.length).toBeGreaterThan(20);
  });
});
