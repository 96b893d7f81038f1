import type {
  Application,
  CreateApplicationBody,
  RequiredResourceAccess,
  UpdateApplicationBody,
} from '../../../contracts/app-registrations.js';
import { SUPPORTED_SIGN_IN_AUDIENCE } from '../../../contracts/app-registrations.js';
import {
  SERVICE_PRINCIPAL_LIMITS,
  type ServicePrincipal,
  type UpdateServicePrincipalBody,
} from '../../../contracts/applications.js';
import { invalid } from '../../domain/errors.js';
import { type ModifiedProperty, namedTarget, type TargetResource } from '../audit/audit.service.js';
import type { StoredRegistration } from './app-registrations.repository.js';
import { dedupe } from './application-rules.js';

/**
 * Graph's application object as a view of the pair (entra-behaviour: app registrations), pure. The
 * service principal's replyUrls are the one list of redirect URIs (the OIDC client's); the
 * registration only says which of them are single-page-app or public-client ones, the others are
 * web ones. identifierUris are the service principal's names other than its appId.
 */

export const appTarget = (
  app: Pick<Application, 'id' | 'displayName'>,
  modifiedProperties?: ModifiedProperty[],
): TargetResource => namedTarget('Application', app, modifiedProperties);

/** The redirect URIs of each platform, from the one stored list. */
function platforms(sp: ServicePrincipal, reg: StoredRegistration) {
  const reply = new Set(sp.replyUrls);
  const spa = reg.spaRedirectUris.filter((u) => reply.has(u));
  const publicClient = reg.publicClientRedirectUris.filter((u) => reply.has(u) && !spa.includes(u));
  const web = sp.replyUrls.filter((u) => !spa.includes(u) && !publicClient.includes(u));
  return { web, spa, publicClient };
}

