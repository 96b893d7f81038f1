import { type DirectoryObject, type Group, type GroupJoinPolicy, MAX_BIND_REFERENCES } from '../../../contracts/groups.js';
import type { User } from '../../../contracts/users.js';
import type { Caller } from '../../domain/authorization.js';
import { DomainError, invalid } from '../../domain/errors.js';
import { RoleIds } from '../../domain/roles.js';
import { type ModifiedProperty, type TargetResource, userTarget } from '../audit/audit.service.js';
import type { ObjectRef } from './groups.repository.js';

/** Graph's rules for groups (entra-behaviour.md §6.1), pure: no I/O, shared by the group use cases. */

export const UNIFIED = 'Unified';
export const DYNAMIC = 'DynamicMembership';
const GROUP_ADMIN_ROLES: readonly string[] = [
  RoleIds.globalAdministrator,
  RoleIds.userAdministrator,
  RoleIds.groupsAdministrator,
];

export const isUnified = (g: Pick<Group, 'groupTypes'>): boolean => g.groupTypes.includes(UNIFIED);
export const isDynamic = (g: Pick<Group, 'groupTypes'>): boolean => g.groupTypes.includes(DYNAMIC);
export const isSynced = (g: Group): boolean => g.onPremisesSyncEnabled === true;
export const isGroupAdmin = (c: Caller): boolean => c.kind === 'user' && GROUP_ADMIN_ROLES.some((r) => c.roles.has(r));

export const refExists = (property: 'members' | 'owners'): DomainError =>
  new DomainError(
    'group_reference_exists',
    `One or more added object references already exist for the following modified properties: '${property}'.`,
  );

export const groupTarget = (g: Group, modifiedProperties: ModifiedProperty[] = []): TargetResource => ({
  id: g.id,
  displayName: g.displayName,
  type: 'Group',
  groupType: isUnified(g) ? 'unifiedGroups' : 'azureAD',
  modifiedProperties,
});

/** A directory object an `@odata.id` reference resolved to. */
export type Resolved = { ref: ObjectRef; user?: User; group?: Group };

export const objectTarget = (o: Resolved, modifiedProperties: ModifiedProperty[] = []): TargetResource =>
  o.user
    ? userTarget(o.user, modifiedProperties)
    : o.group
      ? groupTarget(o.group, modifiedProperties)
      : { id: o.ref.id, displayName: null, type: 'Other', modifiedProperties };

export const groupProps = (g: Group): ModifiedProperty[] => [
  { displayName: 'Group.ObjectID', oldValue: null, newValue: JSON.stringify(g.id) },
  { displayName: 'Group.DisplayName', oldValue: null, newValue: JSON.stringify(g.displayName) },
];

/** Canonical `groupTypes`: Graph accepts only these four combinations (entra-behaviour.md §6.1). */
export function canonicalGroupTypes(types: readonly string[]): string[] {
  const set = new Set(types.map((t) => t.toLowerCase()));
  const unified = set.delete('unified');
  const dynamic = set.delete('dynamicmembership');
  if (set.size > 0 || types.length !== Number(unified) + Number(dynamic)) {
    throw invalid('group_types_invalid', undefined, 'groupTypes');
  }
  return [...(unified ? [UNIFIED] : []), ...(dynamic ? [DYNAMIC] : [])];
}

function validateKind(g: Group): void {
  if (isUnified(g)) {
    if (!g.mailEnabled) {
      throw invalid(
        'group_mail_enabled_invalid',
        'Microsoft 365 groups (groupTypes contains "Unified") must have mailEnabled set to true.',
        'mailEnabled',
      );
    }
    return;
  }
  if (g.mailEnabled) {
    throw invalid(
      'group_mail_enabled_invalid',
      'The service does not currently support writes of mail-enabled security groups: set mailEnabled to false, or create a Microsoft 365 group (groupTypes ["Unified"]).',
      'mailEnabled',
    );
  }
  if (!g.securityEnabled) throw invalid('group_security_required', undefined, 'securityEnabled');
  if (g.visibility === 'Hiddenmembership') {
    throw invalid(
      'group_visibility_invalid',
      "Visibility 'Hiddenmembership' is only supported for Microsoft 365 groups.",
      'visibility',
    );
  }
}

