import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/server/main.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { decodeJwt, freePort } from '../helpers/oidc.js';

// Microsoft's own client libraries, unmodified, against Portico over https with its own TLS
// (`portico dev-cert`). Each client runs as its own Node process with NODE_EXTRA_CA_CERTS pointing
// at the dev CA — exactly how a developer runs a script against Portico (test/clients/*.mjs are
// those scripts; docs/compatibility-clients.md shows the same code).

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-entra-'));
const caFile = path.join(dataDir, 'tls', 'dev-ca.pem');
let t: TestApp;
let base: string;

/** Runs a client script with the dev CA trusted; resolves with the JSON line it printed. */
function runClient(script: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../clients', script)], {
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
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`${script} exited ${code}: ${stdout}\n${stderr}`));
      }
    });
  });
}

/**
 * Runs a two-step client script: it prints the sign-in URL, `browse` plays the user in a browser
 * and returns the URL the browser ended at, which goes to the script's stdin; resolves with the
 * script's last JSON line.
 */
function runInteractive(
  script: string,
  env: Record<string, string>,
  browse: (authUrl: string) => Promise<string>,
): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../clients', script)], {
    env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: caFile, PORTICO_URL: base, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let asked = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const first = stdout.split('\n')[0];
      if (!asked && stdout.includes('\n') && first) {
        asked = true;
        const { authUrl } = JSON.parse(first) as { authUrl: string };
        browse(authUrl).then(
          (to) => child.stdin.end(`${to}\n`),
          (err: unknown) => {
            child.kill('SIGKILL');
            reject(err);
          },
        );
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`${script} exited ${code}: ${stdout}\n${stderr}`));
      }
    });
  });
}

/**
 * A browser on Portico's pages, through `app.inject` (the test process does not trust the dev CA;
 * the client libraries, in their own processes, do): follows redirects on Portico's host, keeps
 * cookies, signs in with a password and answers the consent page.
 */
function browser() {
  const cookies = new Map<string, string>();
  const host = new URL(base).host;
  const go = async (url: string, form?: Record<string, string>) => {
    const u = new URL(url, base);
    const res = await t.app.inject({
      method: form ? 'POST' : 'GET',
      url: `${u.pathname}${u.search}`,
      headers: {
        host,
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    const set = res.headers['set-cookie'];
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair = ''] = c.split(';');
      const i = pair.indexOf('=');
      cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
  /** Follows redirects while they stay on Portico; returns the last response and where it ended. */
  const follow = async (url: string, form?: Record<string, string>) => {
    let res = await go(url, form);
    let at = new URL(url, base).href;
    for (let i = 0; i < 10 && res.statusCode >= 300 && res.statusCode < 400; i++) {
      const next = new URL(String(res.headers.location), at);
      at = next.href;
      if (next.host !== host) break;
      res = await go(at);
    }
    return { res, at };
  };
  const formOf = (html: string) => {
    const first = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
    const action = first?.[1] ?? '';
    const fields: Record<string, string> = {};
    for (const m of (first?.[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
      fields[m[1] ?? ''] = m[2] ?? '';
    return { action: action.replace(/&amp;/g, '&'), fields };
  };
  return {
    follow,
    /** Signs in on the sign-in page at `page` (identify, then password). */
    async signIn(page: { res: { body: string }; at: string }, login: string, password: string) {
      const first = formOf(page.res.body);
      const second = await go(first.action, { ...first.fields, login });
      const pwd = formOf(second.body);
      return follow(pwd.action, { ...pwd.fields, login, password });
    },
    async consent(page: { res: { body: string }; at: string }, decision: 'accept' | 'cancel') {
      const f = formOf(page.res.body);
      return follow(f.action, { ...f.fields, decision });
    },
  };
}

/** GET over https trusting the dev CA. */
const getJson = (url: string) =>
  new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = https.get(url, { ca: fs.readFileSync(caFile) }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as Record<string, unknown> }));
    });
    req.on('error', reject);
  });

