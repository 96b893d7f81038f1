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

  async go(
    link:
      | 'All users'
      | 'Guests'
      | 'All groups'
      | 'General'
      | 'Roles and administrators'
      | 'Audit logs'
      | 'Organization'
      | 'All applications',
  ) {
    await this.nav.getByRole('link', { name: link, exact: true }).click();
  }

  /** The Development mailbox entry (its link also carries a description, so it is found by its test id). */
  async goToDevMailbox(): Promise<void> {
    await this.page.getByTestId('nav-dev-mailbox').click();
    await expect(this.heading('Development mailbox')).toBeVisible();
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

  /** Only the entries that concern the object `id` (a user, group or policy). */
  async filterByTarget(id: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Target object id' }).fill(id);
    await this.page.getByRole('button', { name: 'Apply' }).click();
  }

  async filterByActivity(activity: string): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Activity' }).fill(activity);
    await this.page.keyboard.press('Escape');
    await this.page.getByRole('button', { name: 'Apply' }).click();
  }
}

export class GuestsPage extends AdminCenter {
  readonly table = this.page.getByTestId('guests-table');

  /** The row of the guest with e-mail address `address` (after searching for it). */
  async find(address: string): Promise<Locator> {
    await this.page.getByRole('searchbox', { name: 'Search guests' }).fill(address);
    const row = this.table.getByRole('row').filter({ hasText: address });
    await expect(row).toHaveCount(1);
    return row;
  }
}

/**
 * Admin center → Development mailbox: the mail Portico would have sent (no SMTP in the e2e run).
 * Delivery is asynchronous (the outbox worker), so the list is refreshed until the message is there.
 */
export class DevMailboxPage extends AdminCenter {
  readonly table = this.page.getByTestId('dev-mailbox-table');
  readonly message = this.page.getByTestId('dev-message');
  readonly text = this.page.getByTestId('dev-message-text');

