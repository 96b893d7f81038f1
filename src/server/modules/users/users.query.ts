import { provisioningResource, type ResourceSpec } from '../../odata/query.js';

/** OData description of the users collection: which properties filter, sort and search how. */
export const usersResource: ResourceSpec = {
  name: 'users',
  idColumn: 'id',
  searchable: ['displayName', 'mail', 'userPrincipalName', 'givenName', 'surname'],
  properties: {
    id: { type: 'guid', column: 'id', filter: ['eq', 'ne', 'in', 'not'] },
    displayName: {
      type: 'string',
      column: 'display_name',
      filter: ['eq', 'ne', 'in', 'startswith', 'not'],
      ci: true,
      orderable: true,
      notNull: true,
    },
    givenName: { type: 'string', column: 'given_name', filter: ['eq', 'ne', 'in', 'startswith', 'not'], ci: true },
    surname: { type: 'string', column: 'surname', filter: ['eq', 'ne', 'in', 'startswith', 'not'], ci: true },
    mail: { type: 'string', column: 'mail', filter: ['eq', 'ne', 'in', 'startswith', 'not'], ci: true },
    otherMails: { type: 'stringCollection', column: 'other_mails', filter: ['any'], ci: true },
    userPrincipalName: {
      type: 'string',
      column: 'user_principal_name',
      filter: ['eq', 'ne', 'in', 'startswith', 'not'],
      ci: true,
      orderable: true,
      notNull: true,
    },
    userType: { type: 'enum', column: 'user_type', values: ['Member', 'Guest'], filter: ['eq', 'ne', 'in', 'not'] },
    accountEnabled: { type: 'boolean', column: 'account_enabled', filter: ['eq', 'ne', 'not'] },
    creationType: { type: 'string', column: 'creation_type', filter: ['eq', 'ne', 'in', 'not'] },
    externalUserState: {
      type: 'enum',
      column: 'external_user_state',
      values: ['PendingAcceptance', 'Accepted'],
      filter: ['eq', 'ne', 'in', 'not'],
    },
    externalUserStateChangeDateTime: {
      type: 'datetime',
      column: 'external_user_state_change_date_time',
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
    },
    createdDateTime: {
      type: 'datetime',
      column: 'created_date_time',
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
      orderable: true,
    },
    identities: { type: 'stringCollection' },
    department: { type: 'string', column: 'department', filter: ['eq', 'ne', 'in', 'startswith', 'not'], ci: true },
    jobTitle: { type: 'string', column: 'job_title', filter: ['eq', 'ne', 'in', 'startswith', 'not'], ci: true },
    companyName: { type: 'string', column: 'company_name', filter: ['eq', 'ne', 'in', 'startswith', 'not'], ci: true },
    preferredLanguage: { type: 'string', column: 'preferred_language', filter: ['eq', 'ne'] },
    country: { type: 'string', column: 'country', filter: ['eq', 'ne', 'in', 'startswith', 'not'], ci: true },
    city: { type: 'string', column: 'city', filter: ['eq', 'ne', 'in', 'startswith', 'not'], ci: true },
    signInSessionsValidFromDateTime: { type: 'datetime' },
  },
};

/**
 * The users collection as provisioning (SCIM) filters it: Graph's properties, string comparisons
 * with every operator SCIM has (`co`, `ew`, `gt`…), and the client's `externalId` (case-exact).
 */
export const provisionedUsersResource: ResourceSpec = provisioningResource(usersResource, {
  otherMails: { type: 'stringCollection', column: 'other_mails', filter: ['any', 'eq', 'startswith', 'not'], ci: true },
});
