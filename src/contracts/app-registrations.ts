import { z } from 'zod';
import { type AppRole, appRoleInput, guid, httpUrl, type PasswordCredential, SERVICE_PRINCIPAL_LIMITS } from './applications.js';
import { absoluteUrl, displayString, optionalText } from './common.js';

/**
 * App registrations: Graph's `application` resource as Portico returns and accepts it. Every
 * application object is paired 1:1, by `appId`, with the tenant's service principal (the
 * enterprise application); the properties both show are one stored value (docs/api.md).
 */

/** Microsoft Graph's application id (`resourceAppId` of Graph permissions in requiredResourceAccess). */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** The only sign-in audience Portico supports: accounts in this organizational directory only. */
export const SUPPORTED_SIGN_IN_AUDIENCE = 'AzureADMyOrg';
const signInAudiences = [
  'AzureADMyOrg',
  'AzureADMultipleOrgs',
  'AzureADandPersonalMicrosoftAccount',
  'PersonalMicrosoftAccount',
] as const;

export interface ResourceAccess {
  id: string;
  type: 'Scope' | 'Role';
}

export interface RequiredResourceAccess {
  resourceAppId: string;
  resourceAccess: ResourceAccess[];
}

export interface Application {
  id: string;
  appId: string;
  displayName: string;
  description: string | null;
  notes: string | null;
  createdDateTime: string;
  deletedDateTime: null;
  /** The service principal's servicePrincipalNames other than the appId (e.g. the SAML entity id). */
  identifierUris: string[];
  signInAudience: 'AzureADMyOrg';
  appRoles: AppRole[];
  info: {
    logoUrl: string | null;
    marketingUrl: null;
    privacyStatementUrl: null;
    supportUrl: null;
    termsOfServiceUrl: null;
  };
  isFallbackPublicClient: boolean;
  keyCredentials: [];
  passwordCredentials: PasswordCredential[];
  publicClient: { redirectUris: string[] };
  spa: { redirectUris: string[] };
  web: {
    homePageUrl: string | null;
    logoutUrl: string | null;
    redirectUris: string[];
    implicitGrantSettings: { enableAccessTokenIssuance: false; enableIdTokenIssuance: false };
  };
  requiredResourceAccess: RequiredResourceAccess[];
  tags: string[];
}

// ---------------------------------------------------------------------------------------------
// Request bodies

const redirectUri = httpUrl.refine((s) => !s.includes('*'), 'must not contain wildcards');
const redirectUris = z
  .array(redirectUri)
  .max(SERVICE_PRINCIPAL_LIMITS.replyUrls, `must have at most ${SERVICE_PRINCIPAL_LIMITS.replyUrls} entries`);
const identifierUri = absoluteUrl(
  1024,
  (u, s) => u.protocol.length > 1 && !s.includes('*'),
  'must be an absolute URI (api://…, https://…) without wildcards',
);

export const requiredResourceAccessInput = z
  .object({
    resourceAppId: guid,
    resourceAccess: z
      .array(z.object({ id: guid, type: z.enum(['Scope', 'Role'], { error: "must be 'Scope' or 'Role'" }) }).strict())
      .max(400, 'must have at most 400 entries'),
  })
  .strict();

const platform = z.object({ redirectUris: redirectUris.optional() }).strict();

/** Properties settable on create and update. */
const writable = {
  description: optionalText(1024),
  notes: optionalText(1024),
  identifierUris: z
    .array(identifierUri)
    .max(SERVICE_PRINCIPAL_LIMITS.servicePrincipalNames - 1, 'must have at most 49 entries')
    .optional(),
  signInAudience: z.enum(signInAudiences, { error: `must be one of ${signInAudiences.join(', ')}` }).optional(),
  appRoles: z.array(appRoleInput).max(SERVICE_PRINCIPAL_LIMITS.appRoles, 'must have at most 100 entries').optional(),
  web: z
    .object({
      redirectUris: redirectUris.optional(),
      homePageUrl: httpUrl.nullable().optional(),
      logoutUrl: httpUrl.nullable().optional(),
      // Read back as false: Portico issues tokens by the authorization code flow only.
      implicitGrantSettings: z
        .object({ enableAccessTokenIssuance: z.literal(false).optional(), enableIdTokenIssuance: z.literal(false).optional() })
        .strict()
        .optional(),
    })
    .strict()
    .optional(),
  spa: platform.optional(),
  publicClient: platform.optional(),
  requiredResourceAccess: z.array(requiredResourceAccessInput).max(50, 'must have at most 50 entries').optional(),
};

export const createApplicationBody = z.object({ displayName: displayString(256), ...writable }).strict();
export type CreateApplicationBody = z.infer<typeof createApplicationBody>;

export const updateApplicationBody = z.object({ displayName: displayString(256).optional(), ...writable }).strict();
export type UpdateApplicationBody = z.infer<typeof updateApplicationBody>;
