import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServicePrincipal } from '../../src/contracts/applications.js';
import type { MyApp } from '../../src/contracts/myapps.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { finishAuthorization, freePort, startAuthorization, submitCredentials } from '../helpers/oidc.js';
import { type Browser, browser, formOf, open, type Page, submitAndFollow, textOf } from '../helpers/redeem.js';

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

/**
 * Opens `url` and, when it leads to the sign-in page, signs in as `login` (the page asks for the
 * login, then the password); stops at the first page or redirect that leaves Portico.
 */
async function openSigningIn(b: Browser, url: string, login?: string): Promise<Page & { location?: string }> {
  let page: Page & { location?: string } = await open(b, base, url);
  for (let i = 0; i < 3 && login !== undefined && page.status === 200 && page.html.includes('name="login"'); i++) {
    const extra: Record<string, string> = page.html.includes('name="password"') ? { login, password: PASSWORD } : { login };
    page = await submitAndFollow(b, base, page, extra);
  }
  return page;
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
    const user = await t.createUser();
    await assign(withLogin, user.user.id);
    await assign(withHome, user.user.id);
    const b = await signedInBrowser(user.user.userPrincipalName);
    const one = await b.get(`${base}/myapps/signin/${withLogin.appId}`);
    expect(one.status).toBe(302);
    expect(one.headers.get('location')).toBe('https://one.example/login');
    const two = await b.get(`${base}/myapps/signin/${withHome.appId}`);
    expect(two.headers.get('location')).toBe('https://two.example/');
    const none = await b.get(`${base}/myapps/signin/${withNothing.appId}`);
    expect(none.status).toBe(404);
    expect(textOf(await none.text())).toContain('Bare app has no sign-in URL');
  });

  it('without a sign-in session the link never leads to the application: it signs in first, then checks the assignment', async () => {
    const app = await createApp({ displayName: 'Payroll', loginUrl: 'https://payroll.example/login' });
    const insider = await t.createUser();
    const outsider = await t.createUser();
    await assign(app, insider.user.id);

    // An anonymous browser is sent to Portico's own sign-in, never to the application's URL.
    const first = await browser().get(`${base}/myapps/signin/${app.appId}`);
    expect(first.status).toBe(303);
    const to = new URL(first.headers.get('location') ?? '');
    expect(to.origin + to.pathname).toBe(`${base}/oauth2/v2.0/authorize`);
    expect(to.searchParams.get('client_id')).toBe('portico-myapps');
    expect(to.searchParams.get('redirect_uri')).toBe(`${base}/myapps/signin/complete`);
    const anonymous = await open(browser(), base, `${base}/myapps/signin/${app.appId}`);
    expect(anonymous.location).toBeUndefined();
    expect(anonymous.status).toBe(200);
    expect(anonymous.html).toContain('name="login"');

    // An assigned user who signs in goes on to the application.
    const allowed = await openSigningIn(browser(), `${base}/myapps/signin/${app.appId}`, insider.user.userPrincipalName);
    expect(allowed.location).toBe('https://payroll.example/login');

    // Someone who signs in but is not assigned sees the no-access page.
    const denied = await openSigningIn(browser(), `${base}/myapps/signin/${app.appId}`, outsider.user.userPrincipalName);
    expect(denied.location).toBeUndefined();
    expect(denied.status).toBe(403);
    expect(textOf(denied.html)).toContain("You don't have access to Payroll");
  });

  it('the end of the sign-in only works in the browser that started it, once', async () => {
    const app = await createApp({ loginUrl: 'https://once.example/login', appRoleAssignmentRequired: false });
    const user = await t.createUser();
    const b = browser();
    let page: Page & { location?: string } = await open(b, base, `${base}/myapps/signin/${app.appId}`);
    // Sign in, but stop at the redirect back to the link's completion (carrying code and state).
    let completion: string | undefined;
    for (let i = 0; i < 3 && !completion; i++) {
      const extra: Record<string, string> = page.html.includes('name="password"')
        ? { login: user.user.userPrincipalName, password: PASSWORD }
        : { login: user.user.userPrincipalName };
      const f = formOf(page);
      let res = await b.postForm(f.action, { ...f.fields, ...extra });
      let at = f.action;
      for (let j = 0; j < 6 && (res.status === 302 || res.status === 303); j++) {
        const next = new URL(res.headers.get('location') ?? '', at).href;
        if (next.startsWith(`${base}/myapps/signin/complete`)) {
          completion = next;
          break;
        }
        at = next;
        res = await b.get(next);
      }
      if (!completion) page = { res, status: res.status, url: at, html: await res.text() };
    }
    if (!completion) throw new Error('the sign-in never returned to the link');
    expect(new URL(completion).searchParams.get('code')).toBeTruthy();

    // Another browser (no flow cookie) gets nothing from the code: no redirect to the app.
    const stranger = await browser().get(completion);
    expect(stranger.status).toBe(400);
    expect(stranger.headers.get('location')).toBeNull();
    expect(textOf(await stranger.text())).toContain('Sign-in did not complete');

    // The browser that started the flow goes on to the application, once.
    const mine = await b.get(completion);
    expect(mine.status).toBe(302);
    expect(mine.headers.get('location')).toBe('https://once.example/login');
    const again = await b.get(completion);
    expect(again.status).toBe(400);
    expect(again.headers.get('location')).toBeNull();
  });

  it("another tenant's link signs in with that tenant, and only opens that tenant's applications", async () => {
    const other = await t.app.portico.services.tenants.createTenant({
      displayName: `Fabrikam ${n()}`,
      initialDomain: `fabrikam-${n()}.test`,
    });
    const otherAdmin = await t.createUser({ tenant: other, roles: [RoleIds.globalAdministrator] });
    const member = await t.createUser({ tenant: other });
    const created = await t.call('POST', '/v1.0/servicePrincipals', {
      token: otherAdmin.token,
      body: {
        displayName: 'Fabrikam portal',
        preferredSingleSignOnMode: 'oidc',
        replyUrls: ['https://portal.fabrikam.example/callback'],
        loginUrl: 'https://portal.fabrikam.example/login',
        appRoleAssignmentRequired: true,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const app = created.json() as ServicePrincipal;
    const assigned = await t.call('POST', `/v1.0/servicePrincipals/${app.id}/appRoleAssignedTo`, {
      token: otherAdmin.token,
      body: { principalId: member.user.id, resourceId: app.id, appRoleId: '00000000-0000-0000-0000-000000000000' },
    });
    expect(assigned.statusCode, assigned.body).toBe(201);

    const first = await browser().get(`${base}/${other.id}/myapps/signin/${app.appId}`);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')?.startsWith(`${base}/${other.id}/oauth2/v2.0/authorize?`)).toBe(true);
    const opened = await openSigningIn(
      browser(),
      `${base}/${other.id}/myapps/signin/${app.appId}`,
      member.user.userPrincipalName,
    );
    expect(opened.location).toBe('https://portal.fabrikam.example/login');
    // The default tenant's link does not know the other tenant's application.
    expect((await browser().get(`${base}/myapps/signin/${app.appId}`)).status).toBe(404);
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
