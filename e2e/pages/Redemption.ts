import { expect, type Page } from '@playwright/test';

/**
 * Portico's server-rendered invitation redemption (the guest's side): Send code → Enter code →
 * Sign in → Review permissions → Accept. The mailbox is proven before anything about the invitation
 * (who invited, the welcome message) is shown. A guest is never signed in before, so these pages are
 * plain HTML forms.
 */
export class RedemptionPages {
  constructor(readonly page: Page) {}

  heading(name: string) {
    return this.page.getByRole('heading', { level: 1, name, exact: true });
  }

  async openLink(redeemUrl: string): Promise<void> {
    await this.page.goto(redeemUrl);
    await expect(this.heading('Send code')).toBeVisible();
  }

  async sendCode(): Promise<void> {
    await this.page.getByRole('button', { name: 'Send code', exact: true }).click();
    await expect(this.heading('Enter code')).toBeVisible();
  }

  /** Enters the code; a pending invitation then asks for consent (Review permissions). */
  async enterCode(code: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Code' }).fill(code);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  async accept(): Promise<void> {
    await expect(this.heading('Review permissions')).toBeVisible();
    await this.page.getByRole('button', { name: 'Accept', exact: true }).click();
  }
}
