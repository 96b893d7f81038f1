/**
 * The suite's `test`: `baseURL` is the Portico the global setup started; `signIn` opens a fresh
 * browser context (its own cookies: a separate person) signed in at a given page; `shot` writes a
 * screenshot for the docs.
 */
import path from 'node:path';
import { type BrowserContext, test as base, type Page } from '@playwright/test';
import { SignInPage } from './pages/SignInPage.js';
import { e2e, SCREENSHOTS } from './support/env.js';

export interface Person {
  userPrincipalName: string;
  password: string;
}

interface Fixtures {
  /** Signs `who` (default: the administrator) in, in a new context, and returns the page at `path`. */
  signIn: (path: string, who?: Person) => Promise<Page>;
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/**
 * Sign-in sessions (the sign-in service's cookies) per person, kept for the worker: the first
 * `signIn` of a person goes through the sign-in page, later ones sign in silently, as a returning
 * browser does. (One worker: see the config.)
 */
const sessions = new Map<string, StorageState>();

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies as a destructuring pattern.
  baseURL: async ({}, use) => {
    await use(e2e.baseUrl);
  },
  signIn: async ({ browser, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (at, who) => {
      const person = who ?? { userPrincipalName: e2e.admin.upn, password: e2e.admin.password };
      const known = sessions.get(person.userPrincipalName);
      const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, storageState: known });
      contexts.push(context);
      const page = await context.newPage();
      const usedForm = await new SignInPage(page).open(at, person.userPrincipalName, person.password);
      if (usedForm) sessions.set(person.userPrincipalName, await context.storageState());
      return page;
    });
    for (const c of contexts) await c.close();
  },
});

/** Full-page screenshot for the docs, to docs/screenshots/<name>.png (1280 px wide). */
export async function shot(page: Page, name: string): Promise<void> {
  // The settled page: no focus ring or hover from the last click, no passing notification.
  // (Playwright waits for web fonts itself.)
  const focused = page.locator('*:focus');
  if (await focused.count()) await focused.first().blur();
  await page.mouse.move(0, 0);
  // Full-page shots start at the top; fixed headers otherwise appear where the page was scrolled to.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({
    path: path.join(SCREENSHOTS, `${name}.png`),
    fullPage: true,
    animations: 'disabled',
    style: '.mantine-Notifications-root { display: none !important; }',
  });
}

export { expect } from '@playwright/test';
