/**
 * axe-core on the main pages of the admin center and the portal: no serious or critical violation.
 * (Minor and moderate findings are printed, not failed.)
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { adminId, createGroup, createUser } from './support/api.js';

async function expectNoSeriousViolations(page: Page, what: string): Promise<void> {
  // The resting page: not the hover colours of the link that was just clicked.
  await page.mouse.move(0, 0);
  const result = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = result.violations.filter((v) => !serious.includes(v));
  if (minor.length) console.log(`axe ${what}: minor/moderate: ${minor.map((v) => `${v.id} (${v.nodes.length})`).join(', ')}`);
  const report = serious.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes
        .slice(0, 5)
        .map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`)
        .join('\n    ')}`,
  );
  expect(report, `serious or critical accessibility violations on ${what}`).toEqual([]);
}

test.describe('accessibility (axe-core)', () => {
  let group: { id: string; displayName: string };

  test.beforeAll(async () => {
    group = await createGroup('Axe Group', { owners: [await adminId()], members: [(await createUser('Axe Person')).id] });
  });

  test('admin center pages', async ({ signIn }) => {
    // Several pages, each scanned by axe: more than a minute on a busy two-core machine.
    test.setTimeout(180_000);
    const page = await signIn('/admin/users');
    await expect(page.getByTestId('users-table')).toBeVisible();
    await expectNoSeriousViolations(page, 'admin users list');

    await page.goto(`/admin/groups/${group.id}`);
    await expect(page.getByRole('heading', { level: 1, name: group.displayName })).toBeVisible();
    await expect(page.getByText('Object ID')).toBeVisible();
    await expectNoSeriousViolations(page, 'group detail');

    await page.getByRole('navigation', { name: 'Admin center' }).getByRole('link', { name: 'General' }).click();
    await expect(page.getByRole('radiogroup').first()).toBeVisible();
    await expectNoSeriousViolations(page, 'group settings');

    await page.getByRole('navigation', { name: 'Admin center' }).getByRole('link', { name: 'Roles and administrators' }).click();
    await expect(page.getByTestId('roles-table')).toBeVisible();
    await expectNoSeriousViolations(page, 'roles');

    await page.getByRole('navigation', { name: 'Admin center' }).getByRole('link', { name: 'Audit logs' }).click();
    await expect(page.getByTestId('audit-table')).toBeVisible();
    await expectNoSeriousViolations(page, 'audit logs');
  });

  test('portal pages', async ({ signIn }) => {
    const page = await signIn('/mygroups');
    await expect(page.getByTestId('groups-i-own').getByRole('link', { name: group.displayName })).toBeVisible();
    await expectNoSeriousViolations(page, 'portal groups');

    await page.getByTestId('groups-i-own').getByRole('link', { name: group.displayName }).click();
    await expect(page.getByTestId('members-table')).toBeVisible();
    await expectNoSeriousViolations(page, 'portal group page');

    await page.goto('/myapps/request');
    await expect(page.getByRole('heading', { level: 1, name: 'Request new apps' })).toBeVisible();
    await expect(page.getByTestId('my-app-requests-table').or(page.getByTestId('empty-state').first())).toBeVisible();
    await expectNoSeriousViolations(page, 'request new apps');
  });
});