export function toApplication(sp: ServicePrincipal, reg: StoredRegistration): Application {
  const p = platforms(sp, reg);
  return {
    id: reg.id,
    appId: sp.appId,
    displayName: sp.displayName,
    description: sp.description,
    notes: sp.notes,
    createdDateTime: reg.createdDateTime,
    deletedDateTime: null,
    identifierUris: sp.servicePrincipalNames.filter((n) => n.toLowerCase() !== sp.appId.toLowerCase()),
    signInAudience: SUPPORTED_SIGN_IN_AUDIENCE,
    appRoles: sp.appRoles,
    info: { logoUrl: sp.info.logoUrl, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    isFallbackPublicClient: false,
    keyCredentials: [],
    passwordCredentials: sp.passwordCredentials.map((c) => ({ ...c, secretText: null })),
    publicClient: { redirectUris: p.publicClient },
    spa: { redirectUris: p.spa },
    web: {
      homePageUrl: sp.homepage,
      logoutUrl: sp.logoutUrl,
      redirectUris: p.web,
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
    },
    requiredResourceAccess: reg.requiredResourceAccess,
    tags: [],
  };
}

/** Only single-tenant applications: Portico is one organization's directory. */
export function checkSignInAudience(audience: string | undefined): void {
  if (audience !== undefined && audience !== SUPPORTED_SIGN_IN_AUDIENCE) {
    throw invalid(
      'sign_in_audience_unsupported',
      `Property signInAudience '${audience}' is not supported: Portico serves one organization, so only '${SUPPORTED_SIGN_IN_AUDIENCE}' is accepted.`,
      'signInAudience',
    );
  }
}

/** One list of redirect URIs for the service principal, each URI in one platform only. */
function redirectUrisOf(web: readonly string[], spa: readonly string[], publicClient: readonly string[]): string[] {
  const seen = new Map<string, string>();
  const lists = { web, spa, publicClient } as const;
  for (const [platform, uris] of Object.entries(lists)) {
    for (const u of dedupe(uris)) {
      const other = seen.get(u);
      if (other !== undefined) {
        throw invalid(
          'application_redirect_uris_invalid',
          `Redirect URI '${u}' is listed under both ${other} and ${platform}: a redirect URI belongs to one platform.`,
          `${platform}.redirectUris`,
        );
      }
      seen.set(u, platform);
    }
  }
  if (seen.size > SERVICE_PRINCIPAL_LIMITS.replyUrls) {
    throw invalid(
      'application_redirect_uris_invalid',
      `An application can have at most ${SERVICE_PRINCIPAL_LIMITS.replyUrls} redirect URIs across web, spa and publicClient.`,
      'web.redirectUris',
    );
  }
  return [...seen.keys()];
}

/**
 * A create or PATCH body of the application as the service principal's PATCH (the shared
 * properties) and the registration's new state (platforms, requiredResourceAccess).
 */
export function planApplicationChange(
  current: Application | undefined,
  reg: StoredRegistration,
  body: CreateApplicationBody | UpdateApplicationBody,
): { sp: UpdateServicePrincipalBody; reg: StoredRegistration } {
  const sp: UpdateServicePrincipalBody = {};
  const web = body.web?.redirectUris ?? current?.web.redirectUris ?? [];
  const spa = body.spa?.redirectUris ?? current?.spa.redirectUris ?? [];
  const publicClient = body.publicClient?.redirectUris ?? current?.publicClient.redirectUris ?? [];
  const all = redirectUrisOf(web, spa, publicClient);
  if (
    body.web?.redirectUris !== undefined ||
    body.spa?.redirectUris !== undefined ||
    body.publicClient?.redirectUris !== undefined
  ) {
    sp.replyUrls = all;
  }
  if (body.displayName !== undefined) sp.displayName = body.displayName;
  if (body.description !== undefined) sp.description = body.description;
  if (body.notes !== undefined) sp.notes = body.notes;
  if (body.appRoles !== undefined) sp.appRoles = body.appRoles;
  if (body.web?.homePageUrl !== undefined) sp.homepage = body.web.homePageUrl;
  if (body.web?.logoutUrl !== undefined) sp.logoutUrl = body.web.logoutUrl;
  if (body.identifierUris !== undefined) sp.servicePrincipalNames = body.identifierUris;
  return {
    sp,
    reg: {
      ...reg,
      spaRedirectUris: dedupe(spa),
      publicClientRedirectUris: dedupe(publicClient).filter((u) => !spa.includes(u)),
      requiredResourceAccess: body.requiredResourceAccess ?? reg.requiredResourceAccess,
    },
  };
}

/** Properties compared for "Update application". */
const AUDITED: readonly (keyof Application)[] = [
  'displayName',
  'description',
  'notes',
  'identifierUris',
  'appRoles',
  'web',
  'spa',
  'publicClient',
  'requiredResourceAccess',
];

export const diffApplications = (before: Application | undefined, after: Application): ModifiedProperty[] =>
  AUDITED.filter((k) => before === undefined || JSON.stringify(before[k]) !== JSON.stringify(after[k])).map((k) => ({
    displayName: k,
    oldValue: before === undefined ? null : JSON.stringify(before[k]),
    newValue: JSON.stringify(after[k]),
  }));

/** Merges entries naming the same resource (Graph keeps one per resourceAppId) and drops repeated permissions. */
export function normaliseRequiredResourceAccess(list: readonly RequiredResourceAccess[]): RequiredResourceAccess[] {
  const byApp = new Map<string, RequiredResourceAccess>();
  for (const r of list) {
    const entry = byApp.get(r.resourceAppId) ?? { resourceAppId: r.resourceAppId, resourceAccess: [] };
    for (const a of r.resourceAccess) {
      if (!entry.resourceAccess.some((x) => x.id === a.id && x.type === a.type))
        entry.resourceAccess.push({ id: a.id, type: a.type });
    }
    byApp.set(r.resourceAppId, entry);
  }
  return [...byApp.values()];
}
