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
