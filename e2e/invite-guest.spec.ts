/**
 * The seed's main flow, literally: a group owner who holds Guest Inviter adds someone from outside
 * the organization to an Assigned group by e-mail address with a welcome message (My Apps → Groups →
 * Groups I own → the group → + → Add); the invitation e-mail (development mailbox) carries the
 * message; the guest, in a browser of their own, opens the link, proves the address with a one-time
 * passcode, then sees who invited them (with the message), accepts and lands signed in; the administrator sees the guest as Accepted and the audit
 * trail. Then the refusals the owner can meet in the same dialog.
 */
import type { Browser, Page } from '@playwright/test';
import { expect, shot, test } from './fixtures.js';
import { AuditPage, DevMailboxPage, GuestsPage } from './pages/AdminCenter.js';
import { Portal } from './pages/Portal.js';
import { RedemptionPages } from './pages/Redemption.js';
import { SignInPage } from './pages/SignInPage.js';
import {
  assignRole,
  createGroup,
  createUser,
  externalAddress,
  makeDynamic,
  ROLES,
  removeRole,
  type SeededGroup,
  type SeededUser,
  setAllowInvitesFrom,
  setGroupPolicy,
  usersWithMail,
} from './support/api.js';
import { e2e } from './support/env.js';

const ORGANIZATION = 'Contoso'; // PORTICO_TENANT_NAME of the global setup
const WELCOME = 'Hi Gina, welcome to the partner portal!\nYour first task is in the Partner App.';

/** Self-service on, invitations as in Entra's default, and an owner (optionally Guest Inviter) of an Assigned group. */
async function ownerWithGroup(name: string, guestInviter: boolean): Promise<{ owner: SeededUser; group: SeededGroup }> {
  await setGroupPolicy({ selfServiceGroupManagementEnabled: true });
  await setAllowInvitesFrom('adminsAndGuestInviters');
  const owner = await createUser(name);
  if (guestInviter) await assignRole(owner.id, ROLES.guestInviter);
  const group = await createGroup('Partner App', { owners: [owner.id] });
  return { owner, group };
}

/** A browser context of its own, not signed in: someone outside the organization. */
async function stranger(browser: Browser): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL: e2e.baseUrl, viewport: { width: 1280, height: 800 } });
  return { page: await context.newPage(), close: () => context.close() };
}

test('an owner invites a guest from My Groups; the guest accepts with a one-time passcode', async ({ signIn, browser }) => {
  // Invitation, redemption with a passcode and the audit trail: over a minute on a busy machine.
  test.setTimeout(180_000);
  const { owner, group } = await ownerWithGroup('Olivia Owner', true);
  const address = externalAddress('Gina');
  const guestName = address.split('@')[0] ?? address; // Portico names an invited guest after the address

  await test.step('the owner: My Apps → Groups → Groups I own → the group → + → e-mail and welcome message → Add', async () => {
    const page = await signIn('/myapps', owner);
    const portal = new Portal(page);
    await portal.openGroupsFromMyApps();
    await portal.openOwnedGroup(group.displayName);
    const dialog = await portal.startGuestInvitation(address, WELCOME);
    await shot(page, 'portal-invite-guest');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog).toBeHidden();
    const row = portal.member(address);
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('invitation-pending')).toHaveText('Invitation pending');
    await expect(row).toContainText(guestName);
  });

  const admin = await signIn('/admin');
  const mailbox = new DevMailboxPage(admin);
  let redeemUrl = '';
  await test.step('the administrator finds the invitation e-mail, with the welcome message, in the development mailbox', async () => {
    await mailbox.goToDevMailbox();
    await expect(admin.getByTestId('dev-mailbox-banner')).toBeVisible();
    await mailbox.open(address, `${owner.displayName} invited you to access applications within ${ORGANIZATION}`);
    await expect(mailbox.message).toContainText(address);
    // The welcome message arrives as text, line breaks included.
    await expect(mailbox.text).toContainText('Hi Gina, welcome to the partner portal!');
    await expect(mailbox.text).toContainText('Your first task is in the Partner App.');
    redeemUrl = await mailbox.link('/redeem/');
    expect(redeemUrl.startsWith(`${e2e.baseUrl}/redeem/`)).toBe(true);
  });

  const guest = await stranger(browser);
  try {
    const redemption = new RedemptionPages(guest.page);
    await test.step('the guest (another browser, not signed in) opens the link: Send code', async () => {
      await redemption.openLink(redeemUrl);
      // Nothing about the invitation before the mailbox is proven.
      await expect(guest.page.locator('blockquote')).toHaveCount(0);
      await expect(guest.page.getByText(`${owner.displayName}`, { exact: false })).toHaveCount(0);
      await redemption.sendCode();
      await expect(guest.page.getByRole('textbox', { name: 'Code' })).toBeVisible();
      await shot(guest.page, 'redeem-code');
    });

    let code = '';
    await test.step('the passcode e-mail arrives in the development mailbox', async () => {
      await mailbox.backToList();
      await mailbox.open(address, `Your ${ORGANIZATION} verification code`);
      const text = (await mailbox.text.textContent()) ?? '';
      code = /\b(\d{8})\b/.exec(text)?.[1] ?? '';
      expect(code, `an 8-digit code in:\n${text}`).toMatch(/^\d{8}$/);
    });

    await test.step('the guest enters the code, reviews who invited them and the message, accepts and lands in My Apps', async () => {
      await redemption.enterCode(code);
      await expect(redemption.heading('Review permissions')).toBeVisible();
      await expect(guest.page.getByText(`${owner.displayName}`, { exact: false }).first()).toBeVisible();
      await expect(guest.page.locator('blockquote')).toHaveText(WELCOME);
      await expect(guest.page.getByText(`invited you to access applications within ${ORGANIZATION}`)).toBeVisible();
      await shot(guest.page, 'redeem-consent');
      await redemption.accept();
      await guest.page.waitForURL((u) => u.pathname === '/myapps');
      await expect(new SignInPage(guest.page).userMenu).toBeVisible({ timeout: 20_000 });
      await expect(guest.page.getByRole('heading', { level: 1, name: 'My Apps' })).toBeVisible();
      await expect(guest.page.getByText(`Signed in as ${guestName}`)).toBeVisible();
    });
  } finally {
    await guest.close();
  }

  const [invited] = await usersWithMail(address);
  expect(invited).toMatchObject({ userType: 'Guest', externalUserState: 'Accepted' });

  await test.step('Users → Guests shows the guest as Accepted', async () => {
    const guests = new GuestsPage(admin);
    await guests.go('Guests');
    await expect(guests.heading('Guests')).toBeVisible();
    const row = await guests.find(address);
    await expect(row.getByTestId('invitation-state')).toHaveText('Accepted');
    await expect(row.getByRole('button', { name: `Resend invitation to ${guestName}` })).toHaveCount(0);
    await shot(admin, 'admin-guests');
  });

  await test.step('Audit logs: invited, added to the group, redeemed', async () => {
    const audit = new AuditPage(admin);
    await audit.go('Audit logs');
    await expect(audit.heading('Audit logs')).toBeVisible();
    await audit.filterByTarget(invited?.id ?? '');
    const invitedRow = audit.rows('Invite external user', guestName);
    await expect(invitedRow).toHaveCount(1);
    await expect(invitedRow).toContainText(owner.displayName);
    const added = audit.rows('Add member to group', group.displayName);
    await expect(added).toHaveCount(1);
    await expect(added).toContainText(owner.displayName);
    await expect(audit.rows('Redeem external user invite', guestName)).toHaveCount(1);
  });
});

