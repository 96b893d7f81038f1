import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';

// How each surface answers errors (docs/errors.md): the Graph envelope with the catalogue code in
// details[0].code under /v1.0, RFC 6749 JSON on the OAuth endpoints, HTML pages with the request
// id in the browser flows, and a short Graph envelope for requests refused before any route.

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await buildTestApp({ env: { PORTICO_OUTBOX_WORKER: 'off', PORTICO_INVITATION_RATE_LIMIT: '1/600' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = t.app.server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
});

afterAll(async () => {
  await t?.close();
});

interface Envelope {
  error: {
    code: string;
    message: string;
    target?: string;
    details: { code: string; message: string; target?: string }[];
    innerError: { 'request-id': string; 'client-request-id'?: string; date: string };
  };
}

/** Asserts a Graph envelope: status, Graph's code, the catalogue code, and the request id in body and header. */
function expectEnvelope(res: LightMyRequestResponse, status: number, graphCode: string, code: string): Envelope['error'] {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json() as Envelope;
  expect(body.error.code).toBe(graphCode);
  expect(body.error.details[0]?.code).toBe(code);
  expect(body.error.details[0]?.message).toBe(body.error.message);
  expect(body.error.innerError['request-id']).toBe(res.headers['request-id']);
  expect(body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  return body.error;
}

/** Asserts an HTML error page: status, no JSON, no stack trace, the request id on the page. */
function expectPage(res: LightMyRequestResponse, status: number): string {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.body).toMatch(/^<!DOCTYPE html>/);
  expect(res.body).not.toMatch(/"error"\s*:/);
  expect(res.body).not.toMatch(/\bat \S+ \(|node:internal|\.ts:\d+/);
  expect(res.body).toContain(String(res.headers['request-id']));
  return res.body;
}

describe('Graph surface (/v1.0): error.code is Graph’s, details[0].code the catalogue code', () => {
  it('404, 401, 403 and unknown paths', async () => {
    const missing = await t.call('GET', `/v1.0/users/${randomUUID()}`, { token: t.admin.token });
    expectEnvelope(missing, 404, 'Request_ResourceNotFound', 'resource_not_found');

    const anonymous = await t.call('GET', '/v1.0/me', { headers: { 'client-request-id': 'my-correlation-id' } });
    const e = expectEnvelope(anonymous, 401, 'InvalidAuthenticationToken', 'authentication_required');
    expect(e.innerError['client-request-id']).toBe('my-correlation-id');

    const plain = await t.createUser();
    const denied = await t.call('POST', '/v1.0/users', {
      token: plain.token,
      body: {
        displayName: 'X',
        userPrincipalName: `x.${randomUUID().slice(0, 8)}@contoso.test`,
        accountEnabled: true,
        passwordProfile: { password: 'Correct-Horse-9' },
      },
    });
    expectEnvelope(denied, 403, 'Authorization_RequestDenied', 'authorization_denied');

    for (const token of [t.admin.token, undefined]) {
      const nowhere = await t.call('GET', '/v1.0/nothingHere', token ? { token } : {});
      const route = expectEnvelope(nowhere, 400, 'BadRequest', 'unknown_segment');
      expect(route.message).toBe("Resource not found for the segment 'nothingHere'.");
    }
  });

  it('a specific domain error keeps its own catalogue code and target', async () => {
    const upn = `dup.${randomUUID().slice(0, 8)}@contoso.test`;
    const body = {
      displayName: 'Dup',
      userPrincipalName: upn,
      accountEnabled: true,
      passwordProfile: { password: 'Correct-Horse-9' },
    };
    expect((await t.call('POST', '/v1.0/users', { token: t.admin.token, body })).statusCode).toBe(201);
    const again = await t.call('POST', '/v1.0/users', { token: t.admin.token, body });
    expectEnvelope(again, 400, 'Request_BadRequest', 'user_upn_conflict');

    const invalid = await t.call('POST', '/v1.0/users', { token: t.admin.token, body: { displayName: '' } });
    const v = expectEnvelope(invalid, 400, 'Request_BadRequest', 'request_body_invalid');
    expect(v.message).toMatch(/^Invalid body: /);
  });

  it('429 carries throttled and Retry-After', async () => {
    const invite = (n: number) =>
      t.call('POST', '/v1.0/invitations', {
        token: t.admin.token,
        body: {
          invitedUserEmailAddress: `throttle.${n}.${randomUUID().slice(0, 6)}@fabrikam.example`,
          inviteRedirectUrl: 'https://apps.contoso.example/',
        },
      });
    expect((await invite(1)).statusCode).toBe(201);
    const second = await invite(2);
    expectEnvelope(second, 429, 'TooManyRequests', 'throttled');
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
  });

  it("Fastify's own errors map to catalogue entries", async () => {
    const headers = { authorization: `Bearer ${t.admin.token}`, 'content-type': 'application/json' };
    const notJson = await t.app.inject({ method: 'POST', url: '/v1.0/users', headers, payload: '{"displayName":' });
    expectEnvelope(notJson, 400, 'Request_BadRequest', 'request_body_malformed');

    const empty = await t.app.inject({ method: 'POST', url: '/v1.0/users', headers, payload: '' });
    expectEnvelope(empty, 400, 'Request_BadRequest', 'request_body_malformed');

    const text = await t.app.inject({
      method: 'POST',
      url: '/v1.0/users',
      headers: { ...headers, 'content-type': 'application/xml' },
      payload: '<user/>',
    });
    expectEnvelope(text, 415, 'Request_BadRequest', 'unsupported_media_type');

    const huge = await t.app.inject({
      method: 'POST',
      url: '/v1.0/users',
      headers,
      payload: JSON.stringify({ displayName: 'x'.repeat(1100 * 1024) }),
    });
    expectEnvelope(huge, 413, 'Request_BadRequest', 'payload_too_large');

    // A path segment longer than the router accepts (longer than any user principal name) is refused
    // before any route (frameworkErrors).
    const long = await t.app.inject({ method: 'GET', url: `/v1.0/users/${'a'.repeat(600)}`, headers });
    expectEnvelope(long, 414, 'Request_BadRequest', 'request_uri_too_long');
  });
});

/** Sends raw bytes to the listening server and returns status, headers and body. */
function rawRequest(request: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    const done = () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      if (!statusLine) reject(new Error('no response'));
      else resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    };
    socket.on('data', (c) => chunks.push(c));
    // The server closes the connection after answering; the client may still be writing.
    socket.on('error', () => undefined);
    socket.on('close', done);
  });
}

