import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GROUP_NAME, type DemoSeedResult, seedDemo } from '../../src/server/demo/demo-seed.js';
import { RoleIds } from '../../src/server/domain/roles.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/oidc.js';
import { browser, open, type Page, submit, submitAndFollow, textOf } from '../helpers/redeem.js';
import { formFields } from '../helpers/saml-sp.js';

// `portico demo`: the seed's scenario set up through the use cases, and "Expenses", a real SAML SP
// served by Portico under /demo/expenses, signed in to through Portico's own IdP.

let t: TestApp;
let base: string;
let first: DemoSeedResult;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORTICO_DEMO: 'on', PORTICO_OUTBOX_WORKER: 'off' } });
  await t.app.listen({ port, host: '127.0.0.1' });
  first = await seedDemo(t.app.portico.services, t.tenant, base, new Date());
});

afterAll(async () => {
  await t?.close();
});

const admin = (url: string) => t.call('GET', `/v1.0${url}`, { token: t.admin.token });

describe('portico demo: the scenario', () => {
  it('creates the admin and the group owner, the group, and the SAML app configured for self-service', async () => {
    expect(first.created).toBe(true);
    const [adele, megan] = first.accounts;
    expect(adele?.userPrincipalName).toBe('admin@contoso.test');
    expect(megan?.userPrincipalName).toBe('megan@contoso.test');
    const meganUser = (await admin('/users/megan@contoso.test')).json() as { id: string };
    const adeleUser = (await admin('/users/admin@contoso.test')).json() as { id: string };
    const roles = t.app.portico.services.roles;
    expect(await roles.roleIdsOf(t.tenant.id, adeleUser.id)).toContain(RoleIds.globalAdministrator);
    expect(await roles.roleIdsOf(t.tenant.id, meganUser.id)).toContain(RoleIds.guestInviter);

    const owners = (await admin(`/groups/${first.groupId}/owners`)).json() as { value: { id: string }[] };
    expect(owners.value.map((o) => o.id)).toEqual([meganUser.id]);

    const sp = first.servicePrincipal;
    expect(sp).toMatchObject({
      displayName: 'Expenses',
      preferredSingleSignOnMode: 'saml',
      appRoleAssignmentRequired: true,
      servicePrincipalNames: [sp.appId, `${base}/demo/expenses`],
      replyUrls: [`${base}/demo/expenses/acs`],
    });
    expect(sp.selfServiceAccess).toMatchObject({
      enabled: true,
      groupId: first.groupId,
      requireApproval: true,
      approverIds: [meganUser.id],
    });
    const assigned = (await admin(`/servicePrincipals/${sp.id}/appRoleAssignedTo`)).json() as {
      value: { principalId: string }[];
    };
    expect(assigned.value.map((a) => a.principalId).sort()).toEqual([first.groupId, meganUser.id].sort());

    const policy = (await admin('/policies/groupManagementPolicy')).json() as { selfServiceGroupManagementEnabled: boolean };
    expect(policy.selfServiceGroupManagementEnabled).toBe(true);

    const audits = (await admin(`/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Add group'`)).json() as {
      value: { initiatedBy: { app?: { displayName?: string } | null; user?: unknown } }[];
    };
    expect(JSON.stringify(audits.value)).toContain('Portico demo');
  });

  it('run again: nothing duplicated, new passwords, and the old ones stop working', async () => {
    const again = await seedDemo(t.app.portico.services, t.tenant, base, new Date());
    expect(again.created).toBe(false);
    expect(again.groupId).toBe(first.groupId);
    expect(again.servicePrincipal.id).toBe(first.servicePrincipal.id);
    expect(again.accounts.map((a) => a.password)).not.toEqual(first.accounts.map((a) => a.password));
    const groups = (await admin(`/groups?$filter=displayName eq '${DEMO_GROUP_NAME}'`)).json() as { value: unknown[] };
    expect(groups.value).toHaveLength(1);
    first = again;
  });
});

/** Signs in on Portico's sign-in page (user name, then password) and follows to the next stop. */
async function signIn(b: ReturnType<typeof browser>, page: Page & { location?: string }, login: string, password: string) {
  let p = page;
  for (let i = 0; i < 3 && p.status === 200 && p.html.includes('name="login"'); i++) {
    p = await submitAndFollow(b, base, p, p.html.includes('name="password"') ? { login, password } : { login });
  }
  return p;
}

describe('the demo application "Expenses"', () => {
  it('signs the owner in through SAML and shows who signed in', async () => {
    const b = browser();
    const home = await open(b, base, `${base}/demo/expenses`);
    expect(home.status).toBe(200);
    expect(home.html).toContain('Sign in');

    const megan = first.accounts[1];
    if (!megan) throw new Error('no owner account');
    // /demo/expenses/login → Portico's SSO endpoint → sign-in page → auto-post page to the ACS.
    const posting = await signIn(b, await open(b, base, `${base}/demo/expenses/login`), megan.userPrincipalName, megan.password);
    expect(posting.status, posting.html).toBe(200);
    const form = formFields(posting.html);
    expect(form.action).toBe(`${base}/demo/expenses/acs`);
    const acs = await submit(b, posting);
    expect(acs.status).toBe(303);
    const signedIn = await open(b, base, `${base}/demo/expenses`);
    expect(textOf(signedIn.html)).toContain('Signed in as <strong data-testid="signed-in-as">Megan Bowen</strong>');
    expect(signedIn.html).toContain('megan@contoso.test');

    // Signing out of the demo app ends its own session only.
    await open(b, base, `${base}/demo/expenses/logout`);
    expect((await open(b, base, `${base}/demo/expenses`)).html).not.toContain('Signed in as');
  });

  it('refuses a user who is not assigned (no SAML Response reaches the app)', async () => {
    const { user } = await t.createUser({ displayName: 'Not Assigned', upn: 'nobody@contoso.test' });
    expect(user.id).toBeTruthy();
    const b = browser();
    const after = await signIn(b, await open(b, base, `${base}/demo/expenses/login`), 'nobody@contoso.test', 'Correct-Horse-9');
    expect(after.status).toBe(403);
    expect(after.html).not.toContain('/demo/expenses/acs');
  });

  it('refuses a forged or tampered response at the ACS', async () => {
    const b = browser();
    const forged = Buffer.from(
      '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0" IssueInstant="2026-01-01T00:00:00Z"/>',
    ).toString('base64');
    const res = await b.postForm(`${base}/demo/expenses/acs`, { SAMLResponse: forged });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('The SAML response was refused');
    const none = await b.postForm(`${base}/demo/expenses/acs`, {});
    expect(none.status).toBe(400);
    expect((await open(b, base, `${base}/demo/expenses`)).html).not.toContain('Signed in as');
  });

  it('is not served unless demo mode is on', async () => {
    const other = await buildTestApp();
    try {
      expect((await other.app.inject({ method: 'GET', url: '/demo/expenses' })).statusCode).toBe(404);
    } finally {
      await other.close();
    }
  });
});
