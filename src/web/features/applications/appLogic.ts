/** Pure helpers of the Enterprise applications pages (tested in appLogic.test.ts). */
import type { AppRole, PreferredSingleSignOnMode, ServicePrincipal } from '../../../contracts/applications';
import { DEFAULT_APP_ROLE_ID, HIDE_APP_TAG, SERVICE_PRINCIPAL_LIMITS } from '../../../contracts/applications';
import type { InvitationBody, MyGroupsAddBody } from '../../../contracts/invitations';

export { DEFAULT_APP_ROLE_ID, HIDE_APP_TAG };

/** "Visible to users?": an app is hidden from My Apps when it carries the HideApp tag (any case). */
export const isHidden = (tags: readonly string[]): boolean => tags.some((t) => t.toLowerCase() === HIDE_APP_TAG.toLowerCase());

/** The tags with HideApp set or cleared; every other tag is kept as it was, in order. */
export function withHidden(tags: readonly string[], hidden: boolean): string[] {
  const others = tags.filter((t) => t.toLowerCase() !== HIDE_APP_TAG.toLowerCase());
  return hidden ? [...others, HIDE_APP_TAG] : others;
}

/** Why one URL can't be a redirect URI / reply URL, or undefined when it can (mirrors the API's rules). */
export function urlProblem(raw: string): string | undefined {
  const s = raw.trim();
  if (!s) return 'Enter a URL.';
  if (s.length > 2048) return 'A URL can have at most 2048 characters.';
  if (s.includes('*')) return 'Wildcards (*) are not allowed.';
  if (s.includes('#')) return 'A redirect URI must not contain a fragment (#).';
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return 'Enter an absolute URL, such as https://app.example.com/callback.';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'The URL must start with https:// or http://.';
  if (!u.hostname) return 'The URL must have a host name.';
  return undefined;
}

export interface UrlListCheck {
  /** Trimmed, non-empty entries in order. */
  urls: string[];
  /** Problem per row index of the input (blank rows are ignored). */
  problems: Record<number, string>;
  /** A problem of the list as a whole. */
  listProblem?: string;
  ok: boolean;
}

/** Checks an edited list of redirect URIs: each one valid, no duplicates, at most 256. */
export function checkUrlList(rows: readonly string[]): UrlListCheck {
  const problems: Record<number, string> = {};
  const urls: string[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const s = row.trim();
    if (!s) return;
    const p = urlProblem(s);
    if (p) problems[i] = p;
    else if (seen.has(s.toLowerCase())) problems[i] = 'This URL is already in the list.';
    seen.add(s.toLowerCase());
    urls.push(s);
  });
  const listProblem =
    urls.length > SERVICE_PRINCIPAL_LIMITS.replyUrls
      ? `An application can have at most ${SERVICE_PRINCIPAL_LIMITS.replyUrls} redirect URIs.`
      : undefined;
  return { urls, problems, listProblem, ok: Object.keys(problems).length === 0 && !listProblem };
}

/** An optional http(s) URL field: undefined when fine (empty is fine). */
export const optionalUrlProblem = (raw: string): string | undefined => {
  const s = raw.trim();
  if (!s) return undefined;
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:' ? undefined : 'The URL must start with https:// or http://.';
  } catch {
    return 'Enter an absolute URL, such as https://app.example.com.';
  }
};

/** The SAML identifiers (entity ids) of an app: its servicePrincipalNames except the appId. */
export const samlIdentifiers = (sp: Pick<ServicePrincipal, 'appId' | 'servicePrincipalNames'>): string[] =>
  sp.servicePrincipalNames.filter((n) => n.toLowerCase() !== sp.appId.toLowerCase());

/** servicePrincipalNames for a new list of identifiers; the appId always stays (first). */
export const withSamlIdentifiers = (sp: Pick<ServicePrincipal, 'appId'>, identifiers: readonly string[]): string[] => [
  sp.appId,
  ...identifiers.map((s) => s.trim()).filter((s) => s && s.toLowerCase() !== sp.appId.toLowerCase()),
];

export const ssoModeLabel = (mode: PreferredSingleSignOnMode | null): string =>
  mode === 'oidc' ? 'OpenID Connect' : mode === 'saml' ? 'SAML' : mode === 'password' ? 'Password-based' : 'Not integrated';

/** Roles a user or group can be assigned: the enabled User roles, or "Default Access" when there are none. */
export function assignableRoles(appRoles: readonly AppRole[]): { value: string; label: string }[] {
  const roles = appRoles.filter((r) => r.isEnabled && r.allowedMemberTypes.includes('User'));
  if (roles.length === 0) return [{ value: DEFAULT_APP_ROLE_ID, label: 'Default Access' }];
  return roles.map((r) => ({ value: r.id, label: r.displayName }));
}

export const roleName = (appRoles: readonly AppRole[], appRoleId: string): string =>
  appRoleId === DEFAULT_APP_ROLE_ID ? 'Default Access' : (appRoles.find((r) => r.id === appRoleId)?.displayName ?? appRoleId);

/** Addresses an application's settings refer to (same origin as the SPA: the public URL). */
export function federationUrls(origin: string, tenantId: string, appId: string) {
  const a = encodeURIComponent(appId);
  return {
    metadataUrl: `${origin}/${tenantId}/federationmetadata/2007-06/federationmetadata.xml?appid=${a}`,
    certificateUrl: `${origin}/${tenantId}/saml2/certificate?appid=${a}`,
    samlEndpoint: `${origin}/${tenantId}/saml2`,
  };
}

/** The OIDC discovery document's address for an issuer. */
export const discoveryUrl = (issuer: string): string => `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;

/** The direct sign-on link of an app (the My Apps tile's address). */
export const launchUrlOf = (origin: string, appId: string): string => `${origin}/myapps/signin/${encodeURIComponent(appId)}`;

/** The role an app owner's additions get: the self-service role, else the first assignable role. */
export const ownerAssignRole = (sp: Pick<ServicePrincipal, 'appRoles' | 'selfServiceAccess'>): string =>
  sp.selfServiceAccess.appRoleId ?? assignableRoles(sp.appRoles)[0]?.value ?? DEFAULT_APP_ROLE_ID;

export type InvitePlan =
  | { kind: 'group'; groupId: string; body: MyGroupsAddBody }
  | { kind: 'invite'; body: InvitationBody; appRoleId: string };

/**
 * How an app owner's "+ Add members" invites an e-mail address: through the app's self-service
 * group when one is set (`POST /groups/{id}/members/add`, the group's assignment gives access),
 * else `POST /invitations` (redirect: the app's launch URL) followed by a direct assignment.
 */
export function planInvite(
  sp: Pick<ServicePrincipal, 'appId' | 'appRoles' | 'selfServiceAccess'>,
  address: string,
  welcomeMessage: string,
  origin: string,
): InvitePlan {
  const email = address.trim();
  const message = welcomeMessage.trim() ? welcomeMessage : undefined;
  const groupId = sp.selfServiceAccess.groupId;
  if (groupId) return { kind: 'group', groupId, body: { emailAddress: email, ...(message ? { welcomeMessage: message } : {}) } };
  return {
    kind: 'invite',
    body: {
      invitedUserEmailAddress: email,
      inviteRedirectUrl: launchUrlOf(origin, sp.appId),
      sendInvitationMessage: true,
      ...(message ? { invitedUserMessageInfo: { customizedMessageBody: message } } : {}),
    },
    appRoleId: ownerAssignRole(sp),
  };
}
