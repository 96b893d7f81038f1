/**
 * What the global setup tells the tests (through environment variables, which Playwright passes
 * from the global setup to its workers).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');

export const ENV = {
  baseUrl: 'PORTICO_E2E_BASE_URL',
  adminUpn: 'PORTICO_E2E_ADMIN_UPN',
  adminPassword: 'PORTICO_E2E_ADMIN_PASSWORD',
  clientId: 'PORTICO_E2E_CLIENT_ID',
  clientSecret: 'PORTICO_E2E_CLIENT_SECRET',
  tokenEndpoint: 'PORTICO_E2E_TOKEN_ENDPOINT',
  domain: 'PORTICO_E2E_DOMAIN',
} as const;

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e suite through e2e/playwright.config.ts (its global setup sets it).`);
  return v;
}

export const e2e = {
  get baseUrl() {
    return need(ENV.baseUrl);
  },
  get admin() {
    return { upn: need(ENV.adminUpn), password: need(ENV.adminPassword), displayName: 'Ada Admin' };
  },
  get domain() {
    return need(ENV.domain);
  },
  get client() {
    return { id: need(ENV.clientId), secret: need(ENV.clientSecret), tokenEndpoint: need(ENV.tokenEndpoint) };
  },
};

/** A short suffix that keeps names unique across tests and runs. */
export const unique = (): string => `${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`;
