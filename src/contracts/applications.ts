import { z } from 'zod';
import { absoluteUrl, displayString, optionalText } from './common.js';

/**
 * Enterprise applications: the Graph `servicePrincipal`, `appRoleAssignment`, `passwordCredential`
 * and `applicationTemplate` resources as Portico returns and accepts them (entra-behaviour.md §7).
 */

export type PreferredSingleSignOnMode = 'oidc' | 'saml' | 'notSupported' | 'password';
export const singleSignOnModes = ['oidc', 'saml', 'notSupported', 'password'] as const;

/** The default access role: assigns a user or group to an app without a specific role. */
export const DEFAULT_APP_ROLE_ID = '00000000-0000-0000-0000-000000000000';
/** Tag that hides an application from My Apps ("Visible to users? = No"); access is unchanged. */
export const HIDE_APP_TAG = 'HideApp';

/** Graph's limits (entra-behaviour.md §7, §10). */
export const SERVICE_PRINCIPAL_LIMITS = {
  owners: 100,
  replyUrls: 256,
  approvers: 10,
  appRoles: 100,
  tags: 100,
  servicePrincipalNames: 50,
  passwordCredentials: 20,
  /** Maximum lifetime of a client secret, in days (2 years). */
  passwordMaxDays: 2 * 366,
} as const;

export interface AppRole {
  allowedMemberTypes: ('User' | 'Application')[];
  description: string;
  displayName: string;
  id: string;
  isEnabled: boolean;
  origin: 'Application';
  value: string;
}

/** A delegated permission an API exposes (Graph's `permissionScope`). */
export interface PermissionScope {
  adminConsentDescription: string;
  adminConsentDisplayName: string;
  id: string;
  isEnabled: boolean;
  type: 'User' | 'Admin';
  userConsentDescription: string | null;
  userConsentDisplayName: string | null;
  value: string;
}

/** Metadata of a client secret. `secretText` is only ever set in the addPassword response. */
export interface PasswordCredential {
  customKeyIdentifier: null;
  displayName: string | null;
  endDateTime: string;
  hint: string;
  keyId: string;
  secretText: string | null;
  startDateTime: string;
}

/** Certificate metadata (SAML token signing). Never a private key. */
export interface KeyCredential {
  customKeyIdentifier: string | null;
  displayName: string | null;
  endDateTime: string;
  key: null;
  keyId: string;
  startDateTime: string;
  type: string;
  usage: string;
}

/**
 * Portico's model of the "Self-service" blade (entra-behaviour.md §7.4: Graph has no public
 * resource for it). Persisted and validated; the request/approval flow uses it.
 */
export interface SelfServiceAccess {
  enabled: boolean;
  /** Group that approved users are added to (its assignment gives them access). */
  groupId: string | null;
  requireApproval: boolean;
  /** Up to 10 users who may approve. */
  approverIds: string[];
  /** Role given to self-service users; null = default access. */
  appRoleId: string | null;
}

/** User properties a SAML attribute statement can carry (the `source` of an attribute). */
export const samlAttributeSources = [
  'user.mail',
  'user.userPrincipalName',
  'user.displayName',
  'user.givenName',
  'user.surname',
  'user.userType',
  'user.objectId',
  'user.groups',
  'user.assignedRoles',
] as const;
export type SamlAttributeSource = (typeof samlAttributeSources)[number];

/**
 * Portico extension (Entra keeps these in its claims-mapping UI): how the SAML assertion for this
 * application is shaped. `attributes: null` sends Entra's default claims (claim-type URIs).
 */
export interface SamlSettings {
  /** emailAddress → the user's mail; persistent → opaque id stable per user and app; unspecified → UPN. */
  nameIdFormat: 'emailAddress' | 'persistent' | 'unspecified';
  signResponse: boolean;
  signAssertion: boolean;
  attributes: { name: string; source: SamlAttributeSource }[] | null;
  /**
   * Entra's "Require verification certificates": AuthnRequests must be signed with the key of one of
   * `verificationCertificates` (HTTP-Redirect: `SigAlg` + `Signature`; HTTP-POST: an enveloped XML
   * signature; RSA with SHA-256 or stronger). The metadata then says `WantAuthnRequestsSigned="true"`.
   */
  requireSignedRequests: boolean;
  /** The application's request-signing certificates (public only; at most 10). */
  verificationCertificates: SamlVerificationCertificate[];
}

