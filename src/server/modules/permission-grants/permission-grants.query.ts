import type { ResourceSpec } from '../../odata/query.js';

/** OData description of /oauth2PermissionGrants (`$filter=clientId eq '…'` is what tools send). */
export const permissionGrantsResource: ResourceSpec = {
  name: 'oauth2PermissionGrants',
  idColumn: 'id',
  properties: {
    id: { type: 'string', column: 'id', filter: ['eq', 'ne', 'in', 'not'] },
    clientId: { type: 'guid', column: 'client_id', filter: ['eq', 'ne', 'in', 'not'] },
    consentType: { type: 'string', column: 'consent_type', filter: ['eq', 'ne', 'in', 'not'] },
    principalId: { type: 'guid', column: 'principal_id', filter: ['eq', 'ne', 'in', 'not'] },
    resourceId: { type: 'guid', column: 'resource_id', filter: ['eq', 'ne', 'in', 'not'] },
    scope: { type: 'string' },
  },
};
