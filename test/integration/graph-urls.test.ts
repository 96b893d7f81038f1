import { randomUUID } from 'node:crypto';
import { type Client, GraphError } from '@microsoft/microsoft-graph-client';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { listeningWithGraphClient } from '../helpers/graph-client.js';

// Graph's URL resolution on /v1.0: a path no resource has answers 400 naming its first unknown
// segment, a known path with an unsupported method 405 with Allow, and paths are case-insensitive
// (parameters keep their case) — without changing the other surfaces.

let t: TestApp;
let base: string;
let client: Client;

beforeAll(async () => {
  ({ t, base, client } = await listeningWithGraphClient());
});
afterAll(async () => {
  await t?.close();
});

interface GraphErrorBody {
  error: { code: string; message: string; details: { code: string }[] };
}
const errorOf = (res: LightMyRequestResponse) => (res.json() as GraphErrorBody).error;

describe('unknown segments', () => {
  it('answer 400 BadRequest naming the first unknown segment, with or without a token', async () => {
    const user = await t.createUser({ displayName: 'Segment Target' });
    const cases: [string, string][] = [
      ['/v1.0/foo', 'foo'],
      ['/v1.0/foo/bar', 'foo'],
      [`/v1.0/users/${user.user.id}/foo`, 'foo'],
      [`/v1.0/users/${user.user.id}/foo/bar?$top=1`, 'foo'],
      ['/v1.0/groups/x/members/nothing', 'nothing'],
      ['/v1.0/me/notARelationship', 'notARelationship'],
    ];
    for (const token of [t.admin.token, undefined]) {
      for (const [url, segment] of cases) {
        const res = await t.call('GET', url, token ? { token } : {});
        expect(res.statusCode, url).toBe(400);
        const e = errorOf(res);
        expect(e.code).toBe('BadRequest');
        expect(e.message).toBe(`Resource not found for the segment '${segment}'.`);
        expect(e.details[0]?.code).toBe('unknown_segment');
      }
    }
  });

  it('leave an unknown id in a known collection a 404 Request_ResourceNotFound', async () => {
    const res = await t.call('GET', `/v1.0/users/${randomUUID()}`, { token: t.admin.token });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res).code).toBe('Request_ResourceNotFound');
  });

  it('reach Microsoft’s Graph client as a GraphError with status 400 and code BadRequest', async () => {
    const err = await client
      .api('/users/nobody/noSuchThing')
      .get()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).statusCode).toBe(400);
    expect((err as GraphError).code).toBe('BadRequest');
    expect((err as GraphError).message).toBe("Resource not found for the segment 'noSuchThing'.");
  });
});

describe('405 Method Not Allowed', () => {
  it('answers a known path with an unsupported method with Allow', async () => {
    const user = await t.createUser({ displayName: 'Method Target' });
    const put = await t.call('PUT', `/v1.0/users/${user.user.id}`, { token: t.admin.token, body: { displayName: 'x' } });
    expect(put.statusCode).toBe(405);
    expect(errorOf(put).code).toBe('Request_BadRequest');
    expect(errorOf(put).message).toBe('Specified HTTP method is not allowed for the request target.');
    expect(errorOf(put).details[0]?.code).toBe('method_not_allowed');
    expect(String(put.headers.allow).split(', ')).toEqual(expect.arrayContaining(['DELETE', 'GET', 'PATCH']));
    expect(String(put.headers.allow)).not.toContain('PUT');

    const deleteMe = await t.call('DELETE', '/v1.0/me', { token: t.admin.token });
    expect(deleteMe.statusCode).toBe(405);
    expect(String(deleteMe.headers.allow).split(', ')).toContain('GET');

    // An action is POST only (Graph's own example: GET on getMemberGroups).
    const action = await t.call('GET', `/v1.0/users/${user.user.id}/getMemberGroups`, { token: t.admin.token });
    expect(action.statusCode).toBe(405);
    expect(action.headers.allow).toBe('POST');

    // A static segment wins over a parameter, as in the router: /users/delta is GET only
    // (not PATCH and DELETE as /users/{id}).
    const delta = await t.call('POST', '/v1.0/users/delta', { token: t.admin.token, body: {} });
    expect(delta.statusCode).toBe(405);
    expect(String(delta.headers.allow).split(', ')).toContain('GET');
    expect(String(delta.headers.allow)).not.toMatch(/PATCH|DELETE/);
  });
});

describe('case-insensitive paths', () => {
  it('serve /v1.0/Users, /V1.0/me and /users/{id}/MemberOf; parameters keep their case', async () => {
    const user = await t.createUser({ displayName: 'Case Target' });
    const list = await t.call('GET', '/v1.0/Users?$top=1', { token: t.admin.token });
    expect(list.statusCode, list.body).toBe(200);
    expect((list.json() as { value: unknown[] }).value).toHaveLength(1);

    const me = await t.call('GET', '/V1.0/me', { token: t.admin.token });
    expect(me.statusCode, me.body).toBe(200);
    expect((me.json() as { id: string }).id).toBe(t.admin.user.id);

    const memberOf = await t.call('GET', `/v1.0/USERS/${user.user.id}/MemberOf`, { token: t.admin.token });
    expect(memberOf.statusCode, memberOf.body).toBe(200);

    const missing = `Missing-${randomUUID()}`.toUpperCase().replace('MISSING', 'MiSsInG');
    const unknown = await t.call('GET', `/v1.0/Users/${missing}`, { token: t.admin.token });
    expect(unknown.statusCode).toBe(404);
    expect(errorOf(unknown).message).toContain(`'${missing}'`);

    // Unknown segments are named as sent.
    const seg = await t.call('GET', '/v1.0/Users/x/NoSuchThing', { token: t.admin.token });
    expect(errorOf(seg).message).toBe("Resource not found for the segment 'NoSuchThing'.");
  });

  it('accept OData query option names in any case', async () => {
    const name = `Case ${randomUUID().slice(0, 8)}`;
    await t.createUser({ displayName: name });
    const res = await t.call('GET', `/v1.0/users?$Filter=${encodeURIComponent(`displayName eq '${name}'`)}&$SELECT=displayName`, {
      token: t.admin.token,
    });
    expect(res.statusCode, res.body).toBe(200);
    const value = (res.json() as { value: Record<string, unknown>[] }).value;
    expect(value.map((u) => u.displayName)).toEqual([name]);
    expect(value[0]).not.toHaveProperty('userPrincipalName');
  });

  it('leave the other surfaces working (SCIM, the Entra authority, tenant paths)', async () => {
    const scim = await t.call('GET', '/scim/v2/ServiceProviderConfig');
    expect(scim.statusCode, scim.body).toBe(200);
    // Over real HTTP: the authority's URLs follow the Host the client used.
    const discovery = await fetch(`${base}/${t.tenant.id}/v2.0/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { token_endpoint: string }).token_endpoint).toBe(
      `${base}/${t.tenant.id}/oauth2/v2.0/token`,
    );
    const byDomain = await fetch(`${base}/${t.tenant.initialDomain}/v2.0/.well-known/openid-configuration`);
    expect(byDomain.status).toBe(200);
  });
});
