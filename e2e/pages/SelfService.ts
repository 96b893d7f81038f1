import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The portal's self-service pages: My Apps → Request new apps, the Approvals card, Manage your
 * application → Requests, and My Groups' Discover and Approvals tabs.
 */
export class SelfServicePortal {
  constructor(readonly page: Page) {}

  /** My Apps → Request new apps → search `app` → Request → justification → Request. */
  async requestApp(app: string, justification: string): Promise<void> {
    await this.page.getByTestId('request-new-apps').click();
    await expect(this.page.getByRole('heading', { level: 1, name: 'Request new apps' })).toBeVisible();
    await this.page.getByRole('searchbox', { name: 'Search apps' }).fill(app);
    const card = this.page.getByRole('region', { name: app, exact: true });
    await card.getByTestId('request-app').click();
    const dialog = this.page.getByRole('dialog', { name: `Request access to ${app}` });
    await dialog.getByTestId('justification').fill(justification);
    await dialog.getByRole('button', { name: 'Request', exact: true }).click();
    await expect(dialog).toBeHidden();
  }

  /** The row of My requests (or of an approvals table) that names `text`. */
  row(table: string, text: string): Locator {
    return this.page.getByTestId(table).getByRole('row').filter({ hasText: text });
  }

  /** The Approvals card of My Apps and its badge. */
  get approvals(): Locator {
    return this.page.getByTestId('pending-approvals');
  }

  /** Approve (optional reason) or Deny / Reject (reason) in the decision dialog of `requester`. */
  async decide(kind: 'Approve' | 'Deny' | 'Reject', requester: string, reason?: string): Promise<void> {
    const dialog = this.page.getByRole('dialog', { name: `${kind} the request of ${requester}` });
    await expect(dialog).toBeVisible();
    if (reason !== undefined) await dialog.getByTestId('decision-reason').fill(reason);
    await dialog.getByRole('button', { name: kind, exact: true }).click();
    await expect(dialog).toBeHidden();
  }

  /** My Groups → a tab (Discover, My requests, Approvals). */
  async groupsTab(name: 'My groups' | 'Discover' | 'My requests' | 'Approvals'): Promise<void> {
    await this.page.getByRole('tab', { name }).click();
    await expect(this.page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
  }
}
