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

/** OData description of appAccessRequest collections (newest first; `$filter` on status and more). */
export const appAccessRequestsResource: ResourceSpec = {
  name: 'appAccessRequests',
  idColumn: 'id',
  searchable: ['appDisplayName', 'requesterDisplayName'],
  properties: {
    ...common,
    status: {
      type: 'enum',
      column: 'status',
      values: ['pending', 'approved', 'denied', 'canceled', 'failed'],
      filter: ['eq', 'ne', 'in', 'not'],
    },
    servicePrincipalId: { ...ID, column: 'service_principal_id' },
    appId: { ...ID, column: 'app_id' },
    appDisplayName: { type: 'string', column: 'app_display_name', filter: STR, ci: true },
    justification: { type: 'string' },
    groupId: { ...ID, column: 'group_id' },
    appRoleId: { ...ID, column: 'app_role_id' },
    requireApproval: { type: 'boolean', column: 'require_approval', filter: ['eq', 'ne'] },
  },
};

/** OData description of groupJoinRequest collections. */
export const groupJoinRequestsResource: ResourceSpec = {
  name: 'groupJoinRequests',
  idColumn: 'id',
  searchable: ['groupDisplayName', 'requesterDisplayName'],
  properties: {
    ...common,
    status: {
      type: 'enum',
      column: 'status',
      values: ['pending', 'approved', 'rejected', 'canceled', 'failed'],
      filter: ['eq', 'ne', 'in', 'not'],
    },
    groupId: { ...ID, column: 'group_id' },
    groupDisplayName: { type: 'string', column: 'group_display_name', filter: STR, ci: true },
    justification: { type: 'string' },
  },
};
