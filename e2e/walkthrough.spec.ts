/**
 * The seed document ("How users in your organization can invite guest users to an app") walked in
 * ONE run, in the order a newcomer would follow it, with a numbered screenshot of each step in
 * docs/walkthrough/ (docs/walkthrough.md strings them together; the test checks that it shows exactly
 * these pictures, in this order):
 *
 *  Prerequisites (the administrator, in the admin center)
 *   1. Enable self-service group management (Groups → Settings → General → Yes → Save).
 *   2. Create the group to assign to the app (Security, Assigned) and make the user an owner.
 *   3. Configure the app: Single sign-on (SAML, against a small test SP started here), Self-service
 *      (the group just created as target, approval by the owner), Users and groups shows the group,
 *      Add user → the owner → Assign. The owner gets Guest Inviter (the seed's note).
 *  Invite someone to join a group that has access to the app (the owner, in My Apps)
 *   4. My Apps → Groups → Groups I own → the group → + → address and welcome message → Add.
 *   5. The guest redeems from the e-mail (development mailbox), lands in My Apps, sees why she has
 *      the app ("Why do I have access?"), opens it and arrives signed in under their own name (the
 *      SAML assertion the test SP checked).
 *  "Allow anyone to request membership but require a group owner's approval"
 *   6. A member asks to join, the owner approves, the member has the app.
 *   7. Another member requests the app in Request new apps, the approver approves, the app appears.
 *  Notes of the seed
 *   8. A guest cannot be added to a dynamic group (the seed's sentence).
 *   9. Only users with Guest Inviter can invite: an owner without it is told so, and whom to ask,
 *      when Add members opens, before typing an address; no invitation is offered.
 *
 * People are seeded through the API (the seed starts with them in the directory); every step the
 * seed describes goes through the browser.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import {
  AdminCenter,
  ApplicationsPages,
  DevMailboxPage,
  GroupSettingsPage,
  GroupsPages,
  RolesPages,
} from './pages/AdminCenter.js';
import { Portal } from './pages/Portal.js';
import { RedemptionPages } from './pages/Redemption.js';
import { SelfServicePortal } from './pages/SelfService.js';
import { SignInPage } from './pages/SignInPage.js';
import {
  call,
  createGroup,
  createUser,
  externalAddress,
  makeDynamic,
  type SeededUser,
  setAllowInvitesFrom,
  setGroupPolicy,
  setMail,
  usersWithMail,
} from './support/api.js';
import { e2e, ROOT, unique } from './support/env.js';
import { type SamlServiceProvider, startSamlServiceProvider } from './support/test-apps.js';

const WALKTHROUGH = path.join(ROOT, 'docs', 'walkthrough');
const ORGANIZATION = 'Contoso'; // PORTICO_TENANT_NAME of the global setup
const SETTING = 'Owners can manage group membership requests in My Groups';
const DYNAMIC_REFUSAL =
  'You cannot add guest users to a dynamic group or to a group that is synced with on-premises Active Directory.';
const WELCOME = 'Hi Gina, welcome! Your expense reports go through the Expenses app from now on.';

const taken: string[] = [];
/**
 * The next numbered screenshot of the walkthrough, docs/walkthrough/NN-name.png: the whole page, or
 * only the window while a dialog is open (its backdrop covers the window, not the page).
 */
async function shot(page: Page, name: string, opts: { dialog?: boolean } = {}): Promise<void> {
  const file = `${String(taken.length + 1).padStart(2, '0')}-${name}.png`;
  taken.push(file);
  const focused = page.locator('*:focus');
  if (await focused.count()) await focused.first().blur();
  await page.mouse.move(0, 0);
  // Full-page shots start at the top; fixed headers otherwise appear where the page was scrolled to.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({
    path: path.join(WALKTHROUGH, file),
    fullPage: !opts.dialog,
    animations: 'disabled',
    style: '.mantine-Notifications-root { display: none !important; }',
  });
}

async function person(name: string): Promise<SeededUser> {
  const u = await createUser(name);
  await setMail(u.id, u.userPrincipalName);
  return u;
}

/** A browser context of its own, not signed in: someone outside the organization. */
async function stranger(browser: Browser): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL: e2e.baseUrl, viewport: { width: 1280, height: 800 } });
  return { page: await context.newPage(), close: () => context.close() };
}