  /** Opens the newest message to `to` whose subject matches `subject`. */
  async open(to: string, subject: string | RegExp): Promise<void> {
    const link = this.table.getByRole('row').filter({ hasText: to }).getByRole('link', { name: subject }).first();
    await expect(async () => {
      await this.page.getByRole('button', { name: 'Refresh' }).click();
      await expect(link).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await link.click();
    await expect(this.message).toBeVisible();
  }

  /** The address of the first link in the open message whose address contains `part`. */
  async link(part: string): Promise<string> {
    const link = this.page.getByTestId('dev-message-link').filter({ hasText: part }).first();
    await expect(link).toBeVisible();
    const href = await link.getAttribute('href');
    if (!href) throw new Error(`the message has no link containing ${part}`);
    return href;
  }

  async backToList(): Promise<void> {
    await this.page.getByRole('link', { name: '‹ All messages' }).click();
    await expect(this.table.or(this.page.getByTestId('empty-state'))).toBeVisible();
  }
}

/**
 * Enterprise applications: All applications → New application → Create your own application, and an
 * application's blades (Properties, Users and groups, Single sign-on).
 */
export class ApplicationsPages extends AdminCenter {
  readonly table = this.page.getByTestId('applications-table');
  readonly assignments = this.page.getByTestId('app-assignments-table');

  /** Creates a custom app and waits for its Single sign-on blade; returns its object id (from the address). */
  async createYourOwn(name: string, integration: 'OIDC' | 'SAML'): Promise<string> {
    await this.page.getByRole('link', { name: 'New application' }).click();
    await expect(this.heading('Browse the application gallery')).toBeVisible();
    await this.page.getByRole('button', { name: 'Create your own application' }).click();
    const form = this.page.getByRole('form', { name: 'Create your own application' });
    await form.getByRole('textbox', { name: "What's the name of your app?" }).fill(name);
    await form.getByRole('radio', { name: `Integrate with ${integration}` }).check();
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await expect(this.heading(name)).toBeVisible();
    await expect(this.page).toHaveURL(/\/admin\/applications\/[^/]+\/sso$/);
    await expect(this.page.getByRole('tab', { name: 'Single sign-on' })).toHaveAttribute('aria-selected', 'true');
    const id = /\/admin\/applications\/([^/]+)\/sso$/.exec(new URL(this.page.url()).pathname)?.[1];
    if (!id) throw new Error(`no application id in ${this.page.url()}`);
    return id;
  }

  async tab(name: 'Overview' | 'Properties' | 'Owners' | 'Users and groups' | 'Single sign-on' | 'Self-service'): Promise<void> {
    await this.page.getByRole('tab', { name, exact: true }).click();
    await expect(this.page.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
  }

  /** The text of a copyable value of the Single sign-on blade (`client-id`, `saml-metadata-url`…). */
  async value(testId: string): Promise<string> {
    const field = this.page.getByTestId(testId);
    await expect(field).not.toBeEmpty();
    return (await field.textContent())?.trim() ?? '';
  }

  /** OIDC: the first redirect URI (and optionally the sign-on URL) → Save. */
  async setRedirectUri(uri: string, signOnUrl?: string): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Redirect URIs' });
    await form.getByRole('textbox', { name: 'Redirect URIs 1' }).fill(uri);
    if (signOnUrl) await form.getByRole('textbox', { name: 'Sign on URL' }).fill(signOnUrl);
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(this.page.getByText('Sign-in settings saved.')).toBeVisible();
  }

  /** OIDC: New client secret → Add → the value shown once. */
  async newClientSecret(description: string): Promise<string> {
    await this.page.getByRole('button', { name: 'New client secret' }).click();
    const form = this.page.getByRole('form', { name: 'Add a client secret' });
    await form.getByRole('textbox', { name: 'Description' }).fill(description);
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(this.page.getByTestId('new-secret')).toBeVisible();
    const secret = await this.value('secret-value');
    await this.page.getByTestId('secret-done').click();
    await expect(this.page.getByTestId('secrets-table').getByRole('cell', { name: description, exact: true })).toBeVisible();
    return secret;
  }

  /** SAML: Basic SAML Configuration (first identifier, first reply URL, sign on URL) → Save. */
  async setBasicSaml(v: { entityId: string; acsUrl: string; signOnUrl: string }): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Basic SAML Configuration' });
    await form.getByRole('textbox', { name: 'Identifier (Entity ID) 1' }).fill(v.entityId);
    await form.getByRole('textbox', { name: 'Reply URL (Assertion Consumer Service URL) 1' }).fill(v.acsUrl);
    await form.getByRole('textbox', { name: 'Sign on URL' }).fill(v.signOnUrl);
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(this.page.getByText('SAML configuration saved.')).toBeVisible();
  }

  /**
   * Properties → Assignment required? is already on (new applications require assignment), with
   * no "open to the whole organization" notice → Overview says Yes.
   */
  async expectAssignmentRequired(): Promise<void> {
    await this.tab('Properties');
    const form = this.page.getByRole('form', { name: 'Application properties' });
    await expect(form.getByRole('switch', { name: 'Assignment required?' })).toBeChecked();
    await expect(this.page.getByTestId('assignment-not-required')).toHaveCount(0);
    await this.tab('Overview');
    const property = this.page.getByText('Assignment required', { exact: true }).locator('..');
    await expect(property.locator('dd')).toHaveText('Yes');
  }

  /**
   * Self-service → allow requests, require approval, pick `approver`, Create a new group
   * `groupName` (owned by the approver, assigned at once) → Save.
   */
  async setUpSelfService(v: { approverSearch: string; approver: string; groupName: string }): Promise<void> {
    await this.tab('Self-service');
    const form = this.page.getByRole('form', { name: 'Self-service' });
    await form.getByRole('switch', { name: 'Allow users to request access to this application?' }).check();
    await form.getByRole('switch', { name: 'Require approval before granting access to this application?' }).check();
    await form.getByTestId('self-service-approvers').fill(v.approverSearch);
    const box = form.getByRole('checkbox', { name: v.approver });
    await box.check();
    await expect(box).toBeChecked();
    await form.getByTestId('new-self-service-group').click();
    await form.getByRole('textbox', { name: 'New group name' }).fill(v.groupName);
    await form.getByTestId('create-self-service-group').click();
    await expect(this.page.getByText(new RegExp(`${v.groupName} was created`))).toBeVisible();
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(this.page.getByText('Self-service settings saved.')).toBeVisible();
  }

  /** Users and groups → Add user/group → Groups → pick `group` → Assign. */
  async assignGroup(group: string): Promise<void> {
    await this.tab('Users and groups');
    await this.page.getByRole('button', { name: 'Add user/group' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Add Assignment' });
    await expect(dialog).toBeVisible();
    await dialog.getByText('Groups', { exact: true }).click();
    await dialog.getByTestId('group-search').fill(group);
    const box = dialog.getByRole('checkbox', { name: group });
    await box.check();
    await expect(box).toBeChecked();
    await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(this.assignments.getByRole('row').filter({ hasText: group })).toBeVisible();
  }
}
