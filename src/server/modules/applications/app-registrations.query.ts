import { DATE_FILTERS, equalityProperty, STRING_FILTERS } from '../../odata/properties.js';
import type { ResourceSpec } from '../../odata/query.js';

/**
 * OData description of the applications collection. Columns name the row of the registration
 * joined with its service principal (app-registrations.repository.ts).
 */
export const applicationsResource: ResourceSpec = {
  name: 'applications',
  idColumn: 'id',
  searchable: ['displayName', 'description'],
  properties: {
    id: equalityProperty('guid', 'id'),
    appId: equalityProperty('guid', 'app_id'),
    displayName: { type: 'string', column: 'display_name', filter: STRING_FILTERS, ci: true, orderable: true, notNull: true },
    description: { type: 'string', column: 'description', filter: STRING_FILTERS, ci: true },
    notes: { type: 'string' },
    createdDateTime: { type: 'datetime', column: 'created_date_time', filter: DATE_FILTERS, orderable: true },
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
