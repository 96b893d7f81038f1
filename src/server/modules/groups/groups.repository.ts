import { type SelectQueryBuilder, sql } from 'kysely';
import type { Group, GroupJoinPolicy, GroupVisibility, MembershipRuleProcessingState } from '../../../contracts/groups.js';
import type { Executor } from '../../db/index.js';
import { rowById, rowsByIds } from '../../db/tenant-rows.js';
import { type ODataQuery, queryPage, type ResourceSpec } from '../../odata/query.js';
import { directoryObjectsResource, groupsResource } from './groups.query.js';
import type { GroupMembersTable, GroupOwnersTable, GroupsTable } from './groups.table.js';

export const toGroup = (r: GroupsTable): Group => ({
  id: r.id,
  displayName: r.display_name,
  description: r.description,
  mailNickname: r.mail_nickname,
  mail: r.mail,
  mailEnabled: r.mail_enabled === 1,
  securityEnabled: r.security_enabled === 1,
  groupTypes: JSON.parse(r.group_types) as string[],
  membershipRule: r.membership_rule,
  membershipRuleProcessingState: r.membership_rule_processing_state as MembershipRuleProcessingState | null,
  onPremisesSyncEnabled: r.on_premises_sync_enabled === null ? null : r.on_premises_sync_enabled === 1,
  visibility: r.visibility as GroupVisibility | null,
  isAssignableToRole: r.is_assignable_to_role === 1,
  joinPolicy: r.join_policy as GroupJoinPolicy,
  createdDateTime: r.created_date_time,
});

export const toRow = (tenantId: string, g: Group, createdByUserId: string | null): GroupsTable => ({
  id: g.id,
  tenant_id: tenantId,
  display_name: g.displayName,
  description: g.description,
  mail_nickname: g.mailNickname,
  mail_nickname_lower: g.mailNickname.toLowerCase(),
  mail: g.mail,
  mail_enabled: g.mailEnabled ? 1 : 0,
  security_enabled: g.securityEnabled ? 1 : 0,
  group_types: JSON.stringify(g.groupTypes),
  membership_rule: g.membershipRule,
  membership_rule_processing_state: g.membershipRuleProcessingState,
  on_premises_sync_enabled: g.onPremisesSyncEnabled === null ? null : g.onPremisesSyncEnabled ? 1 : 0,
  visibility: g.visibility,
  is_assignable_to_role: g.isAssignableToRole ? 1 : 0,
  join_policy: g.joinPolicy,
  created_by_user_id: createdByUserId,
  created_date_time: g.createdDateTime,
});

// ---------------------------------------------------------------------------------------------
// Groups

export async function findGroup(db: Executor, tenantId: string, id: string): Promise<Group | undefined> {
  const r = await rowById(db.selectFrom('groups').selectAll(), tenantId, id);
  return r && toGroup(r);
}

export async function findGroupsByIds(db: Executor, tenantId: string, ids: readonly string[]): Promise<Group[]> {
  const rows = await rowsByIds(db.selectFrom('groups').selectAll(), tenantId, ids);
  return rows.map(toGroup);
}

