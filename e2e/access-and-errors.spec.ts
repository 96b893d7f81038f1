/** Who may enter the admin center, and how API errors reach people. */
import { expect, shot, test } from './fixtures.js';
import { UsersPages } from './pages/AdminCenter.js';
import { createUser } from './support/api.js';

test('a user without an administrator role is kept out of the admin center', async ({ signIn }) => {
  const dana = await createUser('Dana Member');
  const page = await signIn('/admin/users', dana);
  const notAdmin = page.getByTestId('not-admin');
  await expect(notAdmin.getByRole('heading', { name: 'You need an administrator role' })).toBeVisible();
  await expect(page.getByTestId('users-table')).toHaveCount(0);
  await shot(page, 'admin-not-admin');
  // The way out leads to the portal, which works for her.
  await notAdmin.getByRole('link', { name: 'Go to My Apps' }).click();
  await expect(page).toHaveURL(/\/myapps$/);
  await expect(page.getByRole('heading', { level: 1, name: 'My Apps' })).toBeVisible();
  await expect(page.getByText(`Signed in as ${dana.displayName}`)).toBeVisible();
});

test('an API error is shown in plain words, not as raw JSON', async ({ signIn }) => {
  const existing = await createUser('Erin Existing');
  const alias = existing.userPrincipalName.split('@')[0] ?? '';
  const page = await signIn('/admin/users/new');
  const users = new UsersPages(page);
  await expect(users.heading('New user')).toBeVisible();
  await users.fillNew({ displayName: 'Erin Again', alias, password: 'Another-Passw0rd!' });
  const notice = page.getByTestId('error-notice');
  await expect(notice).toContainText('Another object with the same value for property userPrincipalName already exists.');
  await expect(notice).not.toContainText('{');
  await expect(notice).not.toContainText('"error"');
  // Still on the form, with the values kept, so the administrator can fix the name.
  await expect(page).toHaveURL(/\/admin\/users\/new$/);
  await expect(page.getByRole('textbox', { name: 'Display name' })).toHaveValue('Erin Again');
});
