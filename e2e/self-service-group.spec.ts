/**
 * The seed's "Prerequisites", end to end in the browser: an administrator creates a group with the
 * seed's fields, makes Alice its owner, turns on self-service group management and gives Alice Guest
 * Inviter; Alice, in her own browser context, finds the group under Groups I own and adds a member
 * with the +; the administrator sees all of it in the audit logs.
 */
import { expect, shot, test } from './fixtures.js';
import { AdminCenter, AuditPage, GroupSettingsPage, GroupsPages, RolesPages, UsersPages } from './pages/AdminCenter.js';
import { Portal } from './pages/Portal.js';
import { createUser, setGroupPolicy } from './support/api.js';
import { unique } from './support/env.js';

const SETTING = 'Owners can manage group membership requests in My Groups';

test('administrator prepares a self-service group; its owner adds a member in My Groups', async ({ signIn }) => {
  // Admin setup and two sign-ins: over a minute on a busy two-core machine.
  test.setTimeout(180_000);
  const alice = await createUser('Alice Owner');
  const carol = await createUser('Carol Colleague');
  // Start from the default (No), whatever ran before, so that the flip below is a change.
  await setGroupPolicy({ selfServiceGroupManagementEnabled: false });
  const groupName = `App Guests ${unique()}`;
  const description = 'People who use the partner app';

  const admin = await signIn('/admin/users');
  const center = new AdminCenter(admin);

  await test.step('users list', async () => {
    const users = new UsersPages(admin);
    await expect(center.heading('Users')).toBeVisible();
    await expect(users.table.getByRole('link', { name: alice.displayName })).toBeVisible();
    await shot(admin, 'admin-users');
  });

  const groups = new GroupsPages(admin);
  await test.step('new group with the seed fields', async () => {
    await center.go('All groups');
    await expect(center.heading('All groups')).toBeVisible();
    const form = await groups.create({ type: 'Security', name: groupName, description, membership: 'Assigned' });
    await shot(admin, 'admin-new-group');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(admin).toHaveURL(/\/admin\/groups$/);
    await expect(groups.table.getByRole('link', { name: groupName, exact: true })).toBeVisible();
  });

  await test.step('open the group and add Alice as owner', async () => {
    await groups.open(groupName);
    await expect(admin.getByText('Security', { exact: true }).first()).toBeVisible();
    await expect(admin.getByText('Assigned', { exact: true }).first()).toBeVisible();
    await groups.addOwner(alice.displayName.split(' ')[0] ?? 'Alice', alice.displayName);
    await shot(admin, 'admin-group-owners');
  });

  await test.step('Groups → Settings → General: owners manage membership requests → Yes → Save', async () => {
    await center.go('General');
    const settings = new GroupSettingsPage(admin);
    await expect(center.heading('Groups | General')).toBeVisible();
    const setting = settings.setting(SETTING);
    await expect(setting.getByRole('radio', { name: 'No' })).toBeChecked();
    await setting.getByRole('radio', { name: 'Yes' }).check();
    await expect(admin.getByRole('status').filter({ hasText: 'Unsaved changes' })).toBeVisible();
    await admin.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(admin.getByRole('dialog', { name: 'Save group settings' })).toContainText('Save 1 change');
    await center.confirm('Save');
    await expect(setting.getByRole('radio', { name: 'Yes' })).toBeChecked();
    await expect(admin.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
    await shot(admin, 'admin-group-settings');
    // It was stored: a reload shows Yes.
    await admin.reload();
    await expect(settings.setting(SETTING).getByRole('radio', { name: 'Yes' })).toBeChecked();
  });

  await test.step('Roles and administrators: Guest Inviter to Alice', async () => {
    await center.go('Roles and administrators');
    const roles = new RolesPages(admin);
    await expect(roles.table).toBeVisible();
    await roles.assign('Guest Inviter', 'alice', alice.displayName);
    await shot(admin, 'admin-role-guest-inviter');
  });

  await test.step('Alice signs in (second browser context) and sees the group under Groups I own', async () => {
    const page = await signIn('/myapps', alice);
    const portal = new Portal(page);
    await expect(page.getByText('No apps are assigned to you yet')).toBeVisible();
    await shot(page, 'portal-my-apps');
    await portal.openGroupsFromMyApps();
    await expect(portal.groupsIOwn.getByRole('link', { name: groupName, exact: true })).toBeVisible();
    // /mygroups is also a direct address.
    await page.goto('/mygroups');
    await expect(portal.groupsIOwn.getByRole('link', { name: groupName, exact: true })).toBeVisible();
    await shot(page, 'portal-my-groups');

    await portal.openOwnedGroup(groupName);
    await expect(page.getByText('You own this group')).toBeVisible();
    await portal.addMember(carol.displayName.split(' ')[0] ?? 'Carol', carol.displayName);
    await shot(page, 'portal-group');

    // Guest Inviter is not an administrator role: the admin center stays closed to Alice.
    await page.goto('/admin');
    await expect(page.getByTestId('not-admin')).toContainText('You need an administrator role');
  });

  await test.step('the administrator sees it all in the audit logs', async () => {
    await center.go('Audit logs');
    const audit = new AuditPage(admin);
    await expect(center.heading('Audit logs')).toBeVisible();
    await expect(audit.rows('Add group', groupName)).toHaveCount(1);
    await expect(audit.rows('Add owner to group', alice.displayName)).toHaveCount(1);
    await expect(audit.rows('Update group settings', 'Ada Admin').first()).toBeVisible();
    await expect(audit.rows('Add member to role', alice.displayName)).toHaveCount(1);
    const added = audit.rows('Add member to group', carol.displayName);
    await expect(added).toHaveCount(1);
    await expect(added).toContainText(alice.displayName); // initiated by Alice
    await shot(admin, 'admin-audit-logs');

    await audit.filterByActivity('Add member to group');
    await expect(audit.table.getByRole('row').filter({ hasText: 'Add owner to group' })).toHaveCount(0);
    await expect(audit.rows('Add member to group', carol.displayName)).toHaveCount(1);
  });
});
