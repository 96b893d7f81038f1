import { expect, type Page } from '@playwright/test';

/** Portico's own sign-in pages (server-rendered): user name, then password. */
export class SignInPage {
  constructor(readonly page: Page) {}

  get loginBox() {
    return this.page.getByRole('textbox', { name: 'Email or user name' });
  }

  /** The SPA's account menu: present once the SPA has its tokens. */
  get userMenu() {
    return this.page.getByTestId('user-menu');
  }

  /**
   * Opens `path` (a page of the SPA) and waits until the SPA is signed in there: silently when the
   * browser has a sign-in session, otherwise through the sign-in form (with `login`/`password`).
   * Returns whether the form was used.
   */
  async open(path: string, login: string, password: string): Promise<boolean> {
    await this.page.goto(path);
    await expect(this.userMenu.or(this.loginBox)).toBeVisible({ timeout: 20_000 });
    const usedForm = await this.loginBox.isVisible();
    if (usedForm) await this.fill(login, password);
    const target = path.split('?')[0] ?? path;
    await this.page.waitForURL((u) => u.pathname === target);
    await expect(this.userMenu).toBeVisible({ timeout: 20_000 });
    return usedForm;
  }

  private async fill(login: string, password: string): Promise<void> {
    await this.loginBox.fill(login);
    const passwordBox = this.page.getByLabel('Password', { exact: true });
    // Step 1 asks only for the user name ("Next"); step 2 adds the password.
    if (!(await passwordBox.isVisible())) {
      await this.page.getByRole('button', { name: 'Next' }).click();
      await expect(passwordBox).toBeVisible();
    }
    await passwordBox.fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }
}
