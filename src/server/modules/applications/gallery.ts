import type { ApplicationTemplate, AppRole } from '../../../contracts/applications.js';

/**
 * The application gallery: well-known self-hostable applications with their documented single
 * sign-on settings. `{baseUrl}` stands for the application's own address (for example
 * `https://grafana.example.com`); instantiating a template with a `baseUrl` fills it in, otherwise
 * the admin completes the URLs on the Single sign-on page.
 */

const role = (id: string, value: string, displayName: string, description: string): AppRole => ({
  allowedMemberTypes: ['User'],
  description,
  displayName,
  id,
  isEnabled: true,
  origin: 'Application',
  value,
});

export const BASE_URL = '{baseUrl}';

/** What a gallery entry states; the rest is the same for every entry (no logo, no provisioning, no app roles unless given). */
type Entry = Omit<ApplicationTemplate, 'logoUrl' | 'supportedSingleSignOnModes' | 'supportedProvisioningTypes' | 'appRoles'> & {
  appRoles?: AppRole[];
};

/** A template from its entry: the single sign-on modes are those it documents settings for. */
const template = ({ singleSignOnSettings, appRoles = [], ...about }: Entry): ApplicationTemplate => ({
  ...about,
  logoUrl: null,
  supportedSingleSignOnModes: (['oidc', 'saml'] as const).filter((mode) => singleSignOnSettings[mode] !== undefined),
  supportedProvisioningTypes: [],
  singleSignOnSettings,
  appRoles,
});