describe("requests Node's HTTP parser refuses (real socket)", () => {
  const expectRawEnvelope = (
    r: { status: number; headers: Record<string, string>; body: string },
    status: number,
    code: string,
  ) => {
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(r.body) as Envelope;
    expect(body.error.code).toBe('Request_BadRequest');
    expect(body.error.details[0]?.code).toBe(code);
    expect(body.error.innerError['request-id']).toBe(r.headers['request-id']);
  };

  it('a URL over the size limit: 414 request_uri_too_long', async () => {
    const r = await rawRequest(`GET /v1.0/users?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    expectRawEnvelope(r, 414, 'request_uri_too_long');
  });

  it('headers over the size limit: 431 request_headers_too_large', async () => {
    const r = await rawRequest(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expectRawEnvelope(r, 431, 'request_headers_too_large');
  });

  it('whatever the path: a huge authorization request or sign-in URL gets the same envelope, never Fastify’s', async () => {
    for (const path of [`/oauth2/v2.0/authorize?state=${'s'.repeat(20_000)}`, `/login/${'u'.repeat(20_000)}`]) {
      const r = await rawRequest(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      expectRawEnvelope(r, 414, 'request_uri_too_long');
      expect(r.body).not.toMatch(/"statusCode"/);
    }
  });

  it('a malformed request: 400 request_invalid', async () => {
    const r = await rawRequest('GET /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: nope\r\n\r\n');
    expectRawEnvelope(r, 400, 'request_invalid');
  });
});

describe('browser pages answer errors as HTML pages with the request id', () => {
  it('/login: an unknown interaction, a foreign body, unknown paths and tenants', async () => {
    const expired = await t.app.inject({ method: 'GET', url: '/login/no-such-interaction' });
    expect(expectPage(expired, 400)).toContain('Sign-in session expired');

    const json = await t.app.inject({
      method: 'POST',
      url: '/login/no-such-interaction',
      headers: { 'content-type': 'application/json' },
      payload: '{"login":',
    });
    expectPage(json, 400);

    const text = await t.app.inject({
      method: 'POST',
      url: '/login/no-such-interaction',
      headers: { 'content-type': 'application/xml' },
      payload: '<login/>',
    });
    expect(expectPage(text, 415)).toContain('This page accepts form submissions only.');

    expectPage(await t.app.inject({ method: 'GET', url: '/login/a/b' }), 404);
    expectPage(await t.app.inject({ method: 'GET', url: `/${randomUUID()}/login/some-uid` }), 404);
  });

  it('/redeem: invalid links, unknown paths and methods', async () => {
    const invalid = await t.app.inject({ method: 'GET', url: `/redeem/${randomUUID()}?ticket=nope` });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers['content-type']).toMatch(/^text\/html/);

    expectPage(await t.app.inject({ method: 'GET', url: '/redeem/a/b/c' }), 404);
    expectPage(await t.app.inject({ method: 'POST', url: '/redeem/complete', payload: '' }), 404);
    const incomplete = await t.app.inject({ method: 'GET', url: '/redeem/complete?state=x&code=y' });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.headers['content-type']).toMatch(/^text\/html/);
  });

  it('SAML endpoints: a malformed request is a page, not JSON', async () => {
    const none = await t.app.inject({ method: 'GET', url: `/${t.tenant.id}/saml2` });
    expect(expectPage(none, 400)).toContain('has no SAMLRequest');
    expectPage(await t.app.inject({ method: 'GET', url: `/${randomUUID()}/saml2?SAMLRequest=x` }), 404);
    const badBody = await t.app.inject({
      method: 'POST',
      url: `/${t.tenant.id}/saml2`,
      headers: { 'content-type': 'application/json' },
      payload: '{',
    });
    expectPage(badBody, 400);
  });

  it('invitation unsubscribe pages', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/invitations/unsubscribe',
      headers: { 'content-type': 'application/json' },
      payload: '{"tenant":',
    });
    expectPage(res, 400);
  });
});

describe('OAuth surface (oidc-provider)', () => {
  it('token endpoint errors are RFC 6749 JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth2/v2.0/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&client_id=nobody&client_secret=x',
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toMatchObject({ error: 'invalid_client' });
    expect(res.headers['request-id']).toBeTruthy();

    const tooLarge = await t.app.inject({
      method: 'POST',
      url: '/oauth2/v2.0/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&pad=${'x'.repeat(60 * 1024)}`,
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('a path or method oidc-provider does not serve is RFC 6749 JSON too, not plain text', async () => {
    for (const [method, url] of [
      ['GET', '/oauth2/v2.0/nothing-here'],
      ['POST', '/oauth2/v2.0/logout'],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: '',
      });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it("the authorization endpoint's error page shows the request id", async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/oauth2/v2.0/authorize?client_id=unknown-client&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fx.example%2Fcb',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('invalid_client');
    expect(res.body).toContain(String(res.headers['request-id']));
  });
});
