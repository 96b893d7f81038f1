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

/** Directory role template ids (the same in Portico as in Entra ID). */
export const ROLES = {
  guestInviter: '95e79109-95c0-4d8e-aee3-d01accf2d47b',
} as const;

/** A directory-wide role assignment (e.g. Guest Inviter) for `principalId`. */
export async function assignRole(principalId: string, roleDefinitionId: string): Promise<void> {
  await call('POST', '/roleManagement/directory/roleAssignments', { principalId, roleDefinitionId, directoryScopeId: '/' });
}

/** Removes `principalId`'s directory-wide assignments of the role (e.g. takes Guest Inviter away again). */
export async function removeRole(principalId: string, roleDefinitionId: string): Promise<void> {
  const filter = `principalId eq '${principalId}' and roleDefinitionId eq '${roleDefinitionId}'`;
  const found = await call<{ value: { id: string }[] }>(
    'GET',
    `/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent(filter)}`,
  );
  if (found.value.length === 0) throw new Error(`${principalId} holds no assignment of ${roleDefinitionId}`);
  for (const a of found.value) await call('DELETE', `/roleManagement/directory/roleAssignments/${a.id}`);
}

export type AllowInvitesFrom = 'none' | 'adminsAndGuestInviters' | 'adminsGuestInvitersAndAllMembers' | 'everyone';

/** Who may invite guests (authorizationPolicy.allowInvitesFrom; Entra's default is adminsAndGuestInviters). */
export async function setAllowInvitesFrom(value: AllowInvitesFrom): Promise<void> {
  await call('PATCH', '/policies/authorizationPolicy', { allowInvitesFrom: value });
}

/** Turns an Assigned group into a dynamic one (a membership rule decides its members from now on). */
export async function makeDynamic(groupId: string, membershipRule: string): Promise<void> {
  await call('PATCH', `/groups/${groupId}`, {
    groupTypes: ['DynamicMembership'],
    membershipRule,
    membershipRuleProcessingState: 'On',
  });
}

export interface DirectoryUser {
  id: string;
  displayName: string;
  mail: string | null;
  userType: string;
  externalUserState: string | null;
}

/** The users whose `mail` is `address` (a guest who was invited, or nobody). */
export async function usersWithMail(address: string): Promise<DirectoryUser[]> {
  const filter = encodeURIComponent(`mail eq '${address.replace(/'/g, "''")}'`);
  const page = await call<{ value: DirectoryUser[] }>(
    'GET',
    `/users?$filter=${filter}&$select=id,displayName,mail,userType,externalUserState`,
  );
  return page.value;
}

/** An e-mail address outside the organization that nobody in the directory has yet. */
export function externalAddress(name: string): string {
  return `${name.toLowerCase()}.${unique()}@fabrikam.example`;
}

/** Sets a user's `mail` (the e-mail address applications receive in their tokens and assertions). */
export async function setMail(userId: string, mail: string): Promise<void> {
  await call('PATCH', `/users/${userId}`, { mail });
}
