import type { PropSpec, ResourceSpec } from '../../odata/query.js';

const STR = ['eq', 'ne', 'in', 'startswith', 'not'] as const;
const ID: PropSpec = { type: 'guid', filter: ['eq', 'ne', 'in', 'not'] };
const DATES = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;

/** Properties both kinds of request share (requester, decision, dates). */
const common: Record<string, PropSpec> = {
  id: { ...ID, column: 'id' },
  requesterId: { ...ID, column: 'requester_id' },
  requesterDisplayName: { type: 'string', column: 'requester_display_name', filter: STR, ci: true },
  requesterUserPrincipalName: { type: 'string', column: 'requester_user_principal_name', filter: STR, ci: true },
  createdDateTime: { type: 'datetime', column: 'created_date_time', filter: DATES },
  decidedById: { ...ID, column: 'decided_by_id' },
  decidedByDisplayName: { type: 'string' },
  decidedDateTime: { type: 'datetime', column: 'decided_date_time', filter: DATES },
  decisionReason: { type: 'string' },
};

/**
 * A request collection: the common properties, `status` over the kind's life-cycle states, and the
 * kind's own; `$search` on the requested object's name and the requester's.
 */
const requestsResource = (
  name: string,
  searchableName: string,
  statuses: readonly string[],
  own: Record<string, PropSpec>,
): ResourceSpec => ({
  name,
  idColumn: 'id',
  searchable: [searchableName, 'requesterDisplayName'],
  properties: {
    ...common,
    status: { type: 'enum', column: 'status', values: statuses, filter: ['eq', 'ne', 'in', 'not'] },
    ...own,
  },
});

/** OData description of appAccessRequest collections (newest first; `$filter` on status and more). */
export const appAccessRequestsResource: ResourceSpec = requestsResource(
  'appAccessRequests',
  'appDisplayName',
  ['pending', 'approved', 'denied', 'canceled', 'failed'],
  {
    servicePrincipalId: { ...ID, column: 'service_principal_id' },
    appId: { ...ID, column: 'app_id' },
    appDisplayName: { type: 'string', column: 'app_display_name', filter: STR, ci: true },
    justification: { type: 'string' },
    groupId: { ...ID, column: 'group_id' },
    appRoleId: { ...ID, column: 'app_role_id' },
    requireApproval: { type: 'boolean', column: 'require_approval', filter: ['eq', 'ne'] },
  },
);

/** OData description of groupJoinRequest collections. */
export const groupJoinRequestsResource: ResourceSpec = requestsResource(
  'groupJoinRequests',
  'groupDisplayName',
  ['pending', 'approved', 'rejected', 'canceled', 'failed'],
  {
    groupId: { ...ID, column: 'group_id' },
    groupDisplayName: { type: 'string', column: 'group_display_name', filter: STR, ci: true },
    justification: { type: 'string' },
  },
);
