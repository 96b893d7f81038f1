import type { CreatePermissionGrantBody, OAuth2PermissionGrant } from '../../../contracts/permission-grants.js';
import { asUniqueViolation } from '../../db/errors.js';
import { type OperationContext, systemContext } from '../../domain/context.js';
import { invalid, notFound } from '../../domain/errors.js';
import { findGraphScope, graphServicePrincipalId, OIDC_SCOPE_VALUES } from '../../domain/graph-permissions.js';
import type { ODataQuery } from '../../odata/query.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import type { AuditEntry, UseCaseDeps } from '../audit/audit.service.js';
import type { PoliciesService } from '../policies/policies.service.js';
import type { UsersService } from '../users/users.service.js';
import {
  deletePermissionGrant,
  findGrantFor,
  findPermissionGrant,
  grantedScopes,
  insertPermissionGrant,
  listPermissionGrants,
  updatePermissionGrantScope,
} from './permission-grants.repository.js';

export interface PermissionGrantsDeps extends UseCaseDeps {
  applications: Pick<ApplicationsService, 'findServicePrincipal' | 'findByAppId'>;
  users: Pick<UsersService, 'findUser'>;
  policies: Pick<PoliciesService, 'getAuthorizationPolicy'>;
}

/** Entra's permission grant policies that let users consent for themselves (authorizationPolicy). */
export const USER_CONSENT_LOW = 'ManagePermissionGrantsForSelf.microsoft-user-default-low';
export const USER_CONSENT_LEGACY = 'ManagePermissionGrantsForSelf.microsoft-user-default-legacy';

/** The canonical, de-duplicated permission names of a `scope` string; 400 on a name Graph does not have here. */
function canonicalScopes(scope: string): string {
  const out: string[] = [];
  for (const s of scope.split(' ').filter(Boolean)) {
    const found = findGraphScope(s);
    if (!found) {
      throw invalid(
        'permission_grant_scope_invalid',
        `'${s.slice(0, 100)}' is not a Microsoft Graph delegated permission this service implements.`,
        'scope',
      );
    }
    if (!out.includes(found.value)) out.push(found.value);
  }
  return out.join(' ');
}

/**
 * Delegated permission grants (Graph's /oauth2PermissionGrants) and user consent. Admins (Global,
 * Privileged Role) grant Microsoft Graph permissions to an application for everyone
 * (`AllPrincipals`) or one user (`Principal`); users consent for themselves to what the tenant's
 * authorization policy lets them (permissionGrantPoliciesAssigned). The token issuer reads the
 * granted scopes at every authorization. Each write is one statement with its audit record, in one
 * transaction.
 */
export class PermissionGrantsService {
  constructor(private readonly deps: PermissionGrantsDeps) {}

  async list(ctx: OperationContext, q: ODataQuery) {
    await this.deps.access.require(ctx, 'permissionGrant.read');
    return listPermissionGrants(this.deps.db, ctx.caller.tenantId, q);
  }

  get(ctx: OperationContext, id: string): Promise<OAuth2PermissionGrant> {
    return this.deps.access.readOne(ctx, 'permissionGrant.read', id, (tenantId) =>
      findPermissionGrant(this.deps.db, tenantId, id),
    );
  }

