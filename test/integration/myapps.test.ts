import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServicePrincipal } from '../../src/contracts/applications.js';
import type { MyApp } from '../../src/contracts/myapps.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { finishAuthorization, freePort, startAuthorization, submitCredentials } from '../helpers/oidc.js';
import { browser, textOf } from '../helpers/redeem.js';

// My Apps: the tiles API (`GET /v1.0/me/myApps`) and the direct sign-on links
// (`/myapps/signin/{appId}`) that the tiles launch.

const PASSWORD = 'Correct-Horse-9';
let t: TestApp;
let base: string;
let seq = 0;
const n = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORTICO_OUTBOX_WORKER: 'off' } });
  await t.app.listen({ port, host: '127.0.0.1' });
});

afterAll(async () => {
  await t?.close();
});

async function admin(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
  const res = await t.call(method, `/v1.0${url}`, { token: t.admin.token, ...(body === undefined ? {} : { body }) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
}

const createApp = async (body: Record<string, unknown> = {}) =>
  (
    await admin('POST', '/servicePrincipals', {
      displayName: `App ${n()}`,
      preferredSingleSignOnMode: 'oidc',
      replyUrls: [`https://app-${n()}.example/callback`],
      appRoleAssignmentRequired: true,
      ...body,
    })
  ).json() as ServicePrincipal;

const assign = (sp: ServicePrincipal, principalId: string) =>
  admin('POST', `/servicePrincipals/${sp.id}/appRoleAssignedTo`, {
    principalId,
    resourceId: sp.id,
    appRoleId: '00000000-0000-0000-0000-000000000000',
  });

async function createGroup(): Promise<string> {
  const res = await admin('POST', '/groups', {
    displayName: `Group ${n()}`,
    mailNickname: `g${n()}`,
    mailEnabled: false,
    securityEnabled: true,
  });
  return (res.json() as { id: string }).id;
}
const addMember = (groupId: string, memberId: string) => admin('POST', `/groups/${groupId}/members/$ref`, ref(memberId));

const myApps = async (token: string) => {
  const res = await t.call('GET', '/v1.0/me/myApps', { token });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { value: MyApp[] }).value;
};

/** A browser signed in to Portico (sign-in session cookie) as `upn`. */
async function signedInBrowser(upn: string) {
  const flow = await startAuthorization(t);
  await finishAuthorization(flow, await submitCredentials(flow, upn, PASSWORD));
  return flow.b;
}

describe('GET /v1.0/me/myApps', () => {
  it('lists exactly the visible, enabled apps the user is assigned to (directly or via a direct group), plus owned apps', async () => {
    const user = await t.createUser();
    const group = await createGroup();
    const outer = await createGroup();
    await addMember(group, user.user.id);
    await addMember(outer, group);

    const direct = await createApp({
      displayName: 'Alpha wiki',
      description: 'Team knowledge base',
      info: { logoUrl: 'https://cdn.example/alpha.png' },
      loginUrl: 'https://alpha.example/login',
    });
    const viaGroup = await createApp({ displayName: 'Beta tracker' });
    const hidden = await createApp({ displayName: 'Hidden tool', tags: ['HideApp'] });
    const disabled = await createApp({ displayName: 'Disabled tool' });
    const nested = await createApp({ displayName: 'Nested only' });
    await createApp({ displayName: 'Not assigned' });
    const owned = await createApp({ displayName: 'Gamma (owned)', tags: ['HideApp'] });
    await assign(direct, user.user.id);
    await assign(viaGroup, group);
    await assign(hidden, user.user.id);
    await assign(disabled, user.user.id);
    await admin('PATCH', `/servicePrincipals/${disabled.id}`, { accountEnabled: false });
    await assign(nested, outer);
    await admin('POST', `/servicePrincipals/${owned.id}/owners/$ref`, ref(user.user.id));

    const apps = await myApps(user.token);
    expect(apps.map((a) => a.displayName)).toEqual(['Alpha wiki', 'Beta tracker', 'Gamma (owned)']);
    expect(apps[0]).toEqual({
      id: direct.id,
      appId: direct.appId,
      displayName: 'Alpha wiki',
      description: 'Team knowledge base',
      logoUrl: 'https://cdn.example/alpha.png',
      launchUrl: `${base}/myapps/signin/${direct.appId}`,
      isOwner: false,
    });
    expect(apps.map((a) => a.isOwner)).toEqual([false, false, true]);

    // Another user sees none of them.
    expect(await myApps((await t.createUser()).token)).toEqual([]);
  });

  it('a guest sees the apps assigned to them', async () => {
    const guest = await t.createUser({ userType: 'Guest' });
    const app = await createApp({ displayName: 'Partner portal' });
    await assign(app, guest.user.id);
    expect((await myApps(guest.token)).map((a) => a.appId)).toEqual([app.appId]);
  });

  it('is for delegated callers only', async () => {
    const res = await t.call('GET', '/v1.0/me/myApps', { token: await t.appToken(['Application.Read.All']) });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { message: string } }).error.message).toContain('/me request is only valid');
    expect((await t.call('GET', '/v1.0/me/myApps')).statusCode).toBe(401);
  });
});

