/**
 * Seeding through Portico's public API with the automation client that the global setup registered:
 * tests create the people and groups they need with unique names, so they do not depend on each other.
 */
import { e2e, unique } from './env.js';

export interface SeededUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  password: string;
}

export interface SeededGroup {
  id: string;
  displayName: string;
}

let cached: { token: string; until: number } | undefined;

async function token(): Promise<string> {
  if (cached && cached.until > Date.now()) return cached.token;
  const { id, secret, tokenEndpoint } = e2e.client;
  const res = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret, scope: '.default' }),
  });
  if (!res.ok) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string; expires_in: number };
  cached = { token: body.access_token, until: Date.now() + (body.expires_in - 60) * 1000 };
  return body.access_token;
}

export async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${e2e.baseUrl}/v1.0${path}`, {
    method,
    headers: { authorization: `Bearer ${await token()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const ref = (id: string) => ({ '@odata.id': `${e2e.baseUrl}/v1.0/directoryObjects/${id}` });

/** A member user with a password; `name` is made unique ("Alice Owner 3kf9a"). */
export async function createUser(name: string): Promise<SeededUser> {
  const suffix = unique();
  const alias = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${suffix}`;
  const displayName = `${name} ${suffix}`;
  const password = `E2e-${suffix}-Passw0rd!`;
  const user = await call<{ id: string; userPrincipalName: string }>('POST', '/users', {
    accountEnabled: true,
    displayName,
    mailNickname: alias.replace(/\./g, ''),
    userPrincipalName: `${alias}@${e2e.domain}`,
    passwordProfile: { forceChangePasswordNextSignIn: false, password },
  });
  return { id: user.id, displayName, userPrincipalName: user.userPrincipalName, password };
}

/** An Assigned security group, optionally with owners and members. */
export async function createGroup(name: string, opts: { owners?: string[]; members?: string[] } = {}): Promise<SeededGroup> {
  const displayName = `${name} ${unique()}`;
  const group = await call<{ id: string }>('POST', '/groups', {
    displayName,
    description: `${name}: created by the e2e suite`,
    mailEnabled: false,
    mailNickname: displayName.toLowerCase().replace(/[^a-z0-9]+/g, ''),
    securityEnabled: true,
    groupTypes: [],
  });
  for (const o of opts.owners ?? []) await call('POST', `/groups/${group.id}/owners/$ref`, ref(o));
  for (const m of opts.members ?? []) await call('POST', `/groups/${group.id}/members/$ref`, ref(m));
  return { id: group.id, displayName };
}

export async function adminId(): Promise<string> {
  const u = await call<{ id: string }>('GET', `/users/${encodeURIComponent(e2e.admin.upn)}`);
  return u.id;
}

export async function setGroupPolicy(values: Record<string, boolean>): Promise<void> {
  await call('PATCH', '/policies/groupManagementPolicy', values);
}