  async create(ctx: OperationContext, body: CreatePermissionGrantBody): Promise<OAuth2PermissionGrant> {
    await this.deps.access.require(ctx, 'permissionGrant.manage');
    const tenantId = ctx.caller.tenantId;
    const sp = await this.deps.applications.findServicePrincipal(tenantId, body.clientId);
    if (!sp)
      throw invalid(
        'permission_grant_client_invalid',
        `clientId '${body.clientId}' is not a service principal of this tenant.`,
        'clientId',
      );
    if (body.resourceId.toLowerCase() !== graphServicePrincipalId(tenantId)) {
      throw invalid(
        'permission_grant_resource_invalid',
        `resourceId must be the object id of this tenant's Microsoft Graph service principal (${graphServicePrincipalId(tenantId)}).`,
        'resourceId',
      );
    }
    const principalId = body.consentType === 'Principal' ? (body.principalId ?? '') : null;
    if (body.consentType === 'Principal' && !(principalId && (await this.deps.users.findUser(tenantId, principalId)))) {
      throw invalid(
        'permission_grant_principal_invalid',
        'consentType Principal needs the principalId of a user of this tenant.',
        'principalId',
      );
    }
    if (body.consentType === 'AllPrincipals' && body.principalId) {
      throw invalid('permission_grant_principal_invalid', 'consentType AllPrincipals takes no principalId.', 'principalId');
    }
    const grant: OAuth2PermissionGrant = {
      id: this.deps.newId(),
      clientId: sp.id,
      consentType: body.consentType,
      principalId,
      resourceId: graphServicePrincipalId(tenantId),
      scope: canonicalScopes(body.scope),
    };
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        await insertPermissionGrant(trx, tenantId, grant, this.deps.clock.now().toISOString());
        await this.deps.audit.record(trx, ctx, grantAudit('Add delegated permission grant', 'Add', sp, grant.scope));
      });
    } catch (err) {
      if (asUniqueViolation(err)) throw invalid('permission_grant_exists');
      throw err;
    }
    return grant;
  }

  async update(ctx: OperationContext, id: string, scope: string): Promise<void> {
    await this.deps.access.require(ctx, 'permissionGrant.manage');
    const tenantId = ctx.caller.tenantId;
    const canonical = canonicalScopes(scope);
    await this.deps.db.transaction().execute(async (trx) => {
      const g = await findPermissionGrant(trx, tenantId, id);
      if (!g || !(await updatePermissionGrantScope(trx, tenantId, id, canonical))) throw notFound(id);
      const sp = await this.deps.applications.findServicePrincipal(tenantId, g.clientId, trx);
      await this.deps.audit.record(trx, ctx, grantAudit('Update delegated permission grant', 'Update', sp, canonical));
    });
  }

  async remove(ctx: OperationContext, id: string): Promise<void> {
    await this.deps.access.require(ctx, 'permissionGrant.manage');
    const tenantId = ctx.caller.tenantId;
    await this.deps.db.transaction().execute(async (trx) => {
      const g = await findPermissionGrant(trx, tenantId, id);
      if (!g || !(await deletePermissionGrant(trx, tenantId, id))) throw notFound(id);
      const sp = await this.deps.applications.findServicePrincipal(tenantId, g.clientId, trx);
      await this.deps.audit.record(trx, ctx, grantAudit('Remove delegated permission grant', 'Delete', sp, g.scope));
    });
  }

  /**
   * Internal (token issuer): the Graph delegated permissions an application (by appId) holds for a
   * user — admin consent plus the user's own. Read-only, no authorization.
   */
  async consentedScopes(tenantId: string, appId: string, userId: string | undefined): Promise<string[]> {
    const sp = await this.deps.applications.findByAppId(appId);
    if (!sp || sp.tenantId !== tenantId) return [];
    return grantedScopes(this.deps.db, tenantId, { clientId: sp.id, resourceId: graphServicePrincipalId(tenantId), userId });
  }

  /** consentedScopes in the application's own tenant (the token issuer's clients are its tenant's). */
  async consentedScopesOfApp(appId: string, userId: string): Promise<string[]> {
    const sp = await this.deps.applications.findByAppId(appId);
    return sp ? this.consentedScopes(sp.tenantId, appId, userId) : [];
  }

  /** Which of `scopes` a user may consent to themselves under the tenant's authorization policy. */
  async userConsentable(tenantId: string, scopes: string[]): Promise<{ allowed: string[]; needAdmin: string[] }> {
    const policy = await this.deps.policies.getAuthorizationPolicy(systemContext(tenantId, 'consent'));
    const assigned = policy.defaultUserRolePermissions.permissionGrantPoliciesAssigned;
    const legacy = assigned.includes(USER_CONSENT_LEGACY);
    const low = legacy || assigned.includes(USER_CONSENT_LOW);
    const allowed: string[] = [];
    const needAdmin: string[] = [];
    for (const s of scopes) {
      const p = findGraphScope(s);
      const ok = p && !p.adminConsentRequired && (OIDC_SCOPE_VALUES.has(p.value) || legacy || (low && p.lowRisk));
      (ok ? allowed : needAdmin).push(s);
    }
    return { allowed, needAdmin };
  }

  /**
   * Internal (consent page): records a user's consent to `scopes` for an application (merged into
   * their Principal grant), with Entra's "Consent to application" audit record. One transaction.
   */
  async recordUserConsent(tenantId: string, appId: string, userId: string, scopes: string[]): Promise<void> {
    const sp = await this.deps.applications.findByAppId(appId);
    const user = await this.deps.users.findUser(tenantId, userId);
    if (!sp || sp.tenantId !== tenantId || !user) throw notFound(appId);
    const ctx: OperationContext = {
      caller: {
        kind: 'user',
        tenantId,
        userId,
        userType: user.userType,
        displayName: user.displayName,
        userPrincipalName: user.userPrincipalName,
        roles: new Set(),
      },
      correlationId: this.deps.newId(),
    };
    const resourceId = graphServicePrincipalId(tenantId);
    await this.deps.db.transaction().execute(async (trx) => {
      const existing = await findGrantFor(trx, tenantId, { clientId: sp.id, resourceId, principalKey: userId });
      const merged = canonicalScopes([...(existing?.scope.split(' ') ?? []), ...scopes].join(' '));
      if (existing) await updatePermissionGrantScope(trx, tenantId, existing.id, merged);
      else {
        const g: OAuth2PermissionGrant = {
          id: this.deps.newId(),
          clientId: sp.id,
          consentType: 'Principal',
          principalId: userId,
          resourceId,
          scope: merged,
        };
        await insertPermissionGrant(trx, tenantId, g, this.deps.clock.now().toISOString());
      }
      await this.deps.audit.record(trx, ctx, grantAudit('Consent to application', 'Assign', sp, merged));
    });
  }
}

function grantAudit(
  activityDisplayName: string,
  operationType: AuditEntry['operationType'],
  sp: { id: string; displayName: string } | undefined,
  scope: string,
): AuditEntry {
  return {
    activityDisplayName,
    category: 'ApplicationManagement',
    operationType,
    targetResources: [
      {
        id: sp?.id ?? '',
        displayName: sp?.displayName ?? null,
        type: 'ServicePrincipal',
        modifiedProperties: [{ displayName: 'DelegatedPermissionGrant.Scope', oldValue: null, newValue: JSON.stringify(scope) }],
      },
    ],
  };
}