/** True when another Microsoft 365 group of the tenant already uses the mail nickname. */
export async function unifiedMailNicknameTaken(
  db: Executor,
  tenantId: string,
  nickname: string,
  exceptId?: string,
): Promise<boolean> {
  let q = db
    .selectFrom('groups')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('mail_nickname_lower', '=', nickname.toLowerCase())
    .where('group_types', 'like', '%"Unified"%');
  if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function insertGroup(db: Executor, tenantId: string, g: Group, createdByUserId: string | null): Promise<void> {
  await db
    .insertInto('groups')
    .values(toRow(tenantId, g, createdByUserId))
    .execute();
}

export async function updateGroupRow(db: Executor, tenantId: string, g: Group): Promise<void> {
  const { id: _id, tenant_id: _t, created_date_time: _c, created_by_user_id: _cb, ...values } = toRow(tenantId, g, null);
  await db.updateTable('groups').set(values).where('tenant_id', '=', tenantId).where('id', '=', g.id).execute();
}

/**
 * Deletes a group with its own member/owner rows (FK cascade) and its memberships in other groups
 * (the member side has no foreign key because it is polymorphic).
 */
export async function deleteGroupRow(db: Executor, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('member_id', '=', id).execute();
  await db.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('group_id', '=', id).execute();
  await db.deleteFrom('group_owners').where('tenant_id', '=', tenantId).where('group_id', '=', id).execute();
  await db.deleteFrom('groups').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** Removes every membership and ownership held by a directory object (user deletion). */
export async function deleteReferencesTo(db: Executor, tenantId: string, objectId: string): Promise<void> {
  await db.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('member_id', '=', objectId).execute();
  await db.deleteFrom('group_owners').where('tenant_id', '=', tenantId).where('owner_id', '=', objectId).execute();
}

export async function listGroups(
  db: Executor,
  tenantId: string,
  q: ODataQuery,
  restrictToIds?: IdSource,
  spec: ResourceSpec = groupsResource,
): Promise<{ items: Group[]; skiptoken?: string; count?: number }> {
  let base = db.selectFrom('groups').where('groups.tenant_id', '=', tenantId);
  if (restrictToIds) base = base.where('groups.id', 'in', restrictToIds(db));
  const { rows, ...page } = await queryPage<GroupsTable>(base, (b) => b.selectAll('groups'), spec, q);
  return { ...page, items: rows.map(toGroup) };
}

/** The SCIM externalIds of some groups (those that have one). */
export async function findGroupExternalIds(db: Executor, tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await rowsByIds(
    db.selectFrom('groups').select(['id', 'external_id']).where('external_id', 'is not', null),
    tenantId,
    ids,
  );
  return new Map(rows.map((r) => [r.id, r.external_id as string]));
}

export async function setGroupExternalId(db: Executor, tenantId: string, id: string, externalId: string | null): Promise<void> {
  await db
    .updateTable('groups')
    .set({ external_id: externalId })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Relationships

/** A subquery selecting directory object ids (one column named `id`); `any` because CTE tables are not in DB. */
export type IdSource = (db: Executor) => SelectQueryBuilder<any, any, { id: string }>;

export const directMemberIds =
  (tenantId: string, groupId: string): IdSource =>
  (db) =>
    db.selectFrom('group_members').select('member_id as id').where('tenant_id', '=', tenantId).where('group_id', '=', groupId);

/**
 * Members of the group and, recursively, of its member groups. UNION (not ALL) ends cycles, so the
 * work is bounded by the tenant's memberships. The recursive step has no tenant condition on
 * purpose: memberships never cross tenants (the anchor is tenant-bound), and with one SQLite
 * planned the step as an automatic index over the whole tenant's memberships, rebuilt per step
 * (seconds on 1M memberships), instead of a lookup in the (group_id, member_id) / (member_id,
 * group_id) indexes.
 */
export const transitiveMemberIds =
  (tenantId: string, groupId: string): IdSource =>
  (db) =>
    db
      .withRecursive('tm(id)', (qb) =>
        qb
          .selectFrom('group_members')
          .select('member_id as id')
          .where('tenant_id', '=', tenantId)
          .where('group_id', '=', groupId)
          .union(qb.selectFrom('group_members as gm').innerJoin('tm', 'tm.id', 'gm.group_id').select('gm.member_id as id')),
      )
      .selectFrom('tm')
      .select('tm.id');

export const ownerIds =
  (tenantId: string, groupId: string): IdSource =>
  (db) =>
    db.selectFrom('group_owners').select('owner_id as id').where('tenant_id', '=', tenantId).where('group_id', '=', groupId);

export const memberOfIds =
  (tenantId: string, objectId: string): IdSource =>
  (db) =>
    db.selectFrom('group_members').select('group_id as id').where('tenant_id', '=', tenantId).where('member_id', '=', objectId);

/** Groups the object belongs to directly or through nested groups (bounded and indexed as `transitiveMemberIds`). */
export const transitiveMemberOfIds =
  (tenantId: string, objectId: string): IdSource =>
  (db) =>
    db
      .withRecursive('anc(id)', (qb) =>
        qb
          .selectFrom('group_members')
          .select('group_id as id')
          .where('tenant_id', '=', tenantId)
          .where('member_id', '=', objectId)
          .union(qb.selectFrom('group_members as gm').innerJoin('anc', 'anc.id', 'gm.member_id').select('gm.group_id as id')),
      )
      .selectFrom('anc')
      .select('anc.id');

export const ownedGroupIds =
  (tenantId: string, ownerId: string): IdSource =>
  (db) =>
    db.selectFrom('group_owners').select('group_id as id').where('tenant_id', '=', tenantId).where('owner_id', '=', ownerId);

export interface ObjectRef {
  id: string;
  type: 'user' | 'group';
}

interface ObjectRow {
  id: string;
  display_name: string;
  mail: string | null;
  created_date_time: string;
  object_type: string;
}

/**
 * Pages through the users and groups whose ids `ids` selects (the `directory_objects` read model), as one keyset-paged collection
 * (ordered by id, or by displayName/createdDateTime with `$orderby`). Returns references in page
 * order; the service loads the full objects.
 */
/** Up to this many ids are read first and bound as a list (see listDirectoryObjects). */
const MATERIALIZE_IDS = 1000;

export async function listDirectoryObjects(
  db: Executor,
  tenantId: string,
  ids: IdSource,
  q: ODataQuery,
): Promise<{ items: ObjectRef[]; skiptoken?: string; count?: number }> {
  // Usually few ids (a user's groups, a group's members): read them first and page over a literal
  // list, which both dialects answer with primary-key lookups. As a subquery, PostgreSQL misjudges
  // a recursive CTE's size and merge-joins the whole tenant's users in id order.
  const idRows = await ids(db)
    .limit(MATERIALIZE_IDS + 1)
    .execute();
  const base = db
    .selectFrom('directory_objects')
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', idRows.length > MATERIALIZE_IDS ? ids(db) : idRows.length ? idRows.map((r) => r.id) : ['']);
  const { rows, ...page } = await queryPage<ObjectRow>(
    base,
    (b) => b.select(['id', 'display_name', 'mail', 'created_date_time', 'object_type']),
    directoryObjectsResource,
    q,
  );
  return { ...page, items: rows.map((r) => ({ id: r.id, type: r.object_type === 'group' ? 'group' : 'user' })) };
}

/**
 * Takes the group's row lock (a no-op update) so that concurrent member/owner changes of one group
 * serialise on both dialects: PostgreSQL locks the row, SQLite takes the write lock up front.
 */
export async function lockGroup(db: Executor, tenantId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable('groups')
    .set((eb) => ({ display_name: eb.ref('display_name') }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function isDirectMember(db: Executor, tenantId: string, groupId: string, memberId: string): Promise<boolean> {
  const r = await db
    .selectFrom('group_members')
    .select('member_id')
    .where('tenant_id', '=', tenantId)
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return r !== undefined;
}

export async function isOwner(db: Executor, tenantId: string, groupId: string, ownerId: string): Promise<boolean> {
  const r = await db
    .selectFrom('group_owners')
    .select('owner_id')
    .where('tenant_id', '=', tenantId)
    .where('group_id', '=', groupId)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  return r !== undefined;
}

export async function countOwners(db: Executor, tenantId: string, groupId: string): Promise<number> {
  const r = await db
    .selectFrom('group_owners')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * True when `objectId` is `containerId` itself or one of its transitive members. Adding group X to
 * group G creates a cycle exactly when `containsTransitively(X, G)`.
 */
export async function containsTransitively(
  db: Executor,
  tenantId: string,
  containerId: string,
  objectId: string,
): Promise<boolean> {
  if (containerId === objectId) return true;
  const r = await db
    .selectFrom('groups')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', objectId)
    .where('id', 'in', transitiveMemberIds(tenantId, containerId)(db))
    .executeTakeFirst();
  return r !== undefined;
}

export async function insertMember(db: Executor, tenantId: string, groupId: string, m: ObjectRef, now: string): Promise<void> {
  await db
    .insertInto('group_members')
    .values({ tenant_id: tenantId, group_id: groupId, member_id: m.id, member_type: m.type, created_date_time: now })
    .execute();
}

/** Bulk load (`portico seed`): groups in one multi-row statement; the caller batches. */
export async function insertGroups(db: Executor, tenantId: string, groups: readonly Group[]): Promise<void> {
  if (groups.length === 0) return;
  await db
    .insertInto('groups')
    .values(groups.map((g) => toRow(tenantId, g, null)))
    .execute();
}

/** Bulk load (`portico seed`): memberships in one multi-row statement; the caller batches. */
export async function insertMembers(
  db: Executor,
  tenantId: string,
  members: readonly { groupId: string; member: ObjectRef }[],
  now: string,
): Promise<void> {
  if (members.length === 0) return;
  await db
    .insertInto('group_members')
    .values(
      members.map((m) => ({
        tenant_id: tenantId,
        group_id: m.groupId,
        member_id: m.member.id,
        member_type: m.member.type,
        created_date_time: now,
      })),
    )
    .execute();
}

export async function insertOwner(db: Executor, tenantId: string, groupId: string, ownerId: string, now: string): Promise<void> {
  await db
    .insertInto('group_owners')
    .values({ tenant_id: tenantId, group_id: groupId, owner_id: ownerId, owner_type: 'user', created_date_time: now })
    .execute();
}

/** Returns false when the object was not a member. */
export async function deleteMember(db: Executor, tenantId: string, groupId: string, memberId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('group_members')
    .where('tenant_id', '=', tenantId)
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Returns false when the object was not an owner. */
export async function deleteOwner(db: Executor, tenantId: string, groupId: string, ownerId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('group_owners')
    .where('tenant_id', '=', tenantId)
    .where('group_id', '=', groupId)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Ids of the groups the object is a DIRECT member of. */
export async function directGroupIds(db: Executor, tenantId: string, memberId: string): Promise<string[]> {
  const rows = await memberOfIds(tenantId, memberId)(db).execute();
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------
// Dynamic membership

/** The tenant's dynamic groups whose rule is processed (state On): what a user change is evaluated against. */
export async function listRuleProcessedGroups(db: Executor, tenantId: string): Promise<Group[]> {
  const rows = await db
    .selectFrom('groups')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('membership_rule_processing_state', '=', 'On')
    .where('membership_rule', 'is not', null)
    .where('group_types', 'like', '%"DynamicMembership"%')
    .execute();
  return rows.map(toGroup);
}

/** Which of `groupIds` the object is a direct member of. */
export async function memberOfAmong(
  db: Executor,
  tenantId: string,
  memberId: string,
  groupIds: readonly string[],
): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('group_members')
    .select('group_id')
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('group_id', 'in', [...groupIds])
    .execute();
  return new Set(rows.map((r) => r.group_id));
}

/** Every direct member of a group (a rule's recomputation compares them with the rule's result). */
export async function listDirectMembers(db: Executor, tenantId: string, groupId: string): Promise<ObjectRef[]> {
  const rows = await db
    .selectFrom('group_members')
    .select(['member_id', 'member_type'])
    .where('tenant_id', '=', tenantId)
    .where('group_id', '=', groupId)
    .execute();
  return rows.map((r) => ({ id: r.member_id, type: r.member_type === 'group' ? 'group' : 'user' }));
}

/** Ids of the users who own the group. */
export async function listOwnerIds(db: Executor, tenantId: string, groupId: string): Promise<string[]> {
  return (await ownerIds(tenantId, groupId)(db).execute()).map((r) => r.id);
}

/** Ids of the groups the user owns. */
export async function listOwnedGroupIds(db: Executor, tenantId: string, ownerId: string): Promise<string[]> {
  return (await ownedGroupIds(tenantId, ownerId)(db).execute()).map((r) => r.id);
}

/** A direct membership: `memberId` is a member of `groupId` since `createdDateTime`. */
export interface MembershipEdge {
  groupId: string;
  memberId: string;
  createdDateTime: string;
}

/**
 * Every direct membership above an object: its own, those of the groups it is in, and so on up
 * (the graph behind transitiveMemberOf, with its edges). One recursive query.
 */
export async function membershipEdgesAbove(db: Executor, tenantId: string, objectId: string): Promise<MembershipEdge[]> {
  const rows = await db
    .withRecursive('anc(id)', (qb) =>
      qb
        .selectFrom('group_members')
        .select('group_id as id')
        .where('tenant_id', '=', tenantId)
        .where('member_id', '=', objectId)
        .union(
          qb
            .selectFrom('group_members as gm')
            .innerJoin('anc', 'anc.id', 'gm.member_id')
            .select('gm.group_id as id')
            .where('gm.tenant_id', '=', tenantId),
        ),
    )
    .selectFrom('group_members as e')
    .select(['e.group_id', 'e.member_id', 'e.created_date_time'])
    .where('e.tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('e.member_id', '=', objectId), eb('e.member_id', 'in', eb.selectFrom('anc').select('anc.id'))]))
    .execute();
  return rows.map((r) => ({ groupId: r.group_id, memberId: r.member_id, createdDateTime: r.created_date_time }));
}

/** What soft delete keeps of a group or of a member's place in groups, for restore. */
export interface GroupReferenceSnapshot {
  group?: GroupsTable;
  members: GroupMembersTable[];
  owners: GroupOwnersTable[];
}

/** The group's row, its members and owners, and its own memberships (soft delete of a group). */
export async function snapshotGroupRows(db: Executor, tenantId: string, id: string): Promise<GroupReferenceSnapshot> {
  const group = await db
    .selectFrom('groups')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  const members = await db
    .selectFrom('group_members')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('group_id', '=', id), eb('member_id', '=', id)]))
    .execute();
  const owners = await db
    .selectFrom('group_owners')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('group_id', '=', id)
    .execute();
  return { ...(group ? { group } : {}), members, owners };
}

/** A principal's memberships and ownerships (soft delete of a user). */
export async function snapshotReferencesTo(db: Executor, tenantId: string, objectId: string): Promise<GroupReferenceSnapshot> {
  const members = await db
    .selectFrom('group_members')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', objectId)
    .execute();
  const owners = await db
    .selectFrom('group_owners')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('owner_id', '=', objectId)
    .execute();
  return { members, owners };
}

/**
 * Restore: the group row (if any), then the membership and ownership rows whose both ends exist
 * now (a member or group deleted meanwhile is left out). Returns the memberships put back.
 */
export async function restoreGroupRows(db: Executor, tenantId: string, s: GroupReferenceSnapshot): Promise<GroupMembersTable[]> {
  if (s.group)
    await db
      .insertInto('groups')
      .values({ ...s.group, tenant_id: tenantId })
      .execute();
  const ids = [
    ...new Set([...s.members.flatMap((m) => [m.group_id, m.member_id]), ...s.owners.flatMap((o) => [o.group_id, o.owner_id])]),
  ];
  if (ids.length === 0) return [];
  const live = new Set(
    (
      await db.selectFrom('directory_objects').select('id').where('tenant_id', '=', tenantId).where('id', 'in', ids).execute()
    ).map((r) => r.id),
  );
  const members = s.members.filter((m) => live.has(m.group_id) && live.has(m.member_id));
  const owners = s.owners.filter((o) => live.has(o.group_id) && (o.owner_type !== 'user' || live.has(o.owner_id)));
  if (members.length)
    await db
      .insertInto('group_members')
      .values(members.map((m) => ({ ...m, tenant_id: tenantId })))
      .execute();
  if (owners.length)
    await db
      .insertInto('group_owners')
      .values(owners.map((o) => ({ ...o, tenant_id: tenantId })))
      .execute();
  return members;
}

/** The direct members of these groups (delta queries' members@delta), by group then member. */
export async function listDirectMembersOf(
  db: Executor,
  tenantId: string,
  groupIds: readonly string[],
): Promise<{ groupId: string; memberId: string; memberType: string }[]> {
  if (groupIds.length === 0) return [];
  const rows = await db
    .selectFrom('group_members')
    .select(['group_id', 'member_id', 'member_type'])
    .where('tenant_id', '=', tenantId)
    .where('group_id', 'in', [...groupIds])
    .orderBy('group_id')
    .orderBy('member_id')
    .execute();
  return rows.map((r) => ({ groupId: r.group_id, memberId: r.member_id, memberType: r.member_type }));
}

// ---------------------------------------------------------------------------------------------
// `$expand`: the first related objects of every parent of a page, in one query

type RelatedRow = { parent_id: string; id: string; type: string; rn: number };

/** A related object of a parent (a page item), for `$expand`. */
export interface RelatedRef extends ObjectRef {
  parentId: string;
}

/**
 * Up to `limit` related objects per parent (ordered by id), for all `parentIds` at once: members or
 * owners of groups, or the groups objects are members of (`memberOf`). One statement for the page;
 * `row_number()` (SQLite ≥ 3.25, PostgreSQL) keeps the per-parent cap in SQL.
 */
export async function relatedPerParent(
  db: Executor,
  tenantId: string,
  rel: 'members' | 'owners' | 'memberOf',
  parentIds: readonly string[],
  limit: number,
): Promise<RelatedRef[]> {
  if (parentIds.length === 0) return [];
  const ids = [...parentIds];
  const rn = (parent: string, child: string) =>
    sql<number>`row_number() over (partition by ${sql.ref(parent)} order by ${sql.ref(child)})`.as('rn');
  const inner: SelectQueryBuilder<any, any, RelatedRow> =
    rel === 'owners'
      ? db
          .selectFrom('group_owners')
          .select(['group_id as parent_id', 'owner_id as id', 'owner_type as type', rn('group_id', 'owner_id')])
          .where('tenant_id', '=', tenantId)
          .where('group_id', 'in', ids)
      : rel === 'members'
        ? db
            .selectFrom('group_members')
            .select(['group_id as parent_id', 'member_id as id', 'member_type as type', rn('group_id', 'member_id')])
            .where('tenant_id', '=', tenantId)
            .where('group_id', 'in', ids)
        : db
            .selectFrom('group_members')
            .select(['member_id as parent_id', 'group_id as id', sql<string>`'group'`.as('type'), rn('member_id', 'group_id')])
            .where('tenant_id', '=', tenantId)
            .where('member_id', 'in', ids);
  const rows = (await db
    .selectFrom(inner.as('x'))
    .select(['x.parent_id', 'x.id', 'x.type'])
    .where('x.rn', '<=', limit)
    .orderBy('x.parent_id')
    .orderBy('x.id')
    .execute()) as RelatedRow[];
  return rows.map((r) => ({ parentId: r.parent_id, id: r.id, type: r.type === 'group' ? 'group' : 'user' }));
}

/** Ids of the groups an object belongs to, directly or through nested groups (optionally security groups only). */
export async function transitiveGroupIdsOf(
  db: Executor,
  tenantId: string,
  objectId: string,
  securityEnabledOnly: boolean,
): Promise<string[]> {
  let q = db
    .selectFrom('groups')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', transitiveMemberOfIds(tenantId, objectId)(db));
  if (securityEnabledOnly) q = q.where('security_enabled', '=', 1);
  return (await q.orderBy('id').execute()).map((r) => r.id);
}

/** Which of `ids` are users or groups of the tenant (the `directory_objects` read model). */
export async function findDirectoryObjectRefs(db: Executor, tenantId: string, ids: readonly string[]): Promise<ObjectRef[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('directory_objects')
    .select(['id', 'object_type'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...ids])
    .execute();
  return rows.map((r) => ({ id: r.id, type: r.object_type === 'group' ? 'group' : 'user' }));
}
