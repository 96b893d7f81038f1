import type { ResourceSpec } from '../../odata/query.js';

const STR = ['eq', 'ne', 'in', 'startswith', 'not'] as const;
const DATES = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;

/**
 * OData description of the applications collection. Columns name the row of the registration
 * joined with its service principal (app-registrations.repository.ts).
 */
export const applicationsResource: ResourceSpec = {
  name: 'applications',
  idColumn: 'id',
  searchable: ['displayName', 'description'],
  properties: {
    id: { type: 'guid', column: 'id', filter: ['eq', 'ne', 'in', 'not'] },
    appId: { type: 'guid', column: 'app_id', filter: ['eq', 'ne', 'in', 'not'] },
    displayName: { type: 'string', column: 'display_name', filter: STR, ci: true, orderable: true, notNull: true },
    description: { type: 'string', column: 'description', filter: STR, ci: true },
    notes: { type: 'string' },
    createdDateTime: { type: 'datetime', column: 'created_date_time', filter: DATES, orderable: true },
    deletedDateTime: { type: 'datetime' },
    identifierUris: {
      type: 'stringCollection',
      column: 'service_principal_names',
      filter: ['any', 'eq', 'startswith'],
      ci: true,
    },
    signInAudience: { type: 'string' },
    appRoles: { type: 'stringCollection' },
    info: { type: 'string' },
    isFallbackPublicClient: { type: 'boolean' },
    keyCredentials: { type: 'stringCollection' },
    passwordCredentials: { type: 'stringCollection' },
    publicClient: { type: 'string' },
    spa: { type: 'string' },
    web: { type: 'string' },
    requiredResourceAccess: { type: 'stringCollection' },
    tags: { type: 'stringCollection' },
  },
};
