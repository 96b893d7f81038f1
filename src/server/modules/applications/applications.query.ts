import { DATE_FILTERS, equalityProperty, STRING_FILTERS } from '../../odata/properties.js';
import type { ResourceSpec } from '../../odata/query.js';

/** OData description of the servicePrincipals collection. */
export const servicePrincipalsResource: ResourceSpec = {
  name: 'servicePrincipals',
  idColumn: 'id',
  searchable: ['displayName', 'description'],
  properties: {
    id: equalityProperty('guid', 'id'),
    appId: equalityProperty('guid', 'app_id'),
    appDisplayName: { type: 'string', column: 'display_name', filter: STRING_FILTERS, ci: true },
    displayName: { type: 'string', column: 'display_name', filter: STRING_FILTERS, ci: true, orderable: true, notNull: true },
    description: { type: 'string', column: 'description', filter: STRING_FILTERS, ci: true },
    notes: { type: 'string' },
    homepage: { type: 'string', column: 'homepage', filter: ['eq', 'ne', 'startswith'], ci: true },
    loginUrl: { type: 'string', column: 'login_url', filter: ['eq', 'ne', 'startswith'], ci: true },
    logoutUrl: { type: 'string' },
    replyUrls: { type: 'stringCollection', column: 'reply_urls', filter: ['any', 'eq', 'startswith'], ci: true },
    preferredSingleSignOnMode: {
      type: 'enum',
      column: 'preferred_single_sign_on_mode',
      values: ['oidc', 'saml', 'notSupported', 'password'],
      filter: ['eq', 'ne', 'in', 'not'],
    },
    appRoleAssignmentRequired: { type: 'boolean', column: 'app_role_assignment_required', filter: ['eq', 'ne', 'not'] },
    appRoles: { type: 'stringCollection' },
    tags: { type: 'stringCollection', column: 'tags', filter: ['any', 'eq', 'in', 'startswith', 'not'], ci: true },
    accountEnabled: { type: 'boolean', column: 'account_enabled', filter: ['eq', 'ne', 'not'] },
    info: { type: 'string' },
    servicePrincipalNames: {
      type: 'stringCollection',
      column: 'service_principal_names',
      filter: ['any', 'eq', 'in', 'startswith', 'not'],
      ci: true,
    },
    samlSingleSignOnSettings: { type: 'string' },
    samlSettings: { type: 'string' },
    servicePrincipalType: { type: 'string' },
    signInAudience: { type: 'string' },
    applicationTemplateId: { type: 'string', column: 'application_template_id', filter: ['eq', 'ne', 'in'] },
    keyCredentials: { type: 'stringCollection' },
    passwordCredentials: { type: 'stringCollection' },
    selfServiceAccess: { type: 'string' },
    createdDateTime: { type: 'datetime', column: 'created_date_time', filter: DATE_FILTERS, orderable: true },
  },
};

/** OData description of appRoleAssignment collections (appRoleAssignedTo, appRoleAssignments). */
export const appRoleAssignmentsResource: ResourceSpec = {
  name: 'appRoleAssignments',
  idColumn: 'id',
  searchable: ['principalDisplayName', 'resourceDisplayName'],
  properties: {
    id: { type: 'string', column: 'id', filter: ['eq', 'ne', 'in'] },
    appRoleId: equalityProperty('guid', 'app_role_id'),
    createdDateTime: { type: 'datetime', column: 'created_date_time', filter: DATE_FILTERS, orderable: true },
    deletedDateTime: { type: 'datetime' },
    principalDisplayName: { type: 'string', column: 'principal_display_name', filter: STRING_FILTERS, ci: true, orderable: true },
    principalId: equalityProperty('guid', 'principal_id'),
    principalType: { type: 'enum', column: 'principal_type', values: ['User', 'Group'], filter: ['eq', 'ne', 'in', 'not'] },
    resourceDisplayName: {
      type: 'string',
      column: 'resource_display_name',
      filter: STRING_FILTERS,
      ci: true,
      orderable: true,
      notNull: true,
    },
    resourceId: equalityProperty('guid', 'resource_id'),
  },
};

/** OData description of the applicationTemplates collection (filtered in memory: a fixed list). */
export const applicationTemplatesResource: ResourceSpec = {
  name: 'applicationTemplates',
  idColumn: 'id',
  properties: {
    id: { type: 'string' },
    displayName: { type: 'string' },
    description: { type: 'string' },
    publisher: { type: 'string' },
    categories: { type: 'stringCollection' },
    homePageUrl: { type: 'string' },
    logoUrl: { type: 'string' },
    supportedSingleSignOnModes: { type: 'stringCollection' },
    supportedProvisioningTypes: { type: 'stringCollection' },
    singleSignOnSettings: { type: 'string' },
    appRoles: { type: 'stringCollection' },
  },
};
