import { beforeEach, describe, expect, it, vi } from 'vitest';
import { session } from '../auth/session';
import { ApiError, api, apiPath, withQuery } from './client';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

let calls: { url: string; init: RequestInit }[] = [];
let answer: () => Response;

beforeEach(() => {
  calls = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answer();
  });
  session.set({ accessToken: 'AT', idToken: 'ID', expiresAt: Date.now() + 60_000, obtainedAt: Date.now(), claims: { sub: 'u' } });
});
describe('API client', () => {
  it('calls /v1.0 with the bearer token, no cookies, and ConsistencyLevel when asked', async () => {
    answer = () => json(200, { value: [] });
    await api.get('/users?$search="displayName:a"', { eventual: true });
    const c = calls[0];
    expect(c?.url).toBe('/v1.0/users?$search="displayName:a"');
    const h = c?.init.headers as Record<string, string>;
    expect(h.authorization).toBe('Bearer AT');
    expect(h.consistencylevel).toBe('eventual');
    expect(c?.init.credentials).toBe('omit');
  });

  it('sends JSON bodies and accepts 204', async () => {
    answer = () => new Response(null, { status: 204 });
    await expect(api.post('/groups/g/members/$ref', { '@odata.id': 'x' })).resolves.toBeUndefined();
    expect(calls[0]?.init.method).toBe('POST');
    expect(calls[0]?.init.body).toBe('{"@odata.id":"x"}');
  });

  it('turns the Graph error envelope into an ApiError with status, code, message and request id', async () => {
    answer = () =>
      json(
        400,
        { error: { code: 'Request_BadRequest', message: 'One or more added object references already exist.' } },
        { 'request-id': 'r1' },
      );
    const err = await api.get('/groups').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'Request_BadRequest',
      message: 'One or more added object references already exist.',
      requestId: 'r1',
    });
  });

  it('reports a 401 right after sign-in instead of redirecting in a loop', async () => {
    answer = () => json(401, { error: { code: 'InvalidAuthenticationToken', message: 'Invalid audience' } });
    const err = await api.get('/me').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401 });
  });

  it('follows absolute @odata.nextLink addresses on this origin', () => {
    expect(apiPath('https://portico.example/v1.0/users?$skiptoken=abc')).toBe('/v1.0/users?$skiptoken=abc');
    expect(apiPath('/users')).toBe('/v1.0/users');
    expect(apiPath('/v1.0/me')).toBe('/v1.0/me');
  });

  it('builds query strings, leaving out empty options', () => {
    expect(withQuery('/users', { $top: 20, $search: undefined, $filter: '' })).toBe('/users?%24top=20');
    expect(withQuery('/users?$top=1', { $filter: "userType eq 'Guest'" })).toBe(
      '/users?$top=1&%24filter=userType+eq+%27Guest%27',
    );
  });
});
