/**
 * Single sign-on end to end: an administrator connects a custom SAML application and a custom OIDC
 * application (small test SP / RP servers started here, on 127.0.0.1) in the admin center and
 * assigns a group to both; a member of the group opens each from its My Apps tile and arrives signed
 * in (the test apps show the name and e-mail Portico sent them); a user who is not assigned is
 * stopped at "You don't have access to <app>".
 */
import { expect, shot, test } from './fixtures.js';
import { ApplicationsPages } from './pages/AdminCenter.js';
import { createGroup, createUser, type SeededUser, setMail } from './support/api.js';
import { unique } from './support/env.js';
import {
  type OidcRelyingParty,
  type SamlServiceProvider,
  startOidcRelyingParty,
  startSamlServiceProvider,
} from './support/test-apps.js';

let sp: SamlServiceProvider;
let rp: OidcRelyingParty;

test.beforeAll(async () => {
  [sp, rp] = await Promise.all([startSamlServiceProvider('Test SP'), startOidcRelyingParty('Test RP')]);
});

test.afterAll(async () => {
  await Promise.all([sp?.stop(), rp?.stop()]);
});

/** A member user whose `mail` is set (the e-mail claim of the tokens and assertions). */
async function userWithMail(name: string): Promise<SeededUser> {
  const user = await createUser(name);
  await setMail(user.id, user.userPrincipalName);
  return user;
}

test('an admin connects a SAML and an OIDC app; an assigned member signs in to both from My Apps, others are refused', async ({
  signIn,
}) => {
  test.setTimeout(180_000);
  const member = await userWithMail('Mia Member');
  const outsider = await userWithMail('Uma Unassigned');
  // Groups and their members have their own specs: seeded through the API.
  const group = await createGroup('App users', { members: [member.id] });
  const samlName = `Test SP ${unique()}`;
  const oidcName = `Test RP ${unique()}`;
  const signedInAs = `Signed in as ${member.displayName} (${member.userPrincipalName})`;

  const admin = await signIn('/admin/applications');
  const apps = new ApplicationsPages(admin);

  let samlAppId = '';
  await test.step('admin: custom SAML application pointing at the test SP', async () => {
    await apps.createYourOwn(samlName, 'SAML');
    await apps.setBasicSaml({ entityId: sp.entityId, acsUrl: sp.acsUrl, signOnUrl: sp.loginUrl });
    const metadataUrl = await apps.value('saml-metadata-url');
    samlAppId = new URL(metadataUrl).searchParams.get('appid') ?? '';
    expect(samlAppId).not.toBe('');
    await sp.configure(metadataUrl);
    await shot(admin, 'admin-app-sso');
    await apps.expectAssignmentRequired();
    await apps.assignGroup(group.displayName);
  });

  await test.step('admin: custom OIDC application pointing at the test RP', async () => {
    await apps.go('All applications');
    await apps.createYourOwn(oidcName, 'OIDC');
    await apps.setRedirectUri(rp.redirectUri, rp.loginUrl);
    const clientId = await apps.value('client-id');
    const issuer = await apps.value('oidc-issuer');
    const clientSecret = await apps.newClientSecret('e2e relying party');
    await rp.configure({ issuer, clientId, clientSecret });
    await apps.expectAssignmentRequired();
    await apps.assignGroup(group.displayName);
  });

  await test.step('member: both tiles in My Apps; each signs in to its application', async () => {
    const portal = await signIn('/myapps', member);
    await expect(portal.getByRole('heading', { level: 1, name: 'My Apps' })).toBeVisible();
    const samlTile = portal.getByTestId('app-tile').and(portal.getByRole('link', { name: samlName, exact: true }));
    const oidcTile = portal.getByTestId('app-tile').and(portal.getByRole('link', { name: oidcName, exact: true }));
    await expect(samlTile).toBeVisible();
    await expect(oidcTile).toBeVisible();
    await shot(portal, 'portal-my-apps-tiles');

    await samlTile.click();
    await expect(portal.getByTestId('signed-in-as')).toHaveText(signedInAs, { timeout: 20_000 });
    expect(portal.url().startsWith(sp.acsUrl)).toBe(true);

    await portal.goto('/myapps');
    await oidcTile.click();
    await expect(portal.getByTestId('signed-in-as')).toHaveText(signedInAs, { timeout: 20_000 });
    expect(portal.url().startsWith(rp.redirectUri)).toBe(true);
  });

  await test.step("unassigned user: the SAML app's direct link shows the no-access page", async () => {
    const page = await signIn('/myapps', outsider);
    await expect(page.getByTestId('groups-tile')).toBeVisible();
    await expect(page.getByTestId('app-tile').and(page.getByRole('link', { name: samlName }))).toHaveCount(0);
    await page.goto(`/myapps/signin/${samlAppId}`);
    await expect(page.getByRole('heading', { level: 1, name: `You don't have access to ${samlName}` })).toBeVisible();
    await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
  });
});
