import { expect, type Page } from '@playwright/test';

/**
 * Portico's server-rendered invitation redemption (the guest's side): Review permissions → Accept →
 * Send code → Enter code → Sign in. A guest is never signed in before, so these pages are plain
 * HTML forms.
 */
export class RedemptionPages {
  constructor(readonly page: Page) {}

  heading(name: string) {
    return this.page.getByRole('heading', { level: 1, name, exact: true });
  }

  async openLink(redeemUrl: string): Promise<void> {
    await this.page.goto(redeemUrl);
    await expect(this.heading('Review permissions')).toBeVisible();
  }

  async accept(): Promise<void> {
    await this.page.getByRole('button', { name: 'Accept', exact: true }).click();
    await expect(this.heading('Send code')).toBeVisible();
  }

  async sendCode(): Promise<void> {
    await this.page.getByRole('button', { name: 'Send code', exact: true }).click();
    await expect(this.heading('Enter code')).toBeVisible();
  }

  async enterCode(code: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Code' }).fill(code);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }
}
