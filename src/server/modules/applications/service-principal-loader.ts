import type { ServicePrincipal } from '../../../contracts/applications.js';
import type { Executor } from '../../db/index.js';
import type { TargetFacts } from '../../domain/authorization.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import { GRAPH_APP_ID } from '../../domain/graph-permissions.js';
import { isGuid } from '../../domain/ids.js';
import type { Access } from '../access/access.js';
import { APP_ID_KEY } from './application-rules.js';
import { findServicePrincipal, findServicePrincipalByAppId, isOwner } from './applications.repository.js';

/**
 * Loads an application for a caller: by object id or `(appId='…')`, with the caller's ownership
 * (the fact the policy needs), revealing existence only to callers who may read applications.
 * Shared by the application use cases.
 */
export class ServicePrincipalLoader {
  constructor(private readonly deps: { db: Executor; access: Access }) {}

  async facts(ctx: OperationContext, spId: string): Promise<TargetFacts> {
    const c = ctx.caller;
    if (c.kind !== 'user') return {};
    return { isOwner: await isOwner(this.deps.db, c.tenantId, spId, c.userId) };
  }

  /** Finds by object id or `(appId='…')` within the tenant. */
  async findByKey(tenantId: string, key: string, db: Executor = this.deps.db): Promise<ServicePrincipal | undefined> {
    const m = APP_ID_KEY.exec(key);
    if (m?.[1]) return findServicePrincipalByAppId(db, m[1], tenantId);
    if (!isGuid(key)) throw invalid('object_identifier_invalid', `Invalid object identifier '${key}'.`);
    return findServicePrincipal(db, tenantId, key);
  }

  /** Loads an application the caller may read, or 404 / 403. */
  async load(ctx: OperationContext, key: string): Promise<{ sp: ServicePrincipal; facts: TargetFacts }> {
    const sp = await this.findByKey(ctx.caller.tenantId, key);
    if (!sp) {
      await this.deps.access.require(ctx, 'application.read');
      throw notFound(key);
    }
    const f = await this.facts(ctx, sp.id);
    await this.deps.access.require(ctx, 'application.read', f);
    return { sp, facts: f };
  }

  /**
   * Loads an application and authorizes `action` (manage or assign) on it. Microsoft Graph's
   * service principal is built in: nobody manages it (403 `service_principal_built_in`), and its
   * app roles are granted to applications only (`appPermission.grant`, see assignment-writes.ts).
   */
  async loadFor(
    ctx: OperationContext,
    key: string,
    action: 'application.manage' | 'application.assign' | 'appPermission.grant',
  ): Promise<ServicePrincipal> {
    const { sp, facts } = await this.load(ctx, key);
    await this.deps.access.require(ctx, action, facts);
    if (action === 'application.manage' && sp.appId === GRAPH_APP_ID) throw new DomainError('service_principal_built_in');
    return sp;
  }

  /** The action that assigning `sp`'s roles needs: Microsoft Graph's are application permissions. */
  static assignAction(sp: ServicePrincipal): 'application.assign' | 'appPermission.grant' {
    return sp.appId === GRAPH_APP_ID ? 'appPermission.grant' : 'application.assign';
  }
}
