import type { Group } from '../../../contracts/groups.js';
import type { User } from '../../../contracts/users.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import { type OperationContext, systemContext } from '../../domain/context.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import type { ApplicationsService, PrincipalApplicationSnapshot } from '../applications/applications.service.js';
import { type ChangeInput, type UseCaseDeps, userTarget } from '../audit/audit.service.js';
import type { DynamicMembershipService } from '../groups/dynamic-membership.service.js';
import { groupTarget } from '../groups/group-rules.js';
import type { GroupReferenceSnapshot, GroupsService } from '../groups/groups.service.js';
import type { UserRowSnapshot, UsersService } from '../users/users.service.js';
import {
  type DeletedItemRow,
  deleteDeletedItem,
  findDeletedItem,
  insertDeletedItem,
  listDeletedItems,
  listExpiredDeletedItems,
} from './directory.repository.js';

/** Entra keeps deleted users and groups this long, then deletes them for good. */
export const DELETED_ITEM_RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

interface DeletedUserSnapshot {
  kind: 'user';
  object: User;
  row: UserRowSnapshot;
  /** Directory roles held at deletion: who may restore follows them (they are not restored). */
  roleIds: string[];
  groups: GroupReferenceSnapshot;
  applications: PrincipalApplicationSnapshot;
}

interface DeletedGroupSnapshot {
  kind: 'group';
  object: Group;
  ownerIds: string[];
  groups: GroupReferenceSnapshot;
  applications: PrincipalApplicationSnapshot;
}

type Snapshot = DeletedUserSnapshot | DeletedGroupSnapshot;

/** A deleted user or group as Graph returns it: the object with its deletedDateTime. */
export type DeletedItem = (User | Group) & { '@odata.type': string; deletedDateTime: string };

export interface DeletedItemsDeps extends Omit<UseCaseDeps, 'newId'> {
  users: Pick<UsersService, 'snapshotUserRow' | 'restoreUserRow'>;
  groups: Pick<GroupsService, 'snapshotGroup' | 'snapshotPrincipalReferences' | 'restoreSnapshot'>;
  applications: Pick<ApplicationsService, 'snapshotPrincipalReferences' | 'restorePrincipalReferences'>;
  dynamicMembership: Pick<DynamicMembershipService, 'reevaluateUser'>;
}

const parse = (row: DeletedItemRow): Snapshot => JSON.parse(row.snapshot) as Snapshot;

const toDeletedItem = (row: DeletedItemRow): DeletedItem => {
  const s = parse(row);
  return {
    '@odata.type': s.kind === 'user' ? '#microsoft.graph.user' : '#microsoft.graph.group',
    ...s.object,
    deletedDateTime: row.deletedDateTime,
  };
};

const membershipChanges = (s: GroupReferenceSnapshot, change: 'added' | 'removed', rows = s.members): ChangeInput[] =>
  rows.map((m) => ({
    objectType: 'group',
    objectId: m.group_id,
    memberId: m.member_id,
    memberType: m.member_type === 'group' ? 'group' : 'user',
    memberChange: change,
  }));

/**
 * Soft delete as in Entra (directory/deletedItems): a deleted user or group leaves the directory
 * with everything that pointed at it, and is kept for 30 days with a snapshot of its row, its
 * memberships and ownerships (and, for a group, its members and owners) and its app role
 * assignments and application ownerships; restore puts back what still has somewhere to go.
 * Directory role assignments are removed at deletion and not restored (re-assign them), and
 * self-service approver entries are not restored either.
 */
export class DeletedItemsService {
  constructor(private readonly deps: DeletedItemsDeps) {}

