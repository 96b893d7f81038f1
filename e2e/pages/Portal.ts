import { expect, type Locator, type Page } from '@playwright/test';
import { PeoplePicker } from './PeoplePicker.js';

/** The portal: My Apps, My Groups and a group's page. */
export class Portal {
  readonly groupsIOwn: Locator;
  readonly groupsImIn: Locator;
  readonly members: Locator;

  constructor(readonly page: Page) {
    this.groupsIOwn = page.getByTestId('groups-i-own');
    this.groupsImIn = page.getByTestId('groups-im-in');
    this.members = page.getByTestId('members-table');
  }

  async openGroupsFromMyApps(): Promise<void> {
    await expect(this.page.getByRole('heading', { level: 1, name: 'My Apps' })).toBeVisible();
    await this.page.getByTestId('groups-tile').click();
    await expect(this.page).toHaveURL(/\/mygroups$/);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Groups' })).toBeVisible();
  }

  async openOwnedGroup(name: string): Promise<void> {
    await this.groupsIOwn.getByRole('link', { name, exact: true }).click();
    await expect(this.page.getByRole('heading', { level: 1, name })).toBeVisible();
  }

  /** The row of the members list that shows `text` (a name or an e-mail address). */
  member(text: string): Locator {
    return this.members.getByRole('row').filter({ hasText: text });
  }

  /** The **+** above the member list: the Add members dialog, open. */
  async openAddMembers(): Promise<Locator> {
    await this.page.getByTestId('add-members').click();
    const dialog = this.page.getByRole('dialog', { name: 'Add members' });
    await expect(dialog).toBeVisible();
    return dialog;
  }

  /** What Add members says before anyone types (who may not invite guests, and whom to ask). */
  addMembersNotice(dialog: Locator): Locator {
    return dialog.getByRole('status').filter({ hasText: /can't add members|not invite guests/ });
  }

  /**
   * The **+** → Add members → types `address` (not in the directory) → "Invite … as a guest" →
   * the welcome message. Leaves the dialog open, ready for **Add** (see `add`).
   */
  async startGuestInvitation(address: string, welcomeMessage?: string): Promise<Locator> {
    const dialog = await this.openAddMembers();
    await dialog.getByTestId('people-search').fill(address);
    const option = dialog.getByTestId('invite-guest-option');
    await expect(option).toHaveAccessibleName(`Invite ${address} as a guest`);
    await option.click();
    await expect(dialog.getByTestId('selected-invitee')).toContainText(address);
    if (welcomeMessage !== undefined) {
      await dialog.getByTestId('welcome-message').fill(welcomeMessage);
      await expect(dialog.getByTestId('welcome-message-count')).toContainText(`${welcomeMessage.length} /`);
    }
    return dialog;
  }

  /** The **+** above the member list, then Add members → search by name → Add. */
  async addMember(search: string, displayName: string): Promise<void> {
    await this.page.getByTestId('add-members').click();
    await new PeoplePicker(this.page, 'Add members').pick(search, displayName, 'Add');
    await expect(this.members.getByRole('cell', { name: displayName, exact: true })).toBeVisible();
  }
}
