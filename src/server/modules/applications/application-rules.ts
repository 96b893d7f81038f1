import {
  type ApplicationTemplate,
  type AppRole,
  type AppRoleInput,
  DEFAULT_APP_ROLE_ID,
  DEFAULT_SAML_SETTINGS,
  type KeyCredential,
  type PasswordCredential,
  type SamlAttributeSource,
  type ServicePrincipal,
  samlAttributeSources,
  type UpdateServicePrincipalBody,
} from '../../../contracts/applications.js';
import { invalid } from '../../domain/errors.js';
import { type ModifiedProperty, namedTarget, type TargetResource } from '../audit/audit.service.js';
import { DEFAULT_SELF_SERVICE, type StoredServicePrincipal } from './applications.repository.js';
import { fillBaseUrl } from './gallery.js';
import { distinctCertificates, parseVerificationCertificate } from './verification-certificates.js';

/** Graph's rules for enterprise applications (entra-behaviour.md §7), pure: no I/O. */

/** `(appId='…')` key syntax (the URL form `/servicePrincipals(appId='…')` is rewritten to it). */
export const APP_ID_KEY = /^\(appId='([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})'\)$/;

export const CATEGORY = 'ApplicationManagement';

export const spTarget = (
  sp: Pick<ServicePrincipal, 'id' | 'displayName'>,
  modifiedProperties?: ModifiedProperty[],
): TargetResource => namedTarget('ServicePrincipal', sp, modifiedProperties);

export const spProps = (sp: ServicePrincipal): ModifiedProperty[] => [
  { displayName: 'ServicePrincipal.ObjectID', oldValue: null, newValue: JSON.stringify(sp.id) },
  { displayName: 'ServicePrincipal.DisplayName', oldValue: null, newValue: JSON.stringify(sp.displayName) },
  { displayName: 'ServicePrincipal.AppId', oldValue: null, newValue: JSON.stringify(sp.appId) },
];

/** Properties compared for "Update service principal" (credentials are audited separately, never their secrets). */
const AUDITED: readonly (keyof StoredServicePrincipal)[] = [
  'displayName',
  'description',
  'notes',
  'homepage',
  'loginUrl',
  'logoutUrl',
  'replyUrls',
  'preferredSingleSignOnMode',
  'appRoleAssignmentRequired',
  'appRoles',
  'tags',
  'accountEnabled',
  'info',
  'servicePrincipalNames',
  'samlSingleSignOnSettings',
  'samlSettings',
  'selfServiceAccess',
];