/** A certificate that verifies an application's signed AuthnRequests (read form). */
export interface SamlVerificationCertificate {
  /** The certificate, base64 DER (what a PATCH may send back unchanged). */
  certificate: string;
  /** SHA-1 thumbprint, upper-case hex (as Entra shows it). */
  thumbprint: string;
  subject: string;
  startDateTime: string;
  endDateTime: string;
}

/** Upper bound of `samlSettings.verificationCertificates`. */
export const SAML_VERIFICATION_CERTIFICATES_MAX = 10;

export const DEFAULT_SAML_SETTINGS: SamlSettings = {
  nameIdFormat: 'emailAddress',
  signResponse: true,
  signAssertion: true,
  attributes: null,
  requireSignedRequests: false,
  verificationCertificates: [],
};

export interface ServicePrincipal {
  id: string;
  /** Application (client) id: the OIDC client_id. */
  appId: string;
  appDisplayName: string;
  displayName: string;
  description: string | null;
  notes: string | null;
  homepage: string | null;
  loginUrl: string | null;
  logoutUrl: string | null;
  /** OIDC redirect URIs and SAML assertion consumer service URLs. */
  replyUrls: string[];
  preferredSingleSignOnMode: PreferredSingleSignOnMode | null;
  appRoleAssignmentRequired: boolean;
  appRoles: AppRole[];
  /** Delegated permissions the application exposes (only Microsoft Graph's service principal has any). */
  oauth2PermissionScopes: PermissionScope[];
  tags: string[];
  accountEnabled: boolean;
  info: { logoUrl: string | null };
  /** Always includes the appId; other entries identify the app (the SAML entity id). */
  servicePrincipalNames: string[];
  samlSingleSignOnSettings: { relayState: string | null };
  /** Portico extension: SAML NameID format, signatures and attribute statements. */
  samlSettings: SamlSettings;
  servicePrincipalType: 'Application';
  signInAudience: 'AzureADMyOrg';
  applicationTemplateId: string | null;
  keyCredentials: KeyCredential[];
  passwordCredentials: PasswordCredential[];
  selfServiceAccess: SelfServiceAccess;
  createdDateTime: string;
}

export type PrincipalType = 'User' | 'Group' | 'ServicePrincipal';

export interface AppRoleAssignment {
  id: string;
  appRoleId: string;
  createdDateTime: string;
  deletedDateTime: null;
  principalDisplayName: string | null;
  principalId: string;
  principalType: PrincipalType;
  resourceDisplayName: string;
  resourceId: string;
}

/** Pre-filled single sign-on settings of a gallery template; `{baseUrl}` is the app's own address. */
export interface TemplateOidcSettings {
  redirectUris: string[];
  loginUrl: string | null;
  logoutUrl: string | null;
  scopes: string[];
  /** ID-token claims the application reads. */
  claims: string[];
  /** What to configure on the application's side, step by step. */
  instructions: string[];
}

export interface TemplateSamlSettings {
  /** SP entity id (becomes an entry of servicePrincipalNames). */
  entityId: string;
  /** Assertion consumer service URLs (replyUrls). */
  replyUrls: string[];
  signOnUrl: string | null;
  logoutUrl: string | null;
  nameIdFormat: 'emailAddress' | 'persistent' | 'unspecified';
  /** Attribute name → user property. */
  attributes: { name: string; source: string }[];
  instructions: string[];
}

