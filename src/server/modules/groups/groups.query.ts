import { DomainError } from '../../domain/errors.js';
import { type CustomCompiler, type PropSpec, provisioningResource, type ResourceSpec } from '../../odata/query.js';
import { usersResource } from '../users/users.query.js';

const STR = ['eq', 'ne', 'in', 'startswith', 'not'] as const;

/** An enum property of one of `values`, filtered by equality, `in` and `not`. */
const oneOf = (column: string, values: string[]): PropSpec => ({
  type: 'enum',
  column,
  values,
  filter: ['eq', 'ne', 'in', 'not'],
});

/** OData description of the groups collection. */
export const groupsResource: ResourceSpec = {
  name: 'groups',
  idColumn: 'id',
  searchable: ['displayName', 'description', 'mailNickname', 'mail'],
  properties: {
    id: { type: 'guid', column: 'id', filter: ['eq', 'ne', 'in', 'not'] },
    displayName: { type: 'string', column: 'display_name', filter: STR, ci: true, orderable: true, notNull: true },
    description: { type: 'string', column: 'description', filter: STR, ci: true },
    mailNickname: { type: 'string', column: 'mail_nickname', filter: STR, ci: true },
    mail: { type: 'string', column: 'mail', filter: STR, ci: true },
    mailEnabled: { type: 'boolean', column: 'mail_enabled', filter: ['eq', 'ne', 'not'] },
    securityEnabled: { type: 'boolean', column: 'security_enabled', filter: ['eq', 'ne', 'not'] },
    groupTypes: { type: 'stringCollection', column: 'group_types', filter: ['any', 'eq', 'in', 'not'], ci: true },
    membershipRule: { type: 'string', column: 'membership_rule', filter: ['eq', 'ne', 'startswith'] },
    membershipRuleProcessingState: {
      type: 'enum',
      column: 'membership_rule_processing_state',
      values: ['On', 'Paused'],
      filter: ['eq', 'ne', 'in'],
    },
    onPremisesSyncEnabled: { type: 'boolean', column: 'on_premises_sync_enabled', filter: ['eq', 'ne', 'not'] },
    visibility: oneOf('visibility', ['Public', 'Private', 'Hiddenmembership']),
    isAssignableToRole: { type: 'boolean', column: 'is_assignable_to_role', filter: ['eq', 'ne', 'not'] },
    joinPolicy: oneOf('join_policy', ['open', 'ownerApproval', 'closed']),
    createdDateTime: {
      type: 'datetime',
      column: 'created_date_time',
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
      orderable: true,
    },
  },
};

/**
 * OData description of mixed directoryObject collections (members, owners). `$select` accepts any
 * user or group property; `$filter`/`$orderby` work on the properties both kinds share.
 */
export const directoryObjectsResource: ResourceSpec = {
  name: 'directoryObjects',
  idColumn: 'id',
  searchable: ['displayName', 'mail'],
  properties: {
    ...Object.fromEntries(
      [...Object.keys(usersResource.properties), ...Object.keys(groupsResource.properties)].map((k): [string, PropSpec] => [
        k,
        { type: 'string' },
      ]),
    ),
    id: { type: 'guid', column: 'id', filter: ['eq', 'ne', 'in', 'not'] },
    displayName: { type: 'string', column: 'display_name', filter: STR, ci: true, orderable: true, notNull: true },
    mail: { type: 'string', column: 'mail', filter: STR, ci: true },
    createdDateTime: {
      type: 'datetime',
      column: 'created_date_time',
      filter: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
      orderable: true,
    },
  },
};

/** `members/value eq '{id}'`: the groups the object is a direct member of. */
const directMemberIs: CustomCompiler = (node, eb) => {
  if (node.type !== 'compare' || node.op !== 'eq' || node.value.kind !== 'string') {
    throw new DomainError('odata_query_invalid', "Only 'eq' with a quoted object id is supported on members/value.");
  }
  const memberId = node.value.value.toLowerCase();
  return eb(
    'groups.id',
    'in',
    eb.selectFrom('group_members').select('group_members.group_id').where('group_members.member_id', '=', memberId),
  );
};

/**
 * The groups collection as provisioning (SCIM) filters it: Graph's properties, string comparisons
 * with every SCIM operator, the client's `externalId` (case-exact) and direct members (`members/value`).
 */
export const provisionedGroupsResource: ResourceSpec = provisioningResource(
  groupsResource,
  {},
  { 'members/value': directMemberIs },
);
