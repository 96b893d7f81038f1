import type { Group } from '../../../contracts/groups.js';
import type { User } from '../../../contracts/users.js';
import type { Executor } from '../../db/index.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError } from '../../domain/errors.js';
import type { Access } from '../access/access.js';
import type { DirectoryChangesService } from '../audit/changes.service.js';
import type { GroupMembersService } from '../groups/group-members.service.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { UsersService } from '../users/users.service.js';
import { findDeletedItem } from './directory.repository.js';

/**
 * Delta queries (`/users/delta`, `/groups/delta`), Graph's change tracking: a round starts with
 * every current object (paged by `@odata.nextLink`), ends with an `@odata.deltaLink`, and the
 * next round returns only what changed since (objects, deleted objects as `@removed`, group
 * membership changes in `members@delta`). State travels in the tokens; a round reads the change
 * log from its token up to the horizon fixed when it started, so its cost is the changes, not the
 * tenant.
 */

export type DeltaKind = 'users' | 'groups';

/** What a delta link carries (base64url JSON). */
interface DeltaToken {
  k: DeltaKind;
  /** Phase: 'i' = the initial listing, 'c' = changes since `a`. */
  p: 'i' | 'c';
  /** Horizon of the round (set once the round started). */
  h?: number;
  /** Changes phase: changes after this seq. */
  a?: number;
  /** Changes phase: objects whose latest change is after this seq (paging). */
  c?: number;
  /** Initial phase: the listing's own $skiptoken. */
  s?: string;
  /** $select of the round. */
  sel?: string[];
}

export const DEFAULT_PAGE_SIZE = 100;

export interface DeltaItem {
  id: string;
  '@removed'?: { reason: 'changed' | 'deleted' };
  'members@delta'?: { '@odata.type': string; id: string; '@removed'?: { reason: 'deleted' } }[];
  [key: string]: unknown;
}

export interface DeltaPage {
  items: DeltaItem[];
  /** Token for `@odata.nextLink` ($skiptoken), or for `@odata.deltaLink` ($deltatoken). */
  next?: string;
  delta?: string;
}

export interface DeltaDeps {
  db: Executor;
  access: Access;
  users: Pick<UsersService, 'findUsersByIds' | 'listUsersAfter'>;
  groups: Pick<GroupsService, 'findGroupsByIds' | 'listGroups'>;
  groupMembers: Pick<GroupMembersService, 'directMembersOf'>;
  changes: Pick<DirectoryChangesService, 'horizon' | 'changedObjects' | 'memberChanges'>;
}

const encode = (t: DeltaToken) => Buffer.from(JSON.stringify(t), 'utf8').toString('base64url');

function decode(kind: DeltaKind, token: string): DeltaToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as DeltaToken;
    if (t.k === kind && (t.p === 'i' || t.p === 'c')) return t;
  } catch {
    // fall through
  }
  throw new DomainError('delta_token_invalid');
}

const odataType = (t: string) => (t === 'group' ? '#microsoft.graph.group' : '#microsoft.graph.user');

const pick = (o: object, sel: string[] | undefined): DeltaItem => {
  if (!sel) return { ...(o as DeltaItem) };
  const out: DeltaItem = { id: (o as { id: string }).id };
  for (const k of sel) if (k in o) out[k] = (o as Record<string, unknown>)[k];
  return out;
};

export class DeltaService {
  constructor(private readonly deps: DeltaDeps) {}

  /**
   * One page of a delta round. `select` applies to a new round (later pages and rounds keep the
   * first one's); `members` in the groups' select (or no select) adds `members@delta`.
   * `deltaToken: 'latest'` starts tracking from now without listing anything.
   */
  async delta(
    ctx: OperationContext,
    kind: DeltaKind,
    opts: {
      select?: string[] | undefined;
      skipToken?: string | undefined;
      deltaToken?: string | undefined;
      /** `Prefer: odata.maxpagesize` (default 100). */
      pageSize?: number | undefined;
    },
  ): Promise<DeltaPage> {
    await this.deps.access.require(ctx, kind === 'users' ? 'user.list' : 'group.list');
    const tenantId = ctx.caller.tenantId;
    if (opts.deltaToken === 'latest') {
      return { items: [], delta: encode({ k: kind, p: 'c', a: await this.deps.changes.horizon(tenantId), ...sel(opts.select) }) };
    }
    const raw = opts.skipToken ?? opts.deltaToken;
    const token: DeltaToken = raw ? decode(kind, raw) : { k: kind, p: 'i', ...sel(opts.select) };
    if (token.p === 'c' && token.a === undefined) throw new DomainError('delta_token_invalid');
    const horizon = token.h ?? (await this.deps.changes.horizon(tenantId));
    const withMembers = kind === 'groups' && (!token.sel || token.sel.includes('members'));
    if (withMembers) await this.deps.access.require(ctx, 'group.readMembers');
    const size = opts.pageSize ?? DEFAULT_PAGE_SIZE;
    return token.p === 'i'
      ? this.initialPage(ctx, kind, token, { horizon, size, withMembers })
      : this.changesPage(tenantId, kind, { ...token, h: horizon }, { size, withMembers });
  }