  /** Internal, inside the deletion transaction (before the references are removed): keeps the user. */
  async keepDeletedUser(trx: Executor, tenantId: string, user: User, roleIds: string[]): Promise<void> {
    const row = await this.deps.users.snapshotUserRow(trx, tenantId, user.id);
    if (!row) throw notFound(user.id);
    const groups = await this.deps.groups.snapshotPrincipalReferences(trx, tenantId, user.id);
    const applications = await this.deps.applications.snapshotPrincipalReferences(trx, tenantId, user.id);
    const snapshot: DeletedUserSnapshot = { kind: 'user', object: user, row, roleIds, groups, applications };
    await this.insert(trx, tenantId, snapshot, user.userPrincipalName, user.mail);
    await this.deps.audit.recordChanges(trx, tenantId, membershipChanges(groups, 'removed'));
  }

  /** Internal, inside the deletion transaction (before the rows are removed): keeps the group. */
  async keepDeletedGroup(trx: Executor, tenantId: string, group: Group): Promise<void> {
    const groups = await this.deps.groups.snapshotGroup(trx, tenantId, group.id);
    const applications = await this.deps.applications.snapshotPrincipalReferences(trx, tenantId, group.id);
    const ownerIds = groups.owners.map((o) => o.owner_id);
    const snapshot: DeletedGroupSnapshot = { kind: 'group', object: group, ownerIds, groups, applications };
    await this.insert(trx, tenantId, snapshot, null, group.mail);
    const asMember = groups.members.filter((m) => m.member_id === group.id);
    await this.deps.audit.recordChanges(trx, tenantId, membershipChanges(groups, 'removed', asMember));
  }

  private async insert(trx: Executor, tenantId: string, s: Snapshot, upn: string | null, mail: string | null) {
    await insertDeletedItem(trx, tenantId, {
      id: s.object.id,
      objectType: s.kind,
      deletedDateTime: this.deps.clock.now().toISOString(),
      snapshot: JSON.stringify(s),
      displayName: s.object.displayName,
      userPrincipalName: upn,
      mail,
    });
  }

  /** GET /directory/deletedItems/microsoft.graph.user|group: newest deletion first, `$top` per page. */
  async listDeletedItems(
    ctx: OperationContext,
    kind: 'user' | 'group',
    page: { top: number; skiptoken?: string | undefined },
  ): Promise<{ items: DeletedItem[]; skiptoken?: string }> {
    await this.deps.access.require(ctx, kind === 'user' ? 'user.readDeleted' : 'group.readDeleted');
    const after = page.skiptoken ? decodeCursor(page.skiptoken) : undefined;
    const rows = await listDeletedItems(this.deps.db, ctx.caller.tenantId, kind, after, page.top + 1);
    const items = rows.slice(0, page.top);
    const last = items[items.length - 1];
    return {
      items: items.map(toDeletedItem),
      ...(rows.length > page.top && last ? { skiptoken: encodeCursor(last) } : {}),
    };
  }

  /** GET /directory/deletedItems/{id}. */
  async getDeletedItem(ctx: OperationContext, id: string): Promise<DeletedItem> {
    const row = await this.load(ctx, id, 'read');
    return toDeletedItem(row);
  }

  private async load(ctx: OperationContext, id: string, purpose: 'read' | 'change'): Promise<DeletedItemRow> {
    const row = await findDeletedItem(this.deps.db, ctx.caller.tenantId, id.toLowerCase());
    if (!row) throw notFound(id);
    const s = parse(row);
    const isOwner = s.kind === 'group' && ctx.caller.kind === 'user' && s.ownerIds.includes(ctx.caller.userId);
    if (purpose === 'read') {
      await this.deps.access.require(ctx, s.kind === 'user' ? 'user.readDeleted' : 'group.readDeleted', { isOwner });
    } else if (s.kind === 'user') {
      await this.deps.access.require(ctx, 'user.delete', { targetRoles: new Set(s.roleIds) });
    } else {
      await this.deps.access.require(ctx, 'group.delete', { isOwner });
    }
    return row;
  }