/**
 * The join policy a new group gets when none is given: Entra's defaults for groups created through
 * the API or the admin centre (entra-behaviour.md §6.5): a Microsoft 365 group is open when Public
 * and needs an owner's approval otherwise; a security group is not joinable; nor are dynamic or
 * synced groups, whose members come from elsewhere.
 */
export function defaultJoinPolicy(g: Pick<Group, 'groupTypes' | 'visibility' | 'onPremisesSyncEnabled'>): GroupJoinPolicy {
  if (isDynamic(g) || g.onPremisesSyncEnabled === true || !isUnified(g)) return 'closed';
  return g.visibility === 'Public' ? 'open' : 'ownerApproval';
}

/** Rules that hold for every stored group, checked on create and on the merged result of a PATCH. */
export function validateGroupShape(g: Group): void {
  validateKind(g);
  if ((isDynamic(g) || isSynced(g)) && g.joinPolicy !== 'closed') {
    throw invalid(
      'group_join_policy_invalid',
      `The join policy of a ${isDynamic(g) ? 'dynamic group (its members come from its rule)' : 'synced group (its members come from the directory it is synced from)'} is always 'closed'.`,
      'joinPolicy',
    );
  }
  if (isDynamic(g) && !g.membershipRule) {
    throw invalid(
      'group_membership_rule_invalid',
      'A dynamic group (groupTypes contains "DynamicMembership") requires a membershipRule.',
      'membershipRule',
    );
  }
  if (!isDynamic(g) && g.membershipRule) {
    throw invalid(
      'group_membership_rule_invalid',
      'membershipRule can only be set on a dynamic group: add "DynamicMembership" to groupTypes.',
      'membershipRule',
    );
  }
  if (g.isAssignableToRole) {
    if (!g.securityEnabled) {
      throw invalid(
        'group_role_assignable_invalid',
        'A role-assignable group must have securityEnabled set to true.',
        'isAssignableToRole',
      );
    }
    if (isDynamic(g)) {
      throw invalid('group_role_assignable_invalid', 'A role-assignable group cannot be a dynamic group.', 'isAssignableToRole');
    }
    if (g.visibility !== 'Private') {
      throw invalid('group_role_assignable_invalid', "A role-assignable group must have visibility 'Private'.", 'visibility');
    }
  }
}

export const processingStateOnlyOnDynamic = (): DomainError =>
  invalid(
    'group_membership_rule_invalid',
    'membershipRuleProcessingState can only be set on a dynamic group.',
    'membershipRuleProcessingState',
  );

export const diffGroups = (before: Group, after: Group): ModifiedProperty[] =>
  (Object.keys(after) as (keyof Group)[])
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => ({ displayName: k, oldValue: JSON.stringify(before[k]), newValue: JSON.stringify(after[k]) }));

export const asDirectoryObject = (o: { user?: User; group?: Group }): DirectoryObject | undefined =>
  o.user
    ? { '@odata.type': '#microsoft.graph.user', ...o.user }
    : o.group
      ? { '@odata.type': '#microsoft.graph.group', ...o.group }
      : undefined;

/** Members and owners bound in one request: at most 20 (Graph's limit), all or nothing. */
export function checkBindCount(...lists: (readonly string[] | undefined)[]): void {
  const n = lists.reduce((sum, l) => sum + (l?.length ?? 0), 0);
  if (n > MAX_BIND_REFERENCES) {
    throw new DomainError(
      'group_too_many_references',
      `At most ${MAX_BIND_REFERENCES} members and owners can be added in one request; this request has ${n}.`,
    );
  }
}

/**
 * Members of dynamic groups come from their rule (written by the rule engine, never through this
 * check), of synced groups from their source directory (the trusted system caller).
 */
export function refuseManualMembership(group: Group, caller?: Caller): void {
  if (isDynamic(group)) throw new DomainError('group_dynamic_membership');
  if (isSynced(group) && caller?.kind !== 'system') {
    throw new DomainError(
      'group_synced',
      'Unable to update the specified properties for objects that have originated within an external service: the members of this group are managed by the directory it is synced from.',
    );
  }
}
