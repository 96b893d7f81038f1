import type { ServicePrincipal } from '../../../contracts/applications.js';
import type { User } from '../../../contracts/users.js';

/**
 * Whether a user may sign in to an application: the one decision behind OIDC (the app_access
 * prompt and the `roles`/`groups` claims), SAML (before a Response is issued) and the direct
 * sign-on links of My Apps (entra-behaviour.md §7.1, §7.6).
 */

export type SignOnRefusal =
  | 'application_not_found'
  | 'application_disabled'
  | 'user_disabled'
  | 'invitation_pending'
  | 'not_assigned';

export type SignOnDecision =
  | {
      allowed: true;
      app: ServicePrincipal;
      user: User;
      /** Values of the enabled app roles assigned to the user (directly or through a direct group). */
      roleValues: string[];
      /** The assigned groups the user is a direct member of. */
      groupIds: string[];
    }
  | { allowed: false; reason: SignOnRefusal; app: ServicePrincipal | undefined };

/** An application with the tenant it belongs to (as `findByAppId` returns it). */
export type TenantServicePrincipal = ServicePrincipal & { tenantId: string };

/** The application: already loaded, or by appId (OIDC client id) or object id (SAML's pending sign-in). */
export type SignOnApp = TenantServicePrincipal | { appId: string } | { servicePrincipalId: string };

/** Lookups the decision reads (method names of the applications, roles and users services). */
export interface SignOnDeps {
  findByAppId(appId: string): Promise<TenantServicePrincipal | undefined>;
  findServicePrincipal(tenantId: string, id: string): Promise<ServicePrincipal | undefined>;
  accessOf(
    tenantId: string,
    servicePrincipalId: string,
    userId: string,
  ): Promise<{ assigned: boolean; roleValues: string[]; groupIds: string[] }>;
  findUser(tenantId: string, id: string): Promise<User | undefined>;
}

export type AuthorizeSignOn = (tenantId: string, app: SignOnApp, userId: string) => Promise<SignOnDecision>;

const isLoaded = (app: SignOnApp): app is TenantServicePrincipal => 'accountEnabled' in app;

/**
 * Builds `authorizeSignOn(tenantId, app, userId)`. The rule, in order: the application exists in
 * the tenant and is enabled; the user exists, is enabled and is not a guest with a pending
 * invitation; when the application requires assignment, the user is assigned directly or through
 * a group they are a DIRECT member of. Nobody is exempt: like Entra, a Global Administrator who
 * is not assigned is refused too (an administrator may assign themselves, which is audited).
 * Read-only; no authorization of its own (it is the authorization of a sign-in).
 */
export function createAuthorizeSignOn(deps: SignOnDeps): AuthorizeSignOn {
  const load = async (tenantId: string, app: SignOnApp): Promise<TenantServicePrincipal | undefined> => {
    if (isLoaded(app)) return app;
    if ('servicePrincipalId' in app) {
      const sp = await deps.findServicePrincipal(tenantId, app.servicePrincipalId);
      return sp && { ...sp, tenantId };
    }
    return deps.findByAppId(app.appId);
  };

  return async (tenantId, ref, userId) => {
    const app = await load(tenantId, ref);
    if (!app || app.tenantId !== tenantId) return { allowed: false, reason: 'application_not_found', app: undefined };
    if (!app.accountEnabled) return { allowed: false, reason: 'application_disabled', app };
    const user = await deps.findUser(tenantId, userId);
    if (!user || !user.accountEnabled) return { allowed: false, reason: 'user_disabled', app };
    if (user.externalUserState === 'PendingAcceptance') return { allowed: false, reason: 'invitation_pending', app };
    const access = await deps.accessOf(tenantId, app.id, user.id);
    const allowed = { allowed: true as const, app, user, roleValues: access.roleValues, groupIds: access.groupIds };
    return !app.appRoleAssignmentRequired || access.assigned ? allowed : { allowed: false, reason: 'not_assigned', app };
  };
}