export const diffServicePrincipals = (
  before: StoredServicePrincipal | undefined,
  after: StoredServicePrincipal,
): ModifiedProperty[] =>
  AUDITED.filter((k) => before === undefined || JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .filter((k) => before !== undefined || (after[k] !== null && JSON.stringify(after[k]) !== '[]'))
    .map((k) => ({
      displayName: k,
      oldValue: before === undefined ? null : JSON.stringify(before[k]),
      newValue: JSON.stringify(after[k]),
    }));

export const dedupe = (xs: readonly string[]): string[] => [...new Set(xs)];
export const dedupeCi = (xs: readonly string[]): string[] => {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = x.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

const toAppRole = (r: AppRoleInput): AppRole => ({
  allowedMemberTypes: dedupe(r.allowedMemberTypes) as AppRole['allowedMemberTypes'],
  description: r.description,
  displayName: r.displayName,
  id: r.id,
  isEnabled: r.isEnabled ?? true,
  origin: 'Application',
  value: r.value,
});

export function validateAppRoles(roles: readonly AppRole[], before: readonly AppRole[] | undefined): void {
  const ids = new Set<string>();
  const values = new Set<string>();
  for (const r of roles) {
    if (r.id === DEFAULT_APP_ROLE_ID) {
      throw invalid('app_role_invalid', `App role id ${DEFAULT_APP_ROLE_ID} is reserved for default access.`, 'appRoles');
    }
    if (ids.has(r.id)) {
      throw invalid('app_role_invalid', `Property appRoles has duplicate id '${r.id}': app role ids must be unique.`, 'appRoles');
    }
    const v = r.value.toLowerCase();
    if (values.has(v)) {
      throw invalid(
        'app_role_invalid',
        `Property appRoles has duplicate value '${r.value}': app role values must be unique.`,
        'appRoles',
      );
    }
    ids.add(r.id);
    values.add(v);
  }
  // Graph: an enabled role must be disabled (isEnabled false) before it can be removed.
  for (const old of before ?? []) {
    if (old.isEnabled && !ids.has(old.id)) {
      throw invalid(
        'app_role_enabled_removal',
        `App role '${old.value}' (${old.id}) is enabled: set isEnabled to false in one update before removing it in another.`,
        'appRoles',
      );
    }
  }
}

/** Applies writable properties of a create/update body onto `sp`. */
export function applyServicePrincipalPatch(sp: StoredServicePrincipal, body: UpdateServicePrincipalBody): void {
  if (body.displayName !== undefined) {
    sp.displayName = body.displayName;
    sp.appDisplayName = body.displayName;
  }
  if (body.description !== undefined) sp.description = body.description;
  if (body.notes !== undefined) sp.notes = body.notes;
  if (body.homepage !== undefined) sp.homepage = body.homepage;
  if (body.loginUrl !== undefined) sp.loginUrl = body.loginUrl;
  if (body.logoutUrl !== undefined) sp.logoutUrl = body.logoutUrl;
  if (body.replyUrls !== undefined) sp.replyUrls = body.replyUrls;
  if (body.preferredSingleSignOnMode !== undefined) sp.preferredSingleSignOnMode = body.preferredSingleSignOnMode;
  if (body.appRoleAssignmentRequired !== undefined) sp.appRoleAssignmentRequired = body.appRoleAssignmentRequired;
  if (body.appRoles !== undefined) sp.appRoles = body.appRoles.map(toAppRole);
  if (body.tags !== undefined) sp.tags = body.tags;
  if (body.accountEnabled !== undefined) sp.accountEnabled = body.accountEnabled;
  if (body.info !== undefined) sp.info = { logoUrl: body.info?.logoUrl ?? null };
  if (body.servicePrincipalNames !== undefined) sp.servicePrincipalNames = body.servicePrincipalNames;
  if (body.samlSingleSignOnSettings !== undefined) {
    sp.samlSingleSignOnSettings = { relayState: body.samlSingleSignOnSettings?.relayState ?? null };
  }
  if (body.samlSettings !== undefined) {
    const s = body.samlSettings;
    const merged = {
      nameIdFormat: s.nameIdFormat ?? sp.samlSettings.nameIdFormat,
      signResponse: s.signResponse ?? sp.samlSettings.signResponse,
      signAssertion: s.signAssertion ?? sp.samlSettings.signAssertion,
      attributes: s.attributes === undefined ? sp.samlSettings.attributes : s.attributes,
      requireSignedRequests: s.requireSignedRequests ?? sp.samlSettings.requireSignedRequests,
      verificationCertificates:
        s.verificationCertificates === undefined
          ? sp.samlSettings.verificationCertificates
          : distinctCertificates(s.verificationCertificates.map(parseVerificationCertificate)),
    };
    if (!merged.signResponse && !merged.signAssertion) {
      throw invalid('saml_signing_required', undefined, 'samlSettings');
    }
    if (merged.requireSignedRequests && merged.verificationCertificates.length === 0) {
      throw invalid('saml_verification_certificate_required', undefined, 'samlSettings.verificationCertificates');
    }
    sp.samlSettings = merged;
  }
  if (body.selfServiceAccess !== undefined) {
    const s = body.selfServiceAccess;
    sp.selfServiceAccess = {
      enabled: s.enabled ?? sp.selfServiceAccess.enabled,
      groupId: s.groupId === undefined ? sp.selfServiceAccess.groupId : s.groupId,
      requireApproval: s.requireApproval ?? sp.selfServiceAccess.requireApproval,
      approverIds: s.approverIds ?? sp.selfServiceAccess.approverIds,
      appRoleId: s.appRoleId === undefined ? sp.selfServiceAccess.appRoleId : s.appRoleId,
    };
  }
}

/** The template's settings as a create body, with `{baseUrl}` filled in when given. */
export function templateDefaults(
  t: ApplicationTemplate,
  baseUrl: string | undefined,
  mode: 'oidc' | 'saml' | undefined,
): UpdateServicePrincipalBody {
  const chosen = mode ?? t.supportedSingleSignOnModes[0];
  if (chosen === undefined || !t.supportedSingleSignOnModes.includes(chosen)) {
    throw invalid(
      'application_template_invalid',
      `Template '${t.id}' supports ${t.supportedSingleSignOnModes.map((m) => `'${m}'`).join(' and ')} single sign-on.`,
      'preferredSingleSignOnMode',
    );
  }
  const out: UpdateServicePrincipalBody = {
    displayName: t.displayName,
    description: t.description,
    preferredSingleSignOnMode: chosen,
    appRoles: t.appRoles,
  };
  if (baseUrl === undefined) return out;
  const fill = (s: string | null) => (s === null ? null : fillBaseUrl(s, baseUrl));
  out.homepage = fillBaseUrl('{baseUrl}', baseUrl);
  const oidc = t.singleSignOnSettings.oidc;
  const saml = t.singleSignOnSettings.saml;
  if (chosen === 'oidc' && oidc) {
    out.replyUrls = oidc.redirectUris.map((u) => fillBaseUrl(u, baseUrl));
    out.loginUrl = fill(oidc.loginUrl);
    out.logoutUrl = fill(oidc.logoutUrl);
  }
  if (chosen === 'saml' && saml) {
    out.replyUrls = saml.replyUrls.map((u) => fillBaseUrl(u, baseUrl));
    out.loginUrl = fill(saml.signOnUrl);
    out.logoutUrl = fill(saml.logoutUrl);
    out.servicePrincipalNames = [fillBaseUrl(saml.entityId, baseUrl)];
  }
  if (chosen === 'saml' && saml) {
    out.samlSettings = {
      nameIdFormat: saml.nameIdFormat,
      attributes: saml.attributes.filter((a): a is { name: string; source: SamlAttributeSource } =>
        (samlAttributeSources as readonly string[]).includes(a.source),
      ),
    };
  }
  return out;
}

/** A new application's defaults (a custom app with no SSO configured yet). */
export function newServicePrincipal(
  id: string,
  appId: string,
  displayName: string,
  now: string,
  templateId: string | null,
): StoredServicePrincipal {
  return {
    id,
    appId,
    appDisplayName: displayName,
    displayName,
    description: null,
    notes: null,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    replyUrls: [],
    preferredSingleSignOnMode: null,
    // Portico's safe default (Entra's is false): a new application is open only to the users and
    // groups assigned to it, not to the whole organization (and every guest invited into it).
    appRoleAssignmentRequired: true,
    appRoles: [],
    oauth2PermissionScopes: [],
    tags: [],
    accountEnabled: true,
    info: { logoUrl: null },
    servicePrincipalNames: [],
    samlSingleSignOnSettings: { relayState: null },
    samlSettings: { ...DEFAULT_SAML_SETTINGS },
    servicePrincipalType: 'Application',
    signInAudience: 'AzureADMyOrg',
    applicationTemplateId: templateId,
    keyCredentials: [],
    selfServiceAccess: { ...DEFAULT_SELF_SERVICE },
    createdDateTime: now,
  };
}

/** Validity of a new credential (client secret or certificate): starts before it ends, ends in the future, within `maxYears`. */
export function checkCredentialDates(start: Date, end: Date, now: Date, maxYears: number, target: string, what: string): void {
  const maxEnd = new Date(start);
  maxEnd.setUTCFullYear(maxEnd.getUTCFullYear() + maxYears);
  if (end.getTime() <= start.getTime()) {
    throw invalid('credential_dates_invalid', `${target} must be later than startDateTime.`, target);
  }
  if (end.getTime() > maxEnd.getTime()) {
    throw invalid(
      'credential_dates_invalid',
      `${target} must be at most ${maxYears} years after startDateTime: ${what} are rotated.`,
      target,
    );
  }
  if (end.getTime() <= now.getTime()) throw invalid('credential_dates_invalid', `${target} must be in the future.`, target);
}

export const describeKey = (k: KeyCredential) =>
  `[KeyIdentifier=${k.keyId},KeyType=${k.type},KeyUsage=${k.usage},DisplayName=${k.displayName ?? ''},EndDateTime=${k.endDateTime}]`;

/** Entra's audit property for credential changes: key metadata, never the secret. */
export function keyDescription(before: PasswordCredential | null, after: PasswordCredential | null): ModifiedProperty {
  const describe = (c: PasswordCredential) =>
    `[KeyIdentifier=${c.keyId},KeyType=Password,KeyUsage=Verify,DisplayName=${c.displayName ?? ''},Hint=${c.hint},EndDateTime=${c.endDateTime}]`;
  return {
    displayName: 'KeyDescription',
    oldValue: before ? JSON.stringify([describe(before)]) : '[]',
    newValue: after ? JSON.stringify([describe(after)]) : '[]',
  };
}
