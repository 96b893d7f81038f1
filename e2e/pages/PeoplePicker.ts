import { expect, type Locator, type Page } from '@playwright/test';

/** The people-search dialog used by Add owners, Add members, Add assignments and the audit filters. */
export class PeoplePicker {
  readonly dialog: Locator;

  constructor(
    readonly page: Page,
    title: string,
  ) {
    this.dialog = page.getByRole('dialog', { name: title });
  }

  async pick(search: string, displayName: string, submit: string): Promise<void> {
    await expect(this.dialog).toBeVisible();
    await this.dialog.getByTestId('people-search').fill(search);
    const box = this.dialog.getByRole('checkbox', { name: displayName });
    await box.check();
    await expect(box).toBeChecked();
    await this.dialog.getByRole('button', { name: submit, exact: true }).click();
    await expect(this.dialog).toBeHidden();
  }
}
