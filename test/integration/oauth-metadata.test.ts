import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../src/server/modules/tenants/tenants.service.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// RFC 8414 authorization server metadata, for the default tenant (issuer at the root) and another
// tenant (issuer `{publicUrl}/{tenantId}`), in both the appended and the RFC's path-inserted form:
// the same document as OpenID discovery.

const BASE = 'http://portico.test';
let t: TestApp;
let other: Tenant;

beforeAll(async () => {
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: BASE, PORTICO_OUTBOX_WORKER: 'off' } });
  other = await t.app.portico.services.tenants.createTenant({ displayName: 'Fabrikam', initialDomain: 'fabrikam-md.test' });
});

afterAll(async () => {
  await t?.close();
});

const get = async (url: string) => {
  const res = await t.app.inject({ method: 'GET', url, headers: { host: 'portico.test' } });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: res.json() as Record<string, unknown> };
};

describe('RFC 8414 authorization server metadata', () => {
  it('serves the default tenant at /.well-known/oauth-authorization-server, identical to OpenID discovery', async () => {
    const md = await get('/.well-known/oauth-authorization-server');
    const oidc = await get('/.well-known/openid-configuration');
    expect(md.status).toBe(200);
    expect(md.type).toContain('application/json');
    expect(md.body).toEqual(oidc.body);
    // The RFC 8414 required and relevant fields.
    expect(md.body.issuer).toBe(BASE);
    expect(md.body.authorization_endpoint).toBe(`${BASE}/oauth2/v2.0/authorize`);
    expect(md.body.token_endpoint).toBe(`${BASE}/oauth2/v2.0/token`);
    expect(md.body.jwks_uri).toBe(`${BASE}/discovery/v2.0/keys`);
    expect(md.body.response_types_supported).toEqual(expect.arrayContaining(['code']));
    expect(md.body.code_challenge_methods_supported).toEqual(['S256']);
    expect(md.body.revocation_endpoint).toBe(`${BASE}/oauth2/v2.0/revoke`);
  });

  it("serves another tenant's metadata at the path-inserted and the appended form, with that tenant's issuer", async () => {
    const inserted = await get(`/.well-known/oauth-authorization-server/${other.id}`);
    const appended = await get(`/${other.id}/.well-known/oauth-authorization-server`);
    const oidc = await get(`/${other.id}/.well-known/openid-configuration`);
    expect(inserted.status).toBe(200);
    expect(inserted.body.issuer).toBe(`${BASE}/${other.id}`);
    expect(inserted.body.token_endpoint).toBe(`${BASE}/${other.id}/oauth2/v2.0/token`);
    expect(inserted.body).toEqual(oidc.body);
    expect(appended.body).toEqual(oidc.body);
  });

  it('answers 404 for an unknown tenant and for the default tenant in the path-inserted form', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server/no-such-tenant' });
    expect(unknown.statusCode).toBe(404);
    const dflt = await t.app.inject({ method: 'GET', url: `/.well-known/oauth-authorization-server/${t.tenant.id}` });
    expect(dflt.statusCode).toBe(404);
  });
});