test.describe('refusals in the Add members dialog', () => {
  test('an owner without Guest Inviter is told up front, before typing, and offered no invitation', async ({ signIn }) => {
    const { owner, group } = await ownerWithGroup('Nora Owner', false);
    const address = externalAddress('Hank');
    const page = await signIn(`/mygroups/${group.id}`, owner);
    await expect(page.getByRole('heading', { level: 1, name: group.displayName })).toBeVisible();
    const portal = new Portal(page);
    const dialog = await portal.openAddMembers();
    const notice = portal.addMembersNotice(dialog);
    await expect(notice).toContainText('Only users with the Guest Inviter role can invite guests');
    await expect(notice.getByRole('list', { name: 'People who can help' })).not.toBeEmpty();
    await dialog.getByTestId('people-search').fill(address);
    await expect(dialog.getByText(/you can't invite guests here/)).toBeVisible();
    await expect(dialog.getByTestId('invite-guest-option')).toHaveCount(0);
    expect(await usersWithMail(address)).toEqual([]);
  });

  test('Guest Inviter removed while the dialog was open: Add is refused inside the dialog, which keeps the choice', async ({
    signIn,
  }) => {
    const { owner, group } = await ownerWithGroup('Nadia Owner', true);
    const address = externalAddress('Hugo');
    const page = await signIn(`/mygroups/${group.id}`, owner);
    await expect(page.getByRole('heading', { level: 1, name: group.displayName })).toBeVisible();
    const portal = new Portal(page);
    const dialog = await portal.startGuestInvitation(address, 'Welcome!');
    await expect(portal.addMembersNotice(dialog)).toHaveCount(0);
    await removeRole(owner.id, ROLES.guestInviter);
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog.getByTestId('error-notice')).toContainText('Only users with the Guest Inviter role can invite guests');
    await expect(dialog.getByTestId('selected-invitee')).toContainText(address);
    await expect(dialog.getByTestId('error-notice')).not.toContainText('{');
    expect(await usersWithMail(address)).toEqual([]);
  });

  test('a guest cannot be added to a dynamic group (the group became dynamic while the dialog was open)', async ({ signIn }) => {
    // Owners see no + on a dynamic group, so the server's refusal is met when the group changes
    // under an open dialog: an administrator turns it into a dynamic group in the meantime.
    const { owner, group } = await ownerWithGroup('Dora Owner', true);
    const address = externalAddress('Ivan');
    const page = await signIn(`/mygroups/${group.id}`, owner);
    await expect(page.getByRole('heading', { level: 1, name: group.displayName })).toBeVisible();
    const dialog = await new Portal(page).startGuestInvitation(address);
    await makeDynamic(group.id, 'user.department -eq "Partners"');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog.getByTestId('error-notice')).toHaveText(
      'You cannot add guest users to a dynamic group or to a group that is synced with on-premises Active Directory.',
    );
    expect(await usersWithMail(address)).toEqual([]);

    // Reopened, the group page says why there is no + any more.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.reload();
    await expect(page.getByText('Membership of this group is decided by a rule')).toBeVisible();
    await expect(page.getByTestId('add-members')).toHaveCount(0);
  });
});