  /**
   * POST /directory/deletedItems/{id}/restore: the object back with its id, properties and the
   * relationships that still have both ends; one transaction with "Restore user" / "Restore group".
   * A user whose userPrincipalName or mail was taken meanwhile (or a group whose mailNickname
   * was) is not restored: 400 deleted_item_restore_conflict.
   */
  async restore(ctx: OperationContext, id: string): Promise<DeletedItem> {
    const row = await this.load(ctx, id, 'change');
    const s = parse(row);
    const tenantId = ctx.caller.tenantId;
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        if (!(await deleteDeletedItem(trx, tenantId, row.id))) throw notFound(id);
        if (s.kind === 'user') await this.deps.users.restoreUserRow(trx, tenantId, s.row);
        const members = await this.deps.groups.restoreSnapshot(trx, tenantId, s.groups);
        await this.deps.applications.restorePrincipalReferences(trx, tenantId, s.applications);
        if (s.kind === 'user') await this.deps.dynamicMembership.reevaluateUser(trx, ctx, s.object);
        const joined = members.filter((m) => m.memberId === s.object.id || m.groupId === s.object.id);
        await this.deps.audit.recordChanges(
          trx,
          tenantId,
          joined.map((m) => ({
            objectType: 'group',
            objectId: m.groupId,
            memberId: m.memberId,
            memberType: m.memberType === 'group' ? 'group' : 'user',
            memberChange: 'added',
          })),
        );
        await this.audit(trx, ctx, s, 'Restore');
      });
    } catch (err) {
      if (asUniqueViolation(err)) throw invalid('deleted_item_restore_conflict');
      throw err;
    }
    const { deletedDateTime: _d, ...object } = toDeletedItem(row);
    return object as DeletedItem;
  }

  /** DELETE /directory/deletedItems/{id}: permanent deletion ("Hard Delete user" / "Hard Delete group"). */
  async hardDelete(ctx: OperationContext, id: string): Promise<void> {
    const row = await this.load(ctx, id, 'change');
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await deleteDeletedItem(trx, ctx.caller.tenantId, row.id))) throw notFound(id);
      await this.audit(trx, ctx, parse(row), 'Hard Delete');
    });
  }

  private audit(trx: Executor, ctx: OperationContext, s: Snapshot, verb: 'Restore' | 'Hard Delete') {
    const user = s.kind === 'user';
    return this.deps.audit.record(trx, ctx, {
      activityDisplayName: `${verb} ${user ? 'user' : 'group'}`,
      category: user ? 'UserManagement' : 'GroupManagement',
      operationType: verb === 'Restore' ? 'Add' : 'Delete',
      targetResources: [s.kind === 'user' ? userTarget(s.object) : groupTarget(s.object)],
    });
  }

  /**
   * The purge job: deleted items older than 30 days are deleted for good, each in its own
   * transaction with "Hard Delete user|group" by the system. Returns how many were purged.
   */
  async purgeExpired(): Promise<number> {
    const before = new Date(this.deps.clock.now().getTime() - DELETED_ITEM_RETENTION_DAYS * DAY_MS).toISOString();
    let purged = 0;
    for (;;) {
      const rows = await listExpiredDeletedItems(this.deps.db, before, 100);
      for (const row of rows) {
        const ctx = systemContext(row.tenantId, 'deleted-items-purge');
        await this.deps.db.transaction().execute(async (trx) => {
          if (!(await deleteDeletedItem(trx, row.tenantId, row.id))) return;
          await this.audit(trx, ctx, parse(row), 'Hard Delete');
          purged += 1;
        });
      }
      if (rows.length < 100) return purged;
    }
  }
}

const encodeCursor = (r: DeletedItemRow) =>
  Buffer.from(JSON.stringify({ d: r.deletedDateTime, i: r.id }), 'utf8').toString('base64url');

function decodeCursor(token: string): { deletedDateTime: string; id: string } {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { d?: unknown; i?: unknown };
    if (typeof v.d === 'string' && typeof v.i === 'string') return { deletedDateTime: v.d, id: v.i };
  } catch {
    // fall through
  }
  throw new DomainError('odata_query_invalid', 'The $skiptoken is not valid.');
}
