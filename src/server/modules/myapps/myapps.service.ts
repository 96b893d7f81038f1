import type { ServicePrincipal } from '../../../contracts/applications.js';
import type { MyApp } from '../../../contracts/myapps.js';
import type { OperationContext } from '../../domain/context.js';
import type { ApplicationsService } from '../applications/applications.service.js';

export interface MyAppsDeps {
  applications: ApplicationsService;
  /** Direct sign-on link of an application of a tenant. */
  launchUrl: (tenantId: string, appId: string) => string;
}

/** My Apps: the tiles of a user's portal (entra-behaviour.md §7.6, §8.2). */
export function createMyAppsService(deps: MyAppsDeps) {
  const tile = (tenantId: string, sp: ServicePrincipal, isOwner: boolean): MyApp => ({
    id: sp.id,
    appId: sp.appId,
    displayName: sp.displayName,
    description: sp.description,
    logoUrl: sp.info.logoUrl,
    launchUrl: deps.launchUrl(tenantId, sp.appId),
    isOwner,
  });

  return {
    /**
     * The signed-in user's apps: enabled, visible (no HideApp) applications they are assigned to
     * directly or through a group they are a DIRECT member of; plus every application they own
     * (hidden or disabled ones too — the owner manages them from here), marked `isOwner`.
     * Read-only; anyone may read their own list (delegated callers only: the caller is "me").
     */
    async listMyApps(ctx: OperationContext, userId: string): Promise<MyApp[]> {
      const tenantId = ctx.caller.tenantId;
      const [assigned, owned] = await Promise.all([
        deps.applications.listAssignedAppsForUser(tenantId, userId),
        deps.applications.listOwnedAppsForUser(tenantId, userId),
      ]);
      const ownedIds = new Set(owned.map((sp) => sp.id));
      const byId = new Map<string, MyApp>();
      for (const sp of assigned) byId.set(sp.id, tile(tenantId, sp, ownedIds.has(sp.id)));
      for (const sp of owned) if (!byId.has(sp.id)) byId.set(sp.id, tile(tenantId, sp, true));
      return [...byId.values()].sort(
        (a, b) => a.displayName.localeCompare(b.displayName, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id),
      );
    },
  };
}