/**
 * Opens a page of the portal in a browser that is signed in already: the SPA signs in again
 * silently (a round trip through the sign-in service), so wait for it to be back, signed in, at
 * `to` before touching anything.
 */
async function reopen(page: Page, to: string): Promise<void> {
  await page.goto(to);
  await expect(new SignInPage(page).userMenu).toBeVisible({ timeout: 20_000 });
  await page.waitForURL((u) => u.pathname === to);
}

const firstName = (u: SeededUser) => u.displayName.split(' ')[0] ?? u.displayName;
const appTile = (page: Page, app: string) => page.getByTestId('app-tile').and(page.getByRole('link', { name: app, exact: true }));

let sp: SamlServiceProvider;

test.beforeAll(async () => {
  sp = await startSamlServiceProvider('Expenses');
  // Only this spec's screenshots, and all of them: a step that is gone leaves no stale picture.
  fs.rmSync(WALKTHROUGH, { recursive: true, force: true });
  fs.mkdirSync(WALKTHROUGH, { recursive: true });
});

test.afterAll(async () => {
  await sp?.stop();
});

test('the seed, walked: self-service setup, a guest invited to an app, join and app requests, the refusals', async ({
  signIn,
  browser,
}) => {
  // One long story: 3–5 minutes on a busy two-core machine.
  test.setTimeout(600_000);
  const owner = await person('Olivia Owner');
  const coOwner = await person('Nora Owner'); // an owner without Guest Inviter
  const member = await person('Mia Member');
  const requester = await person('Rita Requester');
  // Start from the defaults, whatever ran before: self-service group management off (step 1 turns
  // it on), invitations by administrators and Guest Inviters only (Entra's default).
  await setGroupPolicy({ selfServiceGroupManagementEnabled: false });
  await setAllowInvitesFrom('adminsAndGuestInviters');
  const suffix = unique();
  const groupName = `Expenses app guests ${suffix}`;
  const appName = `Expenses ${suffix}`;
  const guestAddress = externalAddress('Gina');
  const guestName = guestAddress.split('@')[0] ?? guestAddress; // Portico names a guest after the address

  const admin = await signIn('/admin/groups');
  const center = new AdminCenter(admin);
  const groups = new GroupsPages(admin);
  const apps = new ApplicationsPages(admin);

  await test.step('1. Enable self-service group management for your tenant', async () => {
    await center.go('General');
    await expect(center.heading('Groups | General')).toBeVisible();
    const setting = new GroupSettingsPage(admin).setting(SETTING);
    await setting.getByRole('radio', { name: 'Yes' }).check();
    await admin.getByRole('button', { name: 'Save', exact: true }).click();
    await center.confirm('Save');
    await expect(setting.getByRole('radio', { name: 'Yes' })).toBeChecked();
    await expect(admin.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
    await shot(admin, 'admin-self-service-group-management');
  });

  await test.step('2. Create a group to assign to the app and make the user an owner', async () => {
    await center.go('All groups');
    const form = await groups.create({
      type: 'Security',
      name: groupName,
      description: 'Partners who submit expenses',
      membership: 'Assigned',
    });
    await shot(admin, 'admin-new-group');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(groups.table.getByRole('link', { name: groupName, exact: true })).toBeVisible();
    await groups.open(groupName);
    await groups.addOwner(firstName(owner), owner.displayName);
    await shot(admin, 'admin-group-owner');
  });
  const group = (await call<{ value: { id: string }[] }>('GET', `/groups?$filter=displayName eq '${groupName}'`)).value[0];
  if (!group) throw new Error(`${groupName} was not created`);

  await test.step('3a. Configure the app for self-service: Single sign-on (SAML)', async () => {
    await center.go('All applications');
    await apps.createYourOwn(appName, 'SAML');
    await apps.setBasicSaml({ entityId: sp.entityId, acsUrl: sp.acsUrl, signOnUrl: sp.loginUrl });
    await sp.configure(await apps.value('saml-metadata-url'));
    await shot(admin, 'admin-app-single-sign-on');
  });

  await test.step('3b. Self-service: the group created above is the target, the owner approves requests', async () => {
    await apps.tab('Self-service');
    const form = admin.getByRole('form', { name: 'Self-service' });
    await form.getByRole('switch', { name: 'Allow users to request access to this application?' }).check();
    await form.getByTestId('self-service-group').fill(groupName);
    const target = form.getByRole('checkbox', { name: groupName });
    await target.check();
    await expect(target).toBeChecked();
    await form.getByRole('switch', { name: 'Require approval before granting access to this application?' }).check();
    await form.getByTestId('self-service-approvers').fill(firstName(owner));
    const approver = form.getByRole('checkbox', { name: owner.displayName });
    await approver.check();
    await expect(approver).toBeChecked();
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(admin.getByText('Self-service settings saved.')).toBeVisible();
    await shot(admin, 'admin-app-self-service');
  });

  await test.step('3c. Users and groups: the self-service group is in the list; Add user → the owner → Assign', async () => {
    await apps.tab('Users and groups');
    await expect(apps.assignments.getByRole('row').filter({ hasText: groupName })).toBeVisible();
    await shot(admin, 'admin-app-users-and-groups');
    await admin.getByRole('button', { name: 'Add user/group' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Add Assignment' });
    await dialog.getByRole('radiogroup', { name: 'Assign' }).getByText('Users', { exact: true }).click();
    await dialog.getByTestId('people-search').fill(firstName(owner));
    const box = dialog.getByRole('checkbox', { name: owner.displayName });
    await box.check();
    await expect(box).toBeChecked();
    await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(apps.assignments.getByRole('row').filter({ hasText: owner.displayName })).toBeVisible();
    await shot(admin, 'admin-app-owner-assigned');
  });

  await test.step('3d. The owner gets the Guest Inviter role (only Guest Inviters invite guests)', async () => {
    await center.go('Roles and administrators');
    await new RolesPages(admin).assign('Guest Inviter', firstName(owner), owner.displayName);
    await shot(admin, 'admin-guest-inviter');
  });

  const ownerPage = await signIn('/myapps', owner);
  const portal = new Portal(ownerPage);
  await test.step('4. The owner: My Apps → Groups → Groups I own → the group → + → address and welcome message → Add', async () => {
    await expect(appTile(ownerPage, appName)).toBeVisible();
    await shot(ownerPage, 'owner-my-apps');
    await portal.openGroupsFromMyApps();
    await expect(portal.groupsIOwn.getByRole('link', { name: groupName, exact: true })).toBeVisible();
    await shot(ownerPage, 'owner-groups-i-own');
    await portal.openOwnedGroup(groupName);
    await expect(ownerPage.getByTestId('group-apps')).toContainText(appName);
    await shot(ownerPage, 'owner-group');
    const dialog = await portal.startGuestInvitation(guestAddress, WELCOME);
    await shot(ownerPage, 'owner-add-members', { dialog: true });
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(portal.member(guestAddress).getByTestId('invitation-pending')).toHaveText('Invitation pending');
    await shot(ownerPage, 'owner-guest-added');
  });

  const mailbox = new DevMailboxPage(admin);
  let redeemUrl = '';
  await test.step('5a. The invitation e-mail carries the welcome message and the redeem link', async () => {
    await mailbox.goToDevMailbox();
    await mailbox.open(guestAddress, `${owner.displayName} invited you to access applications within ${ORGANIZATION}`);
    await expect(mailbox.text).toContainText(WELCOME);
    redeemUrl = await mailbox.link('/redeem/');
    await shot(admin, 'invitation-email');
  });

  const guest = await stranger(browser);
  try {
    const redemption = new RedemptionPages(guest.page);
    await test.step('5b. The guest opens the link and proves the address with a one-time passcode', async () => {
      await redemption.openLink(redeemUrl);
      await redemption.sendCode();
      await mailbox.backToList();
      await mailbox.open(guestAddress, `Your ${ORGANIZATION} verification code`);
      const code = /\b(\d{8})\b/.exec((await mailbox.text.textContent()) ?? '')?.[1] ?? '';
      expect(code).toMatch(/^\d{8}$/);
      await redemption.enterCode(code);
      await expect(redemption.heading('Review permissions')).toBeVisible();
      await expect(guest.page.locator('blockquote')).toHaveText(WELCOME);
      await shot(guest.page, 'guest-review-permissions');
    });

    await test.step('5c. The guest accepts, finds the app in My Apps and signs in to it with SSO under their name', async () => {
      await redemption.accept();
      await guest.page.waitForURL((u) => u.pathname === '/myapps');
      await expect(new SignInPage(guest.page).userMenu).toBeVisible({ timeout: 20_000 });
      const tile = appTile(guest.page, appName);
      await expect(tile).toBeVisible();
      await shot(guest.page, 'guest-my-apps');
      // "Why do I have access?": through the group, invited into it by the owner, accepted.
      await guest.page.getByRole('button', { name: `Why do I have access to ${appName}?` }).click();
      const why = guest.page.getByRole('dialog', { name: `Why do I have access to ${appName}?` });
      const explanation = why.getByTestId('access-explanation');
      await expect(explanation).toContainText('Has access');
      await expect(explanation).toContainText(`Through the group ${groupName}`);
      await expect(explanation).toContainText(`invited as a guest into the group by ${owner.displayName}`);
      await expect(explanation).toContainText(`You were invited by ${owner.displayName}`);
      await shot(guest.page, 'guest-why-access', { dialog: true });
      await guest.page.keyboard.press('Escape');
      await expect(why).toBeHidden();
      await tile.click();
      await expect(guest.page.getByTestId('signed-in-as')).toHaveText(`Signed in as ${guestName} (${guestAddress})`, {
        timeout: 20_000,
      });
      expect(guest.page.url().startsWith(sp.acsUrl)).toBe(true);
      await shot(guest.page, 'guest-signed-in-to-the-app');
    });
  } finally {
    await guest.close();
  }
  const [invited] = await usersWithMail(guestAddress);
  expect(invited).toMatchObject({ userType: 'Guest', externalUserState: 'Accepted' });

  await test.step('6a. The owner lets people ask to join, with the owner approving', async () => {
    await reopen(ownerPage, `/mygroups/${group.id}`);
    await ownerPage
      .getByTestId('join-policy')
      .getByRole('radio', { name: /^Owner approval/ })
      .check();
    await ownerPage.getByRole('region', { name: 'Joining' }).getByRole('button', { name: 'Save' }).click();
    await expect(ownerPage.getByText('Membership requests: Owner approval.')).toBeVisible();
    await shot(ownerPage, 'owner-joining-owner-approval');
  });

  await test.step('6b. A member: My Groups → Discover → Request to join, with a reason', async () => {
    const page = await signIn('/mygroups', member);
    const self = new SelfServicePortal(page);
    await self.groupsTab('Discover');
    await page.getByRole('searchbox', { name: 'Search groups' }).fill(groupName);
    const row = self.row('discover-groups-table', groupName);
    await row.getByRole('button', { name: `Request to join ${groupName}` }).click();
    const dialog = page.getByRole('dialog', { name: `Request to join ${groupName}` });
    await dialog.getByTestId('join-reason').fill('I file the partner expenses');
    await dialog.getByRole('button', { name: 'Send request' }).click();
    await expect(page.getByText(`Your request to join ${groupName} was sent to its owners.`)).toBeVisible();
    await expect(row).toContainText('Request pending');
    await shot(page, 'member-request-to-join');
  });

  await test.step('6c. The owner approves in My Groups → Approvals; the member has the app', async () => {
    await reopen(ownerPage, '/myapps');
    const self = new SelfServicePortal(ownerPage);
    await self.approvals.getByRole('link', { name: /Requests to join your groups \(1\)/ }).click();
    const row = self.row('join-approvals-table', member.displayName);
    await expect(row).toContainText('I file the partner expenses');
    await shot(ownerPage, 'owner-join-approvals');
    await row.getByRole('button', { name: `Approve the request of ${member.displayName} to join ${groupName}` }).click();
    await self.decide('Approve', member.displayName);
    await expect(ownerPage.getByText('No request waits for your decision')).toBeVisible();
    const page = await signIn('/myapps', member);
    await expect(appTile(page, appName)).toBeVisible();
    await shot(page, 'member-has-the-app');
  });

  await test.step('7a. Another member: My Apps → Request new apps → the app → Request with a justification', async () => {
    const page = await signIn('/myapps', requester);
    const self = new SelfServicePortal(page);
    await self.requestApp(appName, 'I approve partner expenses');
    await expect(page.getByText(`Your request was sent to the approvers of ${appName}.`)).toBeVisible();
    await expect(page.getByRole('region', { name: appName, exact: true })).toContainText('Request pending');
    await shot(page, 'requester-request-new-apps');
  });

  await test.step('7b. The approver: the badge in My Apps → Manage your application → Requests → Approve', async () => {
    await reopen(ownerPage, '/myapps');
    const self = new SelfServicePortal(ownerPage);
    await expect(self.approvals.getByTestId('pending-approvals-count')).toHaveText('1');
    await self.approvals.getByRole('link', { name: `${appName} (1)` }).click();
    const row = self.row('app-requests-table', requester.displayName);
    await expect(row).toContainText('I approve partner expenses');
    await shot(ownerPage, 'approver-requests');
    await row.getByRole('button', { name: `Approve the request of ${requester.displayName}` }).click();
    await self.decide('Approve', requester.displayName, 'Welcome aboard');
    await expect(ownerPage.getByText('No request waits for a decision')).toBeVisible();
  });

  await test.step('7c. The requester: the app is in My Apps and signs them in', async () => {
    const page = await signIn('/myapps', requester);
    const tile = appTile(page, appName);
    await expect(tile).toBeVisible();
    await shot(page, 'requester-has-the-app');
    await tile.click();
    await expect(page.getByTestId('signed-in-as')).toHaveText(
      `Signed in as ${requester.displayName} (${requester.userPrincipalName})`,
      { timeout: 20_000 },
    );
  });

  await test.step('8. A guest cannot be added to a dynamic group', async () => {
    // An Assigned group of the owner's that an administrator turns into a dynamic one (all guests)
    // while the owner's Add members dialog is open: the server refuses with the seed's sentence.
    const reviewers = await createGroup('Expenses reviewers', { owners: [owner.id] });
    await reopen(ownerPage, `/mygroups/${reviewers.id}`);
    await expect(ownerPage.getByRole('heading', { level: 1, name: reviewers.displayName })).toBeVisible();
    const dialog = await portal.startGuestInvitation(externalAddress('Ivan'));
    await makeDynamic(reviewers.id, 'user.userType -eq "Guest"');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog.getByTestId('error-notice')).toHaveText(DYNAMIC_REFUSAL);
    await shot(ownerPage, 'dynamic-group-refused', { dialog: true });
    // Reopened, the page says the same before anyone types an address: there is no + any more.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await reopen(ownerPage, `/mygroups/${reviewers.id}`);
    await expect(ownerPage.getByTestId('membership-rule')).toHaveText('user.userType -eq "Guest"');
    await expect(ownerPage.getByTestId('closed-membership')).toContainText(DYNAMIC_REFUSAL);
    await expect(ownerPage.getByTestId('add-members')).toHaveCount(0);
    await shot(ownerPage, 'dynamic-group-page');
  });

  await test.step('9. An owner without Guest Inviter is refused up front', async () => {
    await call('POST', `/groups/${group.id}/owners/$ref`, {
      '@odata.id': `${e2e.baseUrl}/v1.0/directoryObjects/${coOwner.id}`,
    });
    const page = await signIn(`/mygroups/${group.id}`, coOwner);
    await expect(page.getByRole('heading', { level: 1, name: groupName })).toBeVisible();
    const portal = new Portal(page);
    const dialog = await portal.openAddMembers();
    // Told before typing anything: no guests from her, why, and whom to ask.
    const notice = portal.addMembersNotice(dialog);
    await expect(notice).toContainText('You can add people from your organization, but not invite guests');
    await expect(notice).toContainText('Only users with the Guest Inviter role can invite guests');
    const helpers = notice.getByRole('list', { name: 'People who can help' });
    await expect(helpers).toContainText('(Guest Inviter)');
    await expect(helpers).not.toContainText(coOwner.displayName);
    // An address typed anyway is not offered as an invitation; nothing is sent, nobody created.
    const address = externalAddress('Hank');
    await dialog.getByTestId('people-search').fill(address);
    await expect(
      dialog.getByText(`No one in your organization matches “${address}”, and you can't invite guests here.`),
    ).toBeVisible();
    await expect(dialog.getByTestId('invite-guest-option')).toHaveCount(0);
    await shot(page, 'owner-without-guest-inviter-refused', { dialog: true });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    expect(await usersWithMail(address)).toEqual([]);
  });

  // docs/walkthrough.md shows every picture taken here, in this order, and no other.
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'walkthrough.md'), 'utf8');
  const shown = [...doc.matchAll(/\]\(walkthrough\/([^)]+\.png)\)/g)].map((m) => m[1]);
  expect(shown).toEqual(taken);
});