describe('direct sign-on links /myapps/signin/{appId}', () => {
  it('an OIDC app opens at its sign-in URL, else its home page, else a page that says why not', async () => {
    const withLogin = await createApp({ loginUrl: 'https://one.example/login', homepage: 'https://one.example/' });
    const withHome = await createApp({ homepage: 'https://two.example/' });
    const withNothing = await createApp({ displayName: 'Bare app', appRoleAssignmentRequired: false });
    const b = browser();
    const one = await b.get(`${base}/myapps/signin/${withLogin.appId}`);
    expect(one.status).toBe(302);
    expect(one.headers.get('location')).toBe('https://one.example/login');
    const two = await b.get(`${base}/myapps/signin/${withHome.appId}`);
    expect(two.headers.get('location')).toBe('https://two.example/');
    const none = await b.get(`${base}/myapps/signin/${withNothing.appId}`);
    expect(none.status).toBe(404);
    expect(textOf(await none.text())).toContain('Bare app has no sign-in URL');
  });

  it('unknown and disabled applications are refused', async () => {
    const b = browser();
    expect((await b.get(`${base}/myapps/signin/00000000-0000-4000-8000-000000000001`)).status).toBe(404);
    expect((await b.get(`${base}/myapps/signin/not-a-guid`)).status).toBe(404);
    const off = await createApp({ loginUrl: 'https://off.example/', accountEnabled: false });
    const res = await b.get(`${base}/myapps/signin/${off.appId}`);
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
  });

  it('a signed-in user who is not assigned sees the no-access page; an assigned one is sent on', async () => {
    const app = await createApp({ displayName: 'Ledger', loginUrl: 'https://ledger.example/login' });
    const outsider = await t.createUser();
    const insider = await t.createUser();
    await assign(app, insider.user.id);

    const denied = await (await signedInBrowser(outsider.user.userPrincipalName)).get(`${base}/myapps/signin/${app.appId}`);
    expect(denied.status).toBe(403);
    expect(textOf(await denied.text())).toContain("You don't have access to Ledger");

    const allowed = await (await signedInBrowser(insider.user.userPrincipalName)).get(`${base}/myapps/signin/${app.appId}`);
    expect(allowed.status).toBe(302);
    expect(allowed.headers.get('location')).toBe('https://ledger.example/login');
  });

  it('the launch URL of a tile is the direct sign-on link', async () => {
    const user = await t.createUser();
    const app = await createApp({ loginUrl: 'https://tile.example/start' });
    await assign(app, user.user.id);
    const [tile] = await myApps(user.token);
    const res = await (await signedInBrowser(user.user.userPrincipalName)).get(tile?.launchUrl ?? '');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://tile.example/start');
  });
});
