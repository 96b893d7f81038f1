/**
 * Self-service requests end to end (the seed's "configure the app for self-service" and "allow anyone
 * to request membership but require a group owner's approval"): an administrator sets up an app's
 * self-service access with approval and creates its group from the Self-service blade (it appears
 * under Users and groups at once); Rita requests the app in My Apps → Request new apps; Olive, the
 * approver, sees the badge, approves in Manage your application → Requests, and Rita's tile appears.
 * Then Owen makes his group "Owner approval"; Rita asks to join from My Groups → Discover; Owen
 * approves under Approvals and Rita is a member. The approver's notification is in the dev mailbox.
 */
import { expect, shot, test } from './fixtures.js';
import { ApplicationsPages, DevMailboxPage } from './pages/AdminCenter.js';
import { SelfServicePortal } from './pages/SelfService.js';
import { call, createGroup, createUser, setGroupPolicy, setMail } from './support/api.js';
import { unique } from './support/env.js';

test('request new apps with approval, and request to join a group with approval', async ({ signIn }) => {
  test.setTimeout(180_000);
  const approver = await createUser('Olive Approver');
  const requester = await createUser('Rita Requester');
  const owner = await createUser('Owen Owner');
  for (const u of [approver, requester, owner]) await setMail(u.id, u.userPrincipalName);
  await setGroupPolicy({ selfServiceGroupManagementEnabled: true });
  const appName = `Partner wiki ${unique()}`;
  const app = await call<{ id: string }>('POST', '/servicePrincipals', {
    displayName: appName,
    description: 'Specifications shared with partners',
    homepage: 'https://wiki.partner.example/',
  });
  const groupName = `${appName} users`;
  const team = await createGroup('Design reviewers', { owners: [owner.id] });

  await test.step('admin: self-service with approval, a new group created and assigned from the blade', async () => {
    const admin = await signIn(`/admin/applications/${app.id}`);
    const apps = new ApplicationsPages(admin);
    await apps.setUpSelfService({
      approverSearch: approver.displayName.split(' ')[0] ?? 'Olive',
      approver: approver.displayName,
      groupName,
    });
    await expect(admin.getByText(/arrive in a later version/)).toHaveCount(0);
    await shot(admin, 'admin-self-service');
    await apps.tab('Users and groups');
    await expect(apps.assignments.getByRole('row').filter({ hasText: groupName })).toBeVisible();
  });

  await test.step('requester: My Apps → Request new apps → Request with a justification', async () => {
    const page = await signIn('/myapps', requester);
    const portal = new SelfServicePortal(page);
    await portal.requestApp(appName, 'I review the partner specifications');
    await expect(page.getByText(`Your request was sent to the approvers of ${appName}.`)).toBeVisible();
    await expect(portal.row('my-app-requests-table', appName).getByTestId('request-status')).toHaveText('Pending');
    await expect(page.getByRole('region', { name: appName, exact: true })).toContainText('Request pending');
    await shot(page, 'portal-request-new-apps');
  });

  await test.step('approver: the badge in My Apps, then Manage your application → Requests → Approve', async () => {
    const page = await signIn('/myapps', approver);
    const portal = new SelfServicePortal(page);
    await expect(portal.approvals.getByTestId('pending-approvals-count')).toHaveText('1');
    await shot(page, 'portal-my-apps-approvals');
    await portal.approvals.getByRole('link', { name: `${appName} (1)` }).click();
    await expect(page.getByRole('tab', { name: /Requests/ })).toHaveAttribute('aria-selected', 'true');
    const row = portal.row('app-requests-table', requester.displayName);
    await expect(row).toContainText('I review the partner specifications');
    await shot(page, 'portal-app-requests');
    await row.getByRole('button', { name: `Approve the request of ${requester.displayName}` }).click();
    await portal.decide('Approve', requester.displayName, 'Welcome aboard');
    await expect(page.getByText('No request waits for a decision')).toBeVisible();
  });

  await test.step('requester: the app is in My Apps', async () => {
    const page = await signIn('/myapps', requester);
    await expect(page.getByTestId('app-tile').and(page.getByRole('link', { name: appName, exact: true }))).toBeVisible();
  });

  await test.step('admin: the approver was told by e-mail', async () => {
    const admin = await signIn('/admin/dev-mailbox');
    await new DevMailboxPage(admin).open(approver.userPrincipalName, `${requester.displayName} requests access to ${appName}`);
  });

  await test.step('owner: the group takes requests that an owner approves', async () => {
    const page = await signIn(`/mygroups/${team.id}`, owner);
    await page
      .getByTestId('join-policy')
      .getByRole('radio', { name: /^Owner approval/ })
      .check();
    await page.getByRole('region', { name: 'Joining' }).getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Membership requests: Owner approval.')).toBeVisible();
  });

  await test.step('requester: My Groups → Discover → Request to join, with a reason', async () => {
    const page = await signIn('/mygroups', requester);
    const portal = new SelfServicePortal(page);
    await portal.groupsTab('Discover');
    await page.getByRole('searchbox', { name: 'Search groups' }).fill(team.displayName);
    const row = portal.row('discover-groups-table', team.displayName);
    await row.getByRole('button', { name: `Request to join ${team.displayName}` }).click();
    const dialog = page.getByRole('dialog', { name: `Request to join ${team.displayName}` });
    await dialog.getByTestId('join-reason').fill('I review the partner designs');
    await dialog.getByRole('button', { name: 'Send request' }).click();
    await expect(page.getByText(`Your request to join ${team.displayName} was sent to its owners.`)).toBeVisible();
    await expect(row).toContainText('Request pending');
    await shot(page, 'portal-group-discover');
  });

  await test.step('owner: My Groups → Approvals → Approve; the requester is a member', async () => {
    const page = await signIn('/myapps', owner);
    const portal = new SelfServicePortal(page);
    await portal.approvals.getByRole('link', { name: /Requests to join your groups \(1\)/ }).click();
    const row = portal.row('join-approvals-table', requester.displayName);
    await expect(row).toContainText('I review the partner designs');
    await shot(page, 'portal-group-approvals');
    await row
      .getByRole('button', { name: `Approve the request of ${requester.displayName} to join ${team.displayName}` })
      .click();
    await portal.decide('Approve', requester.displayName);
    await expect(page.getByText('No request waits for your decision')).toBeVisible();
    await page.goto(`/mygroups/${team.id}`);
    await expect(page.getByTestId('members-table').getByRole('cell', { name: requester.displayName, exact: true })).toBeVisible();
  });
});
