import { equalityProperty } from '../../odata/properties.js';
import type { ResourceSpec } from '../../odata/query.js';

/** OData description of /oauth2PermissionGrants (`$filter=clientId eq '…'` is what tools send). */
export const permissionGrantsResource: ResourceSpec = {
  name: 'oauth2PermissionGrants',
  idColumn: 'id',
  properties: {
    id: equalityProperty('string', 'id'),
    clientId: equalityProperty('guid', 'client_id'),
    consentType: equalityProperty('string', 'consent_type'),
    principalId: equalityProperty('guid', 'principal_id'),
    resourceId: equalityProperty('guid', 'resource_id'),
    scope: { type: 'string' },
  },
};
