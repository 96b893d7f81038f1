import { expect, type Locator, type Page } from '@playwright/test';
import { PeoplePicker } from './PeoplePicker.js';

/** The admin center's frame: left navigation, headings, notices. */
export class AdminCenter {
  readonly nav: Locator;

  constructor(readonly page: Page) {
    this.nav = page.getByRole('navigation', { name: 'Admin center' });
  }

  heading(name: string | RegExp): Locator {
    return this.page.getByRole('heading', { level: 1, name });
  }

  async go(link: 'All users' | 'All groups' | 'General' | 'Roles and administrators' | 'Audit logs' | 'Organization') {
    await this.nav.getByRole('link', { name: link, exact: true }).click();
  }

  /** Confirms the open confirmation dialog with its button `label`. */
  async confirm(label: string): Promise<void> {
    const dialog = this.page.getByRole('dialog');
    await dialog.getByRole('button', { name: label, exact: true }).click();
    await expect(dialog).toBeHidden();
  }
}

export class UsersPages extends AdminCenter {
  readonly table = this.page.getByTestId('users-table');

  async fillNew(v: { displayName: string; alias: string; password: string }): Promise<void> {
    const form = this.page.getByRole('form', { name: 'New user' });
    await form.getByRole('textbox', { name: 'Display name' }).fill(v.displayName);
    await form.getByRole('textbox', { name: 'User principal name' }).fill(v.alias);
    await form.getByLabel(/^Password/).fill(v.password);
    await form.getByRole('button', { name: 'Create' }).click();
  }
}

export class GroupsPages extends AdminCenter {
  readonly table = this.page.getByTestId('groups-table');

  async create(v: { type: 'Security' | 'Microsoft 365'; name: string; description: string; membership: 'Assigned' }) {
    await this.page.getByRole('link', { name: 'New group' }).click();
    await expect(this.heading('New group')).toBeVisible();
    const form = this.page.getByRole('form', { name: 'New group' });
    await this.choose(form, 'Group type', v.type);
    await form.getByRole('textbox', { name: 'Group name' }).fill(v.name);
    await form.getByRole('textbox', { name: 'Group description' }).fill(v.description);
    await this.choose(form, 'Membership type', v.membership);
    return form;
  }

  /** Mantine Select: open the list and pick the option. */
  private async choose(form: Locator, label: string, option: string): Promise<void> {
    const box = form.getByRole('combobox', { name: label });
    await box.click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
    await expect(box).toHaveValue(option);
  }

  async open(name: string): Promise<void> {
    await this.table.getByRole('link', { name, exact: true }).click();
    await expect(this.heading(name)).toBeVisible();
  }

  async tab(name: 'Overview' | 'Properties' | 'Members' | 'Owners'): Promise<void> {
    await this.page.getByRole('tab', { name }).click();
    await expect(this.page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
  }

  async addOwner(search: string, displayName: string): Promise<void> {
    await this.tab('Owners');
    await this.page.getByRole('button', { name: 'Add owners' }).click();
    await new PeoplePicker(this.page, 'Add owners').pick(search, displayName, 'Select');
    await expect(this.page.getByTestId('owners-table').getByRole('cell', { name: displayName, exact: true })).toBeVisible();
  }
}

export class GroupSettingsPage extends AdminCenter {
  setting(label: string): Locator {
    return this.page.getByRole('radiogroup', { name: label });
  }
}

export class RolesPages extends AdminCenter {
  readonly table = this.page.getByTestId('roles-table');

  async assign(role: string, search: string, displayName: string): Promise<void> {
    await this.table.getByRole('link', { name: role, exact: true }).click();
    await expect(this.heading(role)).toBeVisible();
    await this.page.getByRole('button', { name: 'Add assignments' }).click();
    await new PeoplePicker(this.page, 'Add assignments').pick(search, displayName, 'Add');
    await expect(this.page.getByTestId('assignments-table').getByText(displayName)).toBeVisible();
  }
}

export class AuditPage extends AdminCenter {
  readonly table = this.page.getByTestId('audit-table');

  /** Rows whose activity is `activity` and that mention `text` (a target or initiator name). */
  rows(activity: string, text: string): Locator {
    return this.table
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell', { name: activity, exact: true }) })
      .filter({ hasText: text });
  }

  async filterByActivity(activity: string): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Activity' }).fill(activity);
    await this.page.keyboard.press('Escape');
    await this.page.getByRole('button', { name: 'Apply' }).click();
  }
}