export const applicationTemplates: readonly ApplicationTemplate[] = [
  template({
    id: 'grafana',
    displayName: 'Grafana',
    description: 'Dashboards and observability. Signs users in with OpenID Connect (generic OAuth).',
    publisher: 'Grafana Labs',
    categories: ['developerServices', 'monitoring'],
    homePageUrl:
      'https://grafana.com/docs/grafana/latest/setup-grafana/configure-security/configure-authentication/generic-oauth/',
    singleSignOnSettings: {
      oidc: {
        redirectUris: [`${BASE_URL}/login/generic_oauth`],
        loginUrl: `${BASE_URL}/login/generic_oauth`,
        logoutUrl: `${BASE_URL}/logout`,
        scopes: ['openid', 'profile', 'email'],
        claims: ['sub', 'email', 'name', 'preferred_username', 'roles'],
        instructions: [
          '[auth.generic_oauth] enabled = true, name = Portico, client_id = <appId>, client_secret = <secret from addPassword>',
          'scopes = openid profile email; auth_url / token_url / api_url = the endpoints of the tenant OpenID configuration',
          "role_attribute_path = contains(roles[*], 'Admin') && 'Admin' || contains(roles[*], 'Editor') && 'Editor' || 'Viewer'",
        ],
      },
    },
    appRoles: [
      role('5b0f6a1e-3c8d-4a57-9a0e-6f1d2c3b4a01', 'Admin', 'Grafana Admin', 'Organization administrators in Grafana.'),
      role('5b0f6a1e-3c8d-4a57-9a0e-6f1d2c3b4a02', 'Editor', 'Grafana Editor', 'Can create and edit dashboards.'),
      role('5b0f6a1e-3c8d-4a57-9a0e-6f1d2c3b4a03', 'Viewer', 'Grafana Viewer', 'Can view dashboards.'),
    ],
  }),
  template({
    id: 'gitlab',
    displayName: 'GitLab',
    description: 'Source code management and CI/CD. Signs users in with OpenID Connect or SAML 2.0 (OmniAuth).',
    publisher: 'GitLab',
    categories: ['developerServices', 'collaboration'],
    homePageUrl: 'https://docs.gitlab.com/integration/openid_connect_provider/',
    singleSignOnSettings: {
      oidc: {
        redirectUris: [`${BASE_URL}/users/auth/openid_connect/callback`],
        loginUrl: `${BASE_URL}/users/sign_in`,
        logoutUrl: null,
        scopes: ['openid', 'profile', 'email'],
        claims: ['sub', 'email', 'name', 'preferred_username'],
        instructions: [
          "gitlab_rails['omniauth_providers'] = [{ name: 'openid_connect', label: 'Portico', args: { name: 'openid_connect', scope: ['openid','profile','email'], response_type: 'code', issuer: '<tenant issuer>', discovery: true, uid_field: 'sub', pkce: true, client_options: { identifier: '<appId>', secret: '<secret>', redirect_uri: '{baseUrl}/users/auth/openid_connect/callback' } } }]",
        ],
      },
      saml: {
        entityId: BASE_URL,
        replyUrls: [`${BASE_URL}/users/auth/saml/callback`],
        signOnUrl: `${BASE_URL}/users/sign_in`,
        logoutUrl: null,
        nameIdFormat: 'persistent',
        attributes: [
          { name: 'email', source: 'user.mail' },
          { name: 'name', source: 'user.displayName' },
          { name: 'first_name', source: 'user.givenName' },
          { name: 'last_name', source: 'user.surname' },
        ],
        instructions: [
          "gitlab_rails['omniauth_providers'] = [{ name: 'saml', label: 'Portico', args: { assertion_consumer_service_url: '{baseUrl}/users/auth/saml/callback', idp_cert_fingerprint: '<SHA-1 of the signing certificate>', idp_sso_target_url: '<SAML sign-on URL from the app metadata>', issuer: '{baseUrl}', name_identifier_format: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent' } }]",
        ],
      },
    },
  }),
  template({
    id: 'nextcloud',
    displayName: 'Nextcloud',
    description: 'File sync and share. Signs users in with SAML 2.0 (the "SSO & SAML authentication" app).',
    publisher: 'Nextcloud GmbH',
    categories: ['collaboration', 'contentManagement'],
    homePageUrl: 'https://docs.nextcloud.com/server/latest/admin_manual/configuration_user/user_auth_saml.html',
    singleSignOnSettings: {
      saml: {
        entityId: `${BASE_URL}/apps/user_saml/saml/metadata`,
        replyUrls: [`${BASE_URL}/apps/user_saml/saml/acs`],
        signOnUrl: `${BASE_URL}/apps/user_saml/saml/login`,
        logoutUrl: `${BASE_URL}/apps/user_saml/saml/sls`,
        nameIdFormat: 'persistent',
        attributes: [
          { name: 'email', source: 'user.mail' },
          { name: 'displayName', source: 'user.displayName' },
          { name: 'groups', source: 'user.groups' },
        ],
        instructions: [
          'Install "SSO & SAML authentication" (user_saml) and choose "Use built-in SAML authentication".',
          'Attribute to map the UID to: the NameID; Identifier of the IdP entity: the entityID of the app metadata.',
          'URL target of the IdP for authentication requests: the SAML sign-on URL; public X.509 certificate: the signing certificate.',
          'Attribute mapping: display name → displayName, email → email, groups → groups.',
        ],
      },
    },
  }),
  template({
    id: 'jenkins',
    displayName: 'Jenkins',
    description: 'Automation server. Signs users in with SAML 2.0 (the SAML plugin).',
    publisher: 'Jenkins project',
    categories: ['developerServices'],
    homePageUrl: 'https://plugins.jenkins.io/saml/',
    singleSignOnSettings: {
      saml: {
        entityId: `${BASE_URL}/securityRealm/finishLogin`,
        replyUrls: [`${BASE_URL}/securityRealm/finishLogin`],
        signOnUrl: `${BASE_URL}/securityRealm/commenceLogin`,
        logoutUrl: null,
        nameIdFormat: 'emailAddress',
        attributes: [
          { name: 'displayName', source: 'user.displayName' },
          { name: 'email', source: 'user.mail' },
          { name: 'groups', source: 'user.groups' },
        ],
        instructions: [
          'Manage Jenkins → Security → Security Realm: SAML 2.0; IdP Metadata URL: the app metadata URL.',
          'Display Name Attribute: displayName; Group Attribute: groups; Email Attribute: email.',
        ],
      },
    },
  }),
  template({
    id: 'outline',
    displayName: 'Outline',
    description: 'Team knowledge base. Signs users in with OpenID Connect.',
    publisher: 'General Outline',
    categories: ['collaboration', 'contentManagement'],
    homePageUrl: 'https://docs.getoutline.com/s/hosting/doc/oidc-8CPBm6uC0I',
    singleSignOnSettings: {
      oidc: {
        redirectUris: [`${BASE_URL}/auth/oidc.callback`],
        loginUrl: `${BASE_URL}/auth/oidc`,
        logoutUrl: null,
        scopes: ['openid', 'profile', 'email'],
        claims: ['sub', 'email', 'name', 'preferred_username'],
        instructions: [
          'OIDC_CLIENT_ID=<appId>, OIDC_CLIENT_SECRET=<secret from addPassword>',
          'OIDC_AUTH_URI / OIDC_TOKEN_URI / OIDC_USERINFO_URI: the endpoints of the tenant OpenID configuration',
          'OIDC_USERNAME_CLAIM=preferred_username, OIDC_DISPLAY_NAME=Portico, OIDC_SCOPES="openid profile email"',
        ],
      },
    },
  }),
];

export const findApplicationTemplate = (id: string): ApplicationTemplate | undefined =>
  applicationTemplates.find((t) => t.id === id.toLowerCase());

/** Replaces `{baseUrl}` with the application's address (without a trailing slash). */
export const fillBaseUrl = (pattern: string, baseUrl: string): string =>
  pattern.replaceAll(BASE_URL, baseUrl.replace(/\/+$/, ''));