  private async initialPage(
    ctx: OperationContext,
    kind: DeltaKind,
    token: DeltaToken,
    o: { horizon: number; size: number; withMembers: boolean },
  ): Promise<DeltaPage> {
    const { horizon, size, withMembers } = o;
    const tenantId = ctx.caller.tenantId;
    let objects: (User | Group)[];
    if (kind === 'users') {
      const rows = await this.deps.users.listUsersAfter(tenantId, token.s, size + 1);
      objects = rows;
    } else {
      const page = await this.deps.groups.listGroups(ctx, {
        filter: undefined,
        search: undefined,
        select: undefined,
        top: size + 1,
        orderBy: undefined,
        after: token.s ? { v: null, id: token.s } : undefined,
        count: false,
      });
      objects = page.items;
    }
    const more = objects.length > size;
    const items = objects.slice(0, size).map((o) => pick(o, token.sel));
    if (withMembers) await this.attachMembers(tenantId, items, undefined);
    const last = items[items.length - 1];
    if (more && last) return { items, next: encode({ ...token, h: horizon, s: last.id }) };
    return { items, delta: encode({ k: kind, p: 'c', a: horizon, ...sel(token.sel) }) };
  }

  private async changesPage(
    tenantId: string,
    kind: DeltaKind,
    token: DeltaToken,
    o: { size: number; withMembers: boolean },
  ): Promise<DeltaPage> {
    const { size, withMembers } = o;
    const range = { after: token.a ?? 0, upTo: token.h ?? 0 };
    const type = kind === 'users' ? 'user' : 'group';
    const changed = await this.deps.changes.changedObjects(tenantId, type, range, token.c ?? range.after, size + 1);
    const pageIds = changed.slice(0, size);
    const ids = pageIds.map((c) => c.objectId);
    const live =
      kind === 'users'
        ? await this.deps.users.findUsersByIds(tenantId, ids)
        : await this.deps.groups.findGroupsByIds(tenantId, ids);
    const byId = new Map<string, User | Group>(live.map((o) => [o.id, o]));
    const items: DeltaItem[] = [];
    for (const id of ids) {
      const o = byId.get(id);
      if (o) {
        items.push(pick(o, token.sel));
        continue;
      }
      // Soft-deleted objects can come back ("changed"); the others are gone for good.
      const restorable = (await findDeletedItem(this.deps.db, tenantId, id)) !== undefined;
      items.push({ id, '@removed': { reason: restorable ? 'changed' : 'deleted' } });
    }
    if (withMembers) {
      await this.attachMembers(
        tenantId,
        items.filter((i) => !i['@removed']),
        range,
      );
    }
    const last = pageIds[pageIds.length - 1];
    if (changed.length > size && last) return { items, next: encode({ ...token, c: last.seq }) };
    return { items, delta: encode({ k: kind, p: 'c', a: range.upTo, ...sel(token.sel) }) };
  }

  /**
   * members@delta: the current members on the initial listing; on a changes round, the members
   * that joined (present) or left (`@removed`) since the token, by their last change.
   */
  private async attachMembers(tenantId: string, groups: DeltaItem[], range: { after: number; upTo: number } | undefined) {
    const ids = groups.map((g) => g.id);
    const byGroup = new Map<string, NonNullable<DeltaItem['members@delta']>>();
    if (!range) {
      for (const m of await this.deps.groupMembers.directMembersOf(tenantId, ids)) {
        const list = byGroup.get(m.groupId) ?? [];
        list.push({ '@odata.type': odataType(m.memberType), id: m.memberId });
        byGroup.set(m.groupId, list);
      }
    } else {
      const last = new Map<string, { groupId: string; memberId: string; memberType: string; change: string }>();
      for (const c of await this.deps.changes.memberChanges(tenantId, ids, range)) last.set(`${c.groupId} ${c.memberId}`, c);
      for (const c of last.values()) {
        const list = byGroup.get(c.groupId) ?? [];
        list.push({
          '@odata.type': odataType(c.memberType),
          id: c.memberId,
          ...(c.change === 'removed' ? { '@removed': { reason: 'deleted' as const } } : {}),
        });
        byGroup.set(c.groupId, list);
      }
    }
    for (const g of groups) {
      const members = byGroup.get(g.id);
      if (members || !range) g['members@delta'] = members ?? [];
    }
  }
}

const sel = (select: string[] | undefined): { sel?: string[] } => (select ? { sel: select } : {});