beforeAll(async () => {
  const code = await runCli(['dev-cert'], { env: { PORTICO_DATA_DIR: dataDir }, stdout: () => {}, stderr: () => {} });
  expect(code).toBe(0);
  const port = await freePort();
  base = `https://localhost:${port}`;
  t = await buildTestApp({
    env: {
      PORTICO_PUBLIC_URL: base,
      PORT: String(port),
      PORTICO_TLS_CERT: path.join(dataDir, 'tls', 'dev-cert.pem'),
      PORTICO_TLS_KEY: path.join(dataDir, 'tls', 'dev-key.pem'),
      PORTICO_OUTBOX_WORKER: 'off',
    },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
});

afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const automationClient = (permissions: string[]) =>
  t.app.portico.services.clients.createClient(t.tenant.id, { displayName: `client ${permissions.join(' ')}`, permissions });

describe('Entra-shaped authority', () => {
  it('serves /{tenant}/v2.0/.well-known/openid-configuration by tenant id, verified domain and common', async () => {
    const other = await t.app.portico.services.tenants.createTenant({ displayName: 'Fabrikam', initialDomain: 'fabrikam.test' });
    const cases: [string, string][] = [
      [t.tenant.id, t.tenant.id],
      [t.tenant.initialDomain, t.tenant.id],
      ['common', t.tenant.id],
      ['organizations', t.tenant.id],
      [other.id, other.id],
      ['fabrikam.test', other.id],
    ];
    for (const [authority, tid] of cases) {
      const res = await getJson(`${base}/${authority}/v2.0/.well-known/openid-configuration`);
      expect(res.status, authority).toBe(200);
      const doc = res.body;
      expect(doc.token_endpoint, authority).toBe(`${base}/${tid}/oauth2/v2.0/token`);
      expect(doc.authorization_endpoint).toBe(`${base}/${tid}/oauth2/v2.0/authorize`);
      expect(doc.end_session_endpoint).toBe(`${base}/${tid}/oauth2/v2.0/logout`);
      expect(doc.jwks_uri).toBe(`${base}/${tid}/discovery/v2.0/keys`);
      expect(doc.msgraph_host).toBe(new URL(base).host);
      expect(doc.device_authorization_endpoint).toBeUndefined();
      const keys = await getJson(String(doc.jwks_uri));
      expect((keys.body.keys as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it('answers the token endpoint at /{tenant id}/oauth2/v2.0/token for the default tenant too', async () => {
    const { client, clientSecret } = await automationClient(['User.Read.All']);
    for (const authority of [t.tenant.id, t.tenant.initialDomain]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/${authority}/oauth2/v2.0/token`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: client.clientId,
          client_secret: clientSecret,
          scope: 'https://graph.microsoft.com/.default',
        }).toString(),
      });
      expect(res.statusCode, res.body).toBe(200);
      const { payload } = decodeJwt(res.json().access_token as string);
      expect(payload).toMatchObject({
        ver: '2.0',
        tid: t.tenant.id,
        azp: client.clientId,
        appid: client.clientId,
        idtyp: 'app',
        roles: ['User.Read.All'],
      });
    }
  });

  it("refuses in Entra's error shape: AADSTS code, error_codes, trace and correlation ids", async () => {
    const { client } = await automationClient(['User.Read.All']);
    const res = await t.app.inject({
      method: 'POST',
      url: `/${t.tenant.id}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'client-request-id': 'corr-123' },
      payload: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=wrong&scope=.default`,
    });
    expect(res.statusCode).toBe(401);
    const body = res.json() as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215], correlation_id: 'corr-123' });
    expect(body.error_description).toMatch(/^AADSTS7000215: .*\r\nTrace ID: .+\r\nCorrelation ID: corr-123\r\nTimestamp: /s);
    expect(body.trace_id).toBe(res.headers['request-id']);
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);

    const unknown = await t.app.inject({ method: 'GET', url: '/nosuch.example/v2.0/.well-known/openid-configuration' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });

    const device = await t.app.inject({
      method: 'POST',
      url: `/${t.tenant.id}/oauth2/v2.0/devicecode`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `client_id=${client.clientId}&scope=.default`,
    });
    expect(device.statusCode).toBe(400);
    expect(device.json().error_description).toContain('device code flow) is not supported');
  });

  it('serves instance discovery for MSAL at /common/discovery/instance', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${base}/${t.tenant.id}/oauth2/v2.0/authorize`)}`,
    });
    expect(res.json()).toEqual({
      tenant_discovery_endpoint: `${base}/${t.tenant.id}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: new URL(base).host, preferred_cache: new URL(base).host, aliases: [new URL(base).host] }],
    });
  });
});

describe('real clients over https', () => {
  it('@azure/identity ClientSecretCredential → Graph JS client lists users and creates a group', async () => {
    const { client, clientSecret } = await automationClient(['User.Read.All', 'Group.ReadWrite.All']);
    const out = await runClient('identity-graph-client.mjs', {
      TENANT_ID: t.tenant.id,
      CLIENT_ID: client.clientId,
      CLIENT_SECRET: clientSecret,
    });
    expect(out.error).toBeUndefined();
    expect(out.users).toContain('Ada Admin');
    const group = await t.call('GET', `/v1.0/groups/${String(out.groupId)}`, { token: t.admin.token });
    expect(group.json().displayName).toBe('Created with @azure/identity');
    expect(decodeJwt(String(out.token)).payload).toMatchObject({ ver: '2.0', idtyp: 'app', appid: client.clientId });
  });

  it('MSAL ConfidentialClientApplication (default mode, authority <portico>/<tenant>) gets an app token', async () => {
    const { client, clientSecret } = await automationClient(['User.Read.All']);
    for (const authority of [`${base}/${t.tenant.id}`, `${base}/${t.tenant.initialDomain}`]) {
      const out = await runClient('msal-confidential.mjs', {
        AUTHORITY: authority,
        CLIENT_ID: client.clientId,
        CLIENT_SECRET: clientSecret,
      });
      expect(out.error, authority).toBeUndefined();
      expect(out.usersStatus).toBe(200);
      expect(decodeJwt(String(out.token)).payload).toMatchObject({ tid: t.tenant.id, roles: ['User.Read.All'] });
    }
    const bad = await runClient('msal-confidential.mjs', {
      AUTHORITY: `${base}/${t.tenant.id}`,
      CLIENT_ID: client.clientId,
      CLIENT_SECRET: 'not-the-secret',
    });
    expect(bad.error).toMatchObject({ errorCode: 'invalid_client' });
    expect(String((bad.error as { errorNo?: unknown }).errorNo)).toBe('7000215');
  });
});

describe('Kiota Graph SDK (@microsoft/msgraph-sdk + -users) with @azure/identity', () => {
  it('lists users and creates one (the SDK sends @odata.type)', async () => {
    const { client, clientSecret } = await automationClient(['User.ReadWrite.All']);
    const upn = `kiota.${Date.now().toString(36)}@${t.tenant.initialDomain}`;
    const out = await runClient('kiota-users.mjs', {
      TENANT_ID: t.tenant.id,
      CLIENT_ID: client.clientId,
      CLIENT_SECRET: clientSecret,
      NEW_UPN: upn,
    });
    expect(out.listError).toBeUndefined();
    expect(out.users).toContain('Ada Admin');
    // The SDK sends `@odata.type: #microsoft.graph.user`; Portico accepts and checks it.
    expect(out.createError).toBeUndefined();
    const created = await t.call('GET', `/v1.0/users/${String(out.createdId)}`, { token: t.admin.token });
    expect(created.json()).toMatchObject({ userPrincipalName: upn, displayName: 'Created with Kiota' });
  });
});

describe('delegated Microsoft Graph permissions (third-party application)', () => {
  const PASSWORD = 'Correct-Horse-9';

  /** A public OIDC application (no secret: PKCE) that anybody may sign in to. */
  async function publicApp() {
    const redirect = `https://app-${Date.now().toString(36)}.example/callback`;
    const res = await t.call('POST', '/v1.0/servicePrincipals', {
      token: t.admin.token,
      body: {
        displayName: 'Contoso Viewer',
        preferredSingleSignOnMode: 'oidc',
        replyUrls: [redirect],
        appRoleAssignmentRequired: false,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return { sp: res.json() as { id: string; appId: string }, redirect };
  }

  const setUserConsent = async (policies: string[]) => {
    const res = await t.call('PATCH', '/v1.0/policies/authorizationPolicy', {
      token: t.admin.token,
      body: { defaultUserRolePermissions: { permissionGrantPoliciesAssigned: policies } },
    });
    expect(res.statusCode, res.body).toBe(204);
  };

  it('MSAL PublicClientApplication (auth code + PKCE) gets User.Read after consent: /me works, /users is refused', async () => {
    const { sp, redirect } = await publicApp();
    const { user } = await t.createUser({ displayName: 'Pat Public' });
    const env = { AUTHORITY: `${base}/${t.tenant.id}`, CLIENT_ID: sp.appId, REDIRECT_URI: redirect, SCOPES: 'User.Read' };

    // Users may not consent by default (permissionGrantPoliciesAssigned is empty): admin approval.
    let blocked = '';
    const refused = await runInteractive('msal-public-pkce.mjs', env, async (authUrl) => {
      const b = browser();
      const page = await b.signIn(await b.follow(authUrl), user.userPrincipalName, PASSWORD);
      blocked = `${page.res.statusCode} ${page.res.body}`;
      return `${redirect}?error=access_denied`;
    });
    expect(blocked).toMatch(/^403 /);
    expect(blocked).toContain('Need admin approval');
    expect(refused.error).toBeDefined();

    // Low-risk user consent allowed: the consent page lists User.Read; accepting finishes the flow.
    await setUserConsent(['ManagePermissionGrantsForSelf.microsoft-user-default-low']);
    let consentPage = '';
    const out = await runInteractive('msal-public-pkce.mjs', env, async (authUrl) => {
      const b = browser();
      const page = await b.signIn(await b.follow(authUrl), user.userPrincipalName, PASSWORD);
      consentPage = page.res.body;
      const done = await b.consent(page, 'accept');
      return done.at;
    });
    expect(consentPage).toContain('Permissions requested');
    expect(consentPage).toContain('User.Read');
    expect(out.error).toBeUndefined();
    const { payload } = decodeJwt(String(out.token));
    expect(payload).toMatchObject({ ver: '2.0', scp: 'User.Read', idtyp: 'user', oid: user.id, tid: t.tenant.id, azp: sp.appId });
    expect(out.me).toMatchObject({ status: 200, body: { id: user.id, displayName: 'Pat Public' } });
    expect((out.users as { status: number }).status).toBe(403);
    // Refresh (offline_access, which MSAL always asks for) keeps the scopes.
    expect(out.refreshedScp).toBe('User.Read');

    // The consent is a Graph oauth2PermissionGrant of the user.
    const grants = await t.call('GET', `/v1.0/oauth2PermissionGrants?$filter=clientId eq '${sp.id}'`, { token: t.admin.token });
    expect(grants.json().value).toMatchObject([
      { clientId: sp.id, consentType: 'Principal', principalId: user.id, scope: expect.stringContaining('User.Read') },
    ]);
    await setUserConsent([]);
  });

  it("an admin grants User.ReadBasic.All to everyone (oauth2PermissionGrants): no consent page, /users opens, a user's own rights still apply", async () => {
    const { sp, redirect } = await publicApp();
    const { user } = await t.createUser({ displayName: 'Quinn Member' });
    const graphSp = await t.call('POST', '/v1.0/oauth2PermissionGrants', {
      token: t.admin.token,
      body: {
        clientId: sp.id,
        consentType: 'AllPrincipals',
        resourceId: '00000000-0000-0000-0000-000000000000',
        scope: 'User.Read',
      },
    });
    expect(graphSp.statusCode).toBe(400);
    const resourceId = /\(([0-9a-f-]{36})\)/.exec(graphSp.json().error.message)?.[1] ?? '';
    const granted = await t.call('POST', '/v1.0/oauth2PermissionGrants', {
      token: t.admin.token,
      body: {
        clientId: sp.id,
        consentType: 'AllPrincipals',
        resourceId,
        scope: 'User.Read https://graph.microsoft.com/User.ReadBasic.All'.replace('https://graph.microsoft.com/', ''),
      },
    });
    expect(granted.statusCode, granted.body).toBe(201);
    const member = await t.call('POST', '/v1.0/oauth2PermissionGrants', {
      token: (await t.createUser()).token,
      body: { clientId: sp.id, consentType: 'AllPrincipals', resourceId, scope: 'User.Read' },
    });
    expect(member.statusCode).toBe(403);

    const env = {
      AUTHORITY: `${base}/${t.tenant.initialDomain}`,
      CLIENT_ID: sp.appId,
      REDIRECT_URI: redirect,
      SCOPES: 'https://graph.microsoft.com/.default',
    };
    let sawConsent = false;
    const out = await runInteractive('msal-public-pkce.mjs', env, async (authUrl) => {
      const b = browser();
      const page = await b.signIn(await b.follow(authUrl), user.userPrincipalName, PASSWORD);
      sawConsent = page.res.body.includes('Permissions requested');
      return page.at;
    });
    expect(sawConsent).toBe(false);
    expect(out.error).toBeUndefined();
    expect(
      String(decodeJwt(String(out.token)).payload.scp)
        .split(' ')
        .sort(),
    ).toEqual(['User.Read', 'User.ReadBasic.All']);
    expect((out.users as { status: number }).status).toBe(200);
    // Creating a user needs User.ReadWrite.All and an administrator: refused.
    const create = await fetchWith(String(out.token), 'POST', '/v1.0/users', {
      accountEnabled: true,
      displayName: 'Nope',
      mailNickname: 'nope',
      userPrincipalName: `nope.${Date.now()}@${t.tenant.initialDomain}`,
      passwordProfile: { password: 'Correct-Horse-9' },
    });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.message).toContain('delegated permissions (scp)');
  });
});

const fetchWith = (token: string, method: 'GET' | 'POST', url: string, body?: unknown) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body as object } : {}) });