export interface ApplicationTemplate {
  id: string;
  displayName: string;
  description: string;
  publisher: string;
  categories: string[];
  homePageUrl: string;
  logoUrl: string | null;
  supportedSingleSignOnModes: ('oidc' | 'saml')[];
  supportedProvisioningTypes: string[];
  /** Portico extension: documented settings the admin completes with the app's address. */
  singleSignOnSettings: { oidc?: TemplateOidcSettings; saml?: TemplateSamlSettings };
  /** Portico extension: app roles created with the application. */
  appRoles: AppRole[];
}

// ---------------------------------------------------------------------------------------------
// Request bodies

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const guid = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
  .regex(GUID, 'must be a GUID')
  .transform((s) => s.toLowerCase());

/** Absolute http(s) URL without a fragment (redirect URIs must not have one: RFC 6749 §3.1.2). */
export const httpUrl = absoluteUrl(
  2048,
  (u, s) => (u.protocol === 'https:' || u.protocol === 'http:') && u.hash === '' && !s.includes('#') && u.hostname !== '',
  'must be an absolute http or https URL without a fragment',
);

const replyUrl = httpUrl.refine((s) => !s.includes('*'), 'must not contain wildcards');

// Graph: app role values may use these characters only, no spaces, and must not start with '.'.
const ROLE_VALUE = /^[A-Za-z0-9:!#$%&'()*+,\-./;=?@[\]^_`{|}~]+$/;

export const appRoleInput = z
  .object({
    allowedMemberTypes: z
      .array(z.enum(['User', 'Application'], { error: "must be 'User' or 'Application'" }))
      .min(1, 'must not be empty')
      .max(2),
    description: displayString(1024),
    displayName: displayString(120),
    id: guid,
    isEnabled: z.boolean().optional(),
    origin: z.literal('Application', { error: "must be 'Application'" }).optional(),
    value: z
      .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
      .min(1, 'must not be empty')
      .max(120, 'must be at most 120 characters')
      .refine((s) => ROLE_VALUE.test(s) && !s.startsWith('.'), {
        message: "may contain letters, digits and :!#$%&'()*+,-./;=?@[]^_`{|}~ only (no spaces) and must not start with '.'",
      }),
  })
  .strict();
export type AppRoleInput = z.infer<typeof appRoleInput>;

export const selfServiceAccessInput = z
  .object({
    enabled: z.boolean().optional(),
    groupId: guid.nullable().optional(),
    requireApproval: z.boolean().optional(),
    approverIds: z.array(guid).max(SERVICE_PRINCIPAL_LIMITS.approvers, 'must have at most 10 approvers').optional(),
    appRoleId: guid.nullable().optional(),
  })
  .strict();

const tag = z.string().trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters');
const spName = z.string().trim().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters');

/** Properties settable on create and update. */
const writable = {
  description: optionalText(1024),
  notes: optionalText(1024),
  homepage: httpUrl.nullable().optional(),
  loginUrl: httpUrl.nullable().optional(),
  logoutUrl: httpUrl.nullable().optional(),
  replyUrls: z.array(replyUrl).max(SERVICE_PRINCIPAL_LIMITS.replyUrls, 'must have at most 256 entries').optional(),
  preferredSingleSignOnMode: z
    .enum(singleSignOnModes, { error: "must be 'oidc', 'saml', 'notSupported' or 'password'" })
    .nullable()
    .optional(),
  appRoleAssignmentRequired: z.boolean().optional(),
  appRoles: z.array(appRoleInput).max(SERVICE_PRINCIPAL_LIMITS.appRoles, 'must have at most 100 entries').optional(),
  tags: z.array(tag).max(SERVICE_PRINCIPAL_LIMITS.tags, 'must have at most 100 entries').optional(),
  accountEnabled: z.boolean().optional(),
  info: z.object({ logoUrl: httpUrl.nullable().optional() }).strict().nullable().optional(),
  servicePrincipalNames: z
    .array(spName)
    .max(SERVICE_PRINCIPAL_LIMITS.servicePrincipalNames, 'must have at most 50 entries')
    .optional(),
  samlSingleSignOnSettings: z
    .object({ relayState: z.string().max(1024, 'must be at most 1024 characters').nullable().optional() })
    .strict()
    .nullable()
    .optional(),
  selfServiceAccess: selfServiceAccessInput.optional(),
  samlSettings: z
    .object({
      nameIdFormat: z
        .enum(['emailAddress', 'persistent', 'unspecified'], { error: "must be 'emailAddress', 'persistent' or 'unspecified'" })
        .optional(),
      signResponse: z.boolean().optional(),
      signAssertion: z.boolean().optional(),
      attributes: z
        .array(
          z
            .object({
              name: z.string().trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
              source: z.enum(samlAttributeSources, { error: `must be one of ${samlAttributeSources.join(', ')}` }),
            })
            .strict(),
        )
        .max(50, 'must have at most 50 entries')
        .nullable()
        .optional(),
      requireSignedRequests: z.boolean().optional(),
      /** PEM or base64 DER certificates; the read form (`{certificate, …}`) is accepted back as is. */
      verificationCertificates: z
        .array(
          z.union([
            z.string().max(16_384, 'must be at most 16384 characters'),
            z.object({ certificate: z.string().max(16_384, 'must be at most 16384 characters') }),
          ]),
        )
        .max(SAML_VERIFICATION_CERTIFICATES_MAX, `must have at most ${SAML_VERIFICATION_CERTIFICATES_MAX} entries`)
        .optional(),
    })
    .strict()
    .refine((s) => s.signResponse !== false || s.signAssertion !== false, {
      message: 'at least one of signResponse and signAssertion must be true',
    })
    .optional(),
};

export const createServicePrincipalBody = z
  .object({
    // Required unless applicationTemplateId gives a default.
    displayName: displayString(256).optional(),
    /** Portico extension: start from a gallery template (its settings under the explicit ones). */
    applicationTemplateId: z.string().min(1).max(128).optional(),
    /** Portico extension, with applicationTemplateId: the app's own address filling `{baseUrl}`. */
    baseUrl: httpUrl.optional(),
    /** Graph's "service principal for an application": Portico creates the pair together, so this answers 409 (docs/api.md). */
    appId: guid.optional(),
    ...writable,
  })
  .strict();
export type CreateServicePrincipalBody = z.infer<typeof createServicePrincipalBody>;

export const updateServicePrincipalBody = z.object({ displayName: displayString(256).optional(), ...writable }).strict();
export type UpdateServicePrincipalBody = z.infer<typeof updateServicePrincipalBody>;

export const instantiateTemplateBody = z
  .object({
    displayName: z
      .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
      .pipe(displayString(256)),
    /** Accepted for Graph compatibility; not stored. */
    serviceManagementReference: z.string().max(256).optional(),
    /** Portico extension: the app's address (e.g. https://grafana.example.com) filling the SSO URLs. */
    baseUrl: httpUrl.optional(),
    /** Portico extension: for templates that support both, 'oidc' or 'saml' (default: the first). */
    preferredSingleSignOnMode: z.enum(['oidc', 'saml'], { error: "must be 'oidc' or 'saml'" }).optional(),
  })
  .strict();
export type InstantiateTemplateBody = z.infer<typeof instantiateTemplateBody>;

export const addPasswordBody = z
  .object({
    passwordCredential: z
      .object({
        displayName: z.string().trim().max(256, 'must be at most 256 characters').nullable().optional(),
        startDateTime: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
        endDateTime: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type AddPasswordBody = z.infer<typeof addPasswordBody>;

export const removePasswordBody = z.object({ keyId: guid }).strict();

export const appRoleAssignmentBody = z
  .object({
    principalId: guid,
    resourceId: guid,
    appRoleId: guid,
    // Read-only properties some clients echo back; ignored.
    principalType: z.string().optional(),
    principalDisplayName: z.string().optional(),
    resourceDisplayName: z.string().optional(),
  })
  .strict();
export type AppRoleAssignmentBody = z.infer<typeof appRoleAssignmentBody>;
export type RemovePasswordBody = z.infer<typeof removePasswordBody>;
