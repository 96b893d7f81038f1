import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type ApplicationTemplate,
  type CreateServicePrincipalBody,
  DEFAULT_APP_ROLE_ID,
  HIDE_APP_TAG,
  type InstantiateTemplateBody,
  type KeyCredential,
  SERVICE_PRINCIPAL_LIMITS,
  type SelfServiceAccess,
  type ServicePrincipal,
  type UpdateServicePrincipalBody,
} from '../../../contracts/applications.js';
import type { Group } from '../../../contracts/groups.js';
import type { User } from '../../../contracts/users.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import type { TargetFacts } from '../../domain/authorization.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import { GRAPH_APP_ID, graphAppRoleValue, graphServicePrincipalId } from '../../domain/graph-permissions.js';
import { isGuid } from '../../domain/ids.js';
import type { ApplicationPermission } from '../../domain/permissions.js';
import type { ODataQuery } from '../../odata/query.js';
import type { UseCaseDeps } from '../audit/audit.service.js';
import type { GroupMembersService } from '../groups/group-members.service.js';
import { isDynamic, isSynced } from '../groups/group-rules.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { UsersService } from '../users/users.service.js';
import {
  applyServicePrincipalPatch,
  CATEGORY,
  dedupe,
  dedupeCi,
  describeKey,
  diffServicePrincipals,
  newServicePrincipal,
  spProps,
  spTarget,
  templateDefaults,
  validateAppRoles,
} from './application-rules.js';
import {
  appRoleIdsHeld,
  assignedServicePrincipalIds,
  assignmentExists,
  assignmentsForUser,
  deleteReferencesTo,
  deleteServicePrincipalRow,
  ensureGraphServicePrincipalRow,
  findAssignmentOf,
  findServicePrincipal,
  findServicePrincipalByAppId,
  findServicePrincipalByName,
  findServicePrincipalsByIds,
  insertAssignments,
  insertServicePrincipal,
  insertServicePrincipals,
  listSelfServiceApps,
  listServicePrincipals,
  lockServicePrincipal,
  namesTaken,
  ownedServicePrincipalIds,
  type PrincipalApplicationSnapshot,
  restoreReferences,
  type StoredServicePrincipal,
  servicePrincipalsApprovedBy,
  snapshotReferencesTo,
  updateKeyCredentials,
  updateServicePrincipalRow,
  validSecretHashes,
} from './applications.repository.js';

export type { PrincipalApplicationSnapshot } from './applications.repository.js';

import { insertRegistration, insertRegistrations } from './app-registrations.repository.js';
import { type AuditedPrincipal, insertAssignmentIn, removeAssignmentIn } from './assignment-writes.js';
import { applicationTemplates, findApplicationTemplate } from './gallery.js';
import type { ServicePrincipalLoader } from './service-principal-loader.js';
import { checkNewCertificates } from './verification-certificates.js';

/** Writes a new service principal's application object inside the creating transaction. */
export type ApplicationObjectWriter = (trx: Executor, ctx: OperationContext, sp: ServicePrincipal) => Promise<void>;

export interface ApplicationsDeps extends UseCaseDeps {
  users: Pick<UsersService, 'findUser' | 'findUsersByIds'>;
  groups: Pick<GroupsService, 'findGroup'>;
  /** Assignments reach a user directly or through the groups it is a DIRECT member of. */
  groupMembers: Pick<GroupMembersService, 'directGroupIdsOf'>;
  loader: ServicePrincipalLoader;
}

type Page<T> = { items: T[]; skiptoken?: string; count?: number };

/** A principal an assignment or ownership points at. */
export type ResolvedPrincipal =
  | { type: 'User'; user: User }
  | { type: 'Group'; group: Group }
  | { type: 'ServicePrincipal'; sp: ServicePrincipal };

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

const nameConflict = (names: string[]) =>
  new DomainError(
    'service_principal_name_conflict',
    `Another object with the same value for property servicePrincipalNames already exists: '${names[0]}'.`,
    { target: 'servicePrincipalNames' },
  );

const mapUnique = (err: unknown): unknown => {
  const v = asUniqueViolation(err);
  if (!v) return err;
  if (v.detail.includes('service_principal_names')) return nameConflict([]);
  return err;
};

const selfServiceInvalid = (message: string, target: string) => invalid('self_service_access_invalid', message, target);

/** The role self-service users get through the group: the chosen one, else default access. */
const selfServiceRole = (s: SelfServiceAccess): string => s.appRoleId ?? DEFAULT_APP_ROLE_ID;

/**
 * Enterprise applications (service principals): the objects, the gallery, and the reads single
 * sign-on and My Apps need. Owners, credentials and assignments have their own services.
 */
export class ApplicationsService {
  constructor(private readonly deps: ApplicationsDeps) {}

  /** Bulk load for `portico seed`: new custom applications (Portico's defaults), in the caller's executor; no checks or audit. */
  async importApplications(
    db: Executor,
    tenantId: string,
    apps: readonly { id: string; appId: string; displayName: string; homepage: string }[],
    now: string,
  ): Promise<void> {
    await insertServicePrincipals(
      db,
      tenantId,
      apps.map((a) => ({ ...newServicePrincipal(a.id, a.appId, a.displayName, now, null), homepage: a.homepage })),
    );
    await insertRegistrations(
      db,
      tenantId,
      apps.map((a) => ({
        id: this.deps.newId(),
        servicePrincipalId: a.id,
        spaRedirectUris: [],
        publicClientRedirectUris: [],
        requiredResourceAccess: [],
        createdDateTime: now,
      })),
    );
  }

  /** Bulk load for `portico seed`: assignments of an app role to groups (no checks, no audit). */
  importGroupAssignments(
    db: Executor,
    tenantId: string,
    rows: readonly { id: string; resourceId: string; groupId: string; appRoleId: string }[],
    now: string,
  ): Promise<void> {
    return insertAssignments(
      db,
      rows.map((r) => ({
        id: r.id,
        tenant_id: tenantId,
        resource_id: r.resourceId,
        principal_id: r.groupId,
        principal_type: 'Group',
        app_role_id: r.appRoleId,
        created_date_time: now,
      })),
    );
  }

  /** Resolves a principal id to a user or a group of the tenant, or 404. */
  async resolvePrincipal(tenantId: string, id: string, db: Executor = this.deps.db): Promise<ResolvedPrincipal> {
    const user = await this.deps.users.findUser(tenantId, id, db);
    if (user) return { type: 'User', user };
    const group = await this.deps.groups.findGroup(tenantId, id, db);
    if (group) return { type: 'Group', group };
    const sp = isGuid(id) ? await findServicePrincipal(db, tenantId, id) : undefined;
    if (sp) return { type: 'ServicePrincipal', sp };
    throw notFound(id);
  }

  /**
   * The self-service settings must name an Assigned group (its members are added by hand when
   * requests are granted: not dynamic, not synced), approvers and a role that exist.
   */
  private async validateSelfService(tenantId: string, sp: StoredServicePrincipal, db: Executor): Promise<void> {
    const s = sp.selfServiceAccess;
    s.approverIds = dedupe(s.approverIds);
    if (s.enabled && s.groupId === null) {
      throw selfServiceInvalid(
        'selfServiceAccess.groupId is required when self-service access is enabled: approved users are added to this group.',
        'selfServiceAccess.groupId',
      );
    }
    if (s.enabled && s.requireApproval && s.approverIds.length === 0) {
      throw selfServiceInvalid(
        'selfServiceAccess.approverIds must name at least one approver when approval is required.',
        'selfServiceAccess.approverIds',
      );
    }
    if (s.groupId !== null) {
      const group = await this.deps.groups.findGroup(tenantId, s.groupId, db);
      if (!group) {
        throw selfServiceInvalid(`selfServiceAccess.groupId: group '${s.groupId}' does not exist.`, 'selfServiceAccess.groupId');
      }
      if (isDynamic(group) || isSynced(group)) {
        throw selfServiceInvalid(
          `selfServiceAccess.groupId: '${group.displayName}' is ${isDynamic(group) ? 'a dynamic group' : 'synced from another directory'}: people who get access are added to this group, so choose an assigned group.`,
          'selfServiceAccess.groupId',
        );
      }
    }
    if (s.approverIds.length > 0) {
      const found = new Set((await this.deps.users.findUsersByIds(tenantId, s.approverIds, db)).map((u) => u.id));
      const missing = s.approverIds.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw selfServiceInvalid(
          `selfServiceAccess.approverIds: user '${missing[0]}' does not exist (approvers are individual users; groups are not supported).`,
          'selfServiceAccess.approverIds',
        );
      }
    }
    if (
      s.appRoleId !== null &&
      s.appRoleId !== DEFAULT_APP_ROLE_ID &&
      !sp.appRoles.some((r) => r.id === s.appRoleId && r.isEnabled && r.allowedMemberTypes.includes('User'))
    ) {
      throw selfServiceInvalid(
        `selfServiceAccess.appRoleId: '${s.appRoleId}' is not an enabled app role of this application that users can be assigned to.`,
        'selfServiceAccess.appRoleId',
      );
    }
  }

  /**
   * Normalises and validates a complete service principal (create, and the merged result of a
   * PATCH): appId among the names, unique role ids/values, self-service references that exist.
   */
  private async validate(
    tenantId: string,
    sp: StoredServicePrincipal,
    before: StoredServicePrincipal | undefined,
    db: Executor = this.deps.db,
  ) {
    sp.replyUrls = dedupe(sp.replyUrls);
    sp.tags = dedupe(sp.tags);
    sp.servicePrincipalNames = dedupeCi([sp.appId, ...sp.servicePrincipalNames]);
    if (sp.servicePrincipalNames.length > SERVICE_PRINCIPAL_LIMITS.servicePrincipalNames) {
      throw invalid('service_principal_names_limit', undefined, 'servicePrincipalNames');
    }
    validateAppRoles(sp.appRoles, before?.appRoles);
    checkNewCertificates(
      sp.samlSettings.verificationCertificates,
      before?.samlSettings.verificationCertificates ?? [],
      this.deps.clock.now(),
    );
    await this.validateSelfService(tenantId, sp, db);
  }

  /**
   * The self-service group belongs to its application: inside the transaction that saves the
   * settings, the group is assigned to the app with the self-service role (default access when
   * none). When the group or the role changes, the previous self-service assignment moves; when
   * the group is cleared, its assignment stays (removed, if wanted, under Users and groups).
   */
  private async syncSelfServiceAssignment(
    trx: Executor,
    ctx: OperationContext,
    sp: ServicePrincipal,
    before: SelfServiceAccess | undefined,
  ): Promise<void> {
    const after = sp.selfServiceAccess;
    if (after.groupId === null) return;
    const tenantId = ctx.caller.tenantId;
    if (before?.groupId && (before.groupId !== after.groupId || selfServiceRole(before) !== selfServiceRole(after))) {
      const old = await findAssignmentOf(trx, tenantId, sp.id, before.groupId, selfServiceRole(before));
      const oldGroup = await this.deps.groups.findGroup(tenantId, before.groupId, trx);
      const principal: AuditedPrincipal = oldGroup ? { type: 'Group', group: oldGroup } : { type: 'Group', id: before.groupId };
      if (old) await removeAssignmentIn(this.deps, trx, ctx, sp, old, principal);
    }
    await this.ensureSelfServiceAssignment(trx, ctx, sp);
  }

  /**
   * Internal, inside the caller's transaction (saving the settings; granting a request): the
   * application's self-service group holds its self-service role, assigning it when it does not.
   * The caller has authorized and locked the application.
   */
  async ensureSelfServiceAssignment(trx: Executor, ctx: OperationContext, sp: ServicePrincipal): Promise<void> {
    const s = sp.selfServiceAccess;
    if (s.groupId === null) return;
    const role = selfServiceRole(s);
    if (await assignmentExists(trx, sp.id, s.groupId, role)) return;
    const group = await this.deps.groups.findGroup(ctx.caller.tenantId, s.groupId, trx);
    if (!group) throw notFound(s.groupId);
    await insertAssignmentIn(this.deps, trx, ctx, sp, { type: 'Group', group }, role);
  }

  /** GET /servicePrincipals. Members and administrators enumerate; guests cannot. */
  async listServicePrincipals(ctx: OperationContext, q: ODataQuery): Promise<Page<ServicePrincipal>> {
    await this.deps.access.require(ctx, 'application.list');
    return listServicePrincipals(this.deps.db, ctx.caller.tenantId, q);
  }

  /** GET /servicePrincipals/{id | (appId='…')}. */
  async getServicePrincipal(ctx: OperationContext, key: string): Promise<ServicePrincipal> {
    return (await this.deps.loader.load(ctx, key)).sp;
  }

  /**
   * POST /servicePrincipals: a custom application (OIDC or SAML by preferredSingleSignOnMode), or
   * one started from a gallery template (applicationTemplateId; explicit properties win). Needs an
   * application administrator role or Application.ReadWrite.All. One transaction with "Add service principal".
   */
  async createServicePrincipal(
    ctx: OperationContext,
    body: CreateServicePrincipalBody,
    withApplication: ApplicationObjectWriter = this.defaultApplicationObject,
  ): Promise<ServicePrincipal> {
    await this.deps.access.require(ctx, 'application.manage');
    const tenantId = ctx.caller.tenantId;
    const { applicationTemplateId, baseUrl, appId, ...props } = body;
    if (appId !== undefined) await this.refuseExistingAppId(tenantId, appId);
    let template: ApplicationTemplate | undefined;
    if (applicationTemplateId !== undefined) {
      template = findApplicationTemplate(applicationTemplateId);
      if (!template) {
        throw invalid(
          'application_template_not_found',
          `Application template '${applicationTemplateId}' does not exist.`,
          'applicationTemplateId',
        );
      }
    } else if (baseUrl !== undefined) {
      throw invalid('application_template_invalid', 'baseUrl can only be given with applicationTemplateId.', 'baseUrl');
    }
    const mode = props.preferredSingleSignOnMode;
    const defaults = template
      ? templateDefaults(template, baseUrl, mode === 'oidc' || mode === 'saml' ? mode : undefined)
      : undefined;
    const displayName = props.displayName ?? defaults?.displayName;
    if (displayName === undefined) throw invalid('property_required', 'Property displayName is required.', 'displayName');

    const now = this.deps.clock.now().toISOString();
    const sp = newServicePrincipal(this.deps.newId(), this.deps.newId(), displayName, now, template?.id ?? null);
    if (defaults) applyServicePrincipalPatch(sp, defaults);
    applyServicePrincipalPatch(sp, { ...props, displayName });
    await this.validate(tenantId, sp, undefined);

    await this.deps.db.transaction().execute(async (trx) => {
      const taken = await namesTaken(trx, tenantId, sp.servicePrincipalNames);
      if (taken.length > 0) throw nameConflict(taken);
      try {
        await insertServicePrincipal(trx, tenantId, sp);
      } catch (err) {
        throw mapUnique(err);
      }
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Add service principal',
        category: CATEGORY,
        operationType: 'Add',
        targetResources: [
          spTarget(sp, [
            { displayName: 'AppId', oldValue: null, newValue: JSON.stringify(sp.appId) },
            ...diffServicePrincipals(undefined, sp),
          ]),
        ],
      });
      await this.syncSelfServiceAssignment(trx, ctx, { ...sp, passwordCredentials: [] }, undefined);
      await withApplication(trx, ctx, { ...sp, passwordCredentials: [] });
    });
    return { ...sp, passwordCredentials: [] };
  }

  /** Every service principal Portico creates has its application object (app-registrations.service.ts). */
  private readonly defaultApplicationObject: ApplicationObjectWriter = (trx, ctx, sp) =>
    insertRegistration(trx, ctx.caller.tenantId, {
      id: this.deps.newId(),
      servicePrincipalId: sp.id,
      spaRedirectUris: [],
      publicClientRedirectUris: [],
      requiredResourceAccess: [],
      createdDateTime: sp.createdDateTime,
    });

  /**
   * Graph scripts create an application and then `POST /servicePrincipals {appId}`. Portico creates
   * the pair together, so the service principal of a tenant's appId always exists already: 409 as
   * in Entra; an appId of no application of the tenant is 400.
   */
  private async refuseExistingAppId(tenantId: string, appId: string): Promise<never> {
    if (await findServicePrincipalByAppId(this.deps.db, appId, tenantId)) {
      throw new DomainError(
        'service_principal_exists',
        `The service principal cannot be created, updated, or restored because the service principal name ${appId} is already in use.`,
        { target: 'appId' },
      );
    }
    throw invalid(
      'application_not_found',
      `The appId '${appId}' of the service principal does not reference a valid application object.`,
      'appId',
    );
  }

  /** POST /applicationTemplates/{id}/instantiate: creates the application from a gallery template. */
  async instantiateTemplate(ctx: OperationContext, templateId: string, body: InstantiateTemplateBody): Promise<ServicePrincipal> {
    const template = findApplicationTemplate(templateId);
    if (!template) {
      await this.deps.access.require(ctx, 'application.list');
      throw notFound(templateId);
    }
    return this.createServicePrincipal(ctx, {
      applicationTemplateId: template.id,
      displayName: body.displayName,
      ...(body.baseUrl === undefined ? {} : { baseUrl: body.baseUrl }),
      ...(body.preferredSingleSignOnMode === undefined ? {} : { preferredSingleSignOnMode: body.preferredSingleSignOnMode }),
    });
  }

  /** GET /applicationTemplates. */
  async listTemplates(ctx: OperationContext): Promise<readonly ApplicationTemplate[]> {
    await this.deps.access.require(ctx, 'application.list');
    return applicationTemplates;
  }

  /** GET /applicationTemplates/{id}. */
  async getTemplate(ctx: OperationContext, id: string): Promise<ApplicationTemplate> {
    await this.deps.access.require(ctx, 'application.list');
    const t = findApplicationTemplate(id);
    if (!t) throw notFound(id);
    return t;
  }

  /**
   * PATCH /servicePrincipals/{id}: administrators and the app's owners. Validates the merged
   * result; one transaction with "Update service principal" listing the changed properties, and
   * the assignment of the self-service group when the settings name one.
   */
  async updateServicePrincipal(ctx: OperationContext, key: string, body: UpdateServicePrincipalBody): Promise<void> {
    const loaded = await this.deps.loader.loadFor(ctx, key, 'application.manage');
    await this.deps.db.transaction().execute((trx) => this.updateInTransaction(trx, ctx, loaded.id, body));
  }

  /**
   * Internal: applies a PATCH inside the caller's transaction `trx` to an application the caller
   * has loaded with `application.manage` (the directory module creates a self-service group and
   * sets it in one transaction). Locks the application and re-reads it first.
   */
  async updateInTransaction(trx: Executor, ctx: OperationContext, id: string, body: UpdateServicePrincipalBody): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    if (!(await lockServicePrincipal(trx, tenantId, id))) throw notFound(id);
    const existing = await findServicePrincipal(trx, tenantId, id);
    if (!existing) throw notFound(id);
    const { passwordCredentials, ...before } = existing;
    const updated: StoredServicePrincipal = structuredClone(before);
    applyServicePrincipalPatch(updated, body);
    await this.validate(tenantId, updated, before, trx);
    const changes = diffServicePrincipals(before, updated);
    if (changes.length > 0) {
      const namesChanged = JSON.stringify(before.servicePrincipalNames) !== JSON.stringify(updated.servicePrincipalNames);
      if (namesChanged) {
        const taken = await namesTaken(trx, tenantId, updated.servicePrincipalNames, existing.id);
        if (taken.length > 0) throw nameConflict(taken);
      }
      try {
        await updateServicePrincipalRow(trx, tenantId, updated, namesChanged);
      } catch (err) {
        throw mapUnique(err);
      }
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Update service principal',
        category: CATEGORY,
        operationType: 'Update',
        targetResources: [spTarget(updated, changes)],
      });
    }
    if (body.selfServiceAccess !== undefined) {
      await this.syncSelfServiceAssignment(trx, ctx, { ...updated, passwordCredentials }, before.selfServiceAccess);
    }
  }

  /** DELETE /servicePrincipals/{id}: with its owners, secrets and assignments, in one transaction with "Remove service principal". */
  async deleteServicePrincipal(ctx: OperationContext, key: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const sp = await this.deps.loader.loadFor(ctx, key, 'application.manage');
    await this.deps.db.transaction().execute(async (trx) => {
      await deleteServicePrincipalRow(trx, tenantId, sp.id);
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Remove service principal',
        category: CATEGORY,
        operationType: 'Delete',
        targetResources: [spTarget(sp, spProps(sp))],
      });
    });
  }

  /**
   * Loads an application for a change of its single sign-on configuration made outside this
   * module (SAML token-signing certificates): application administrators and the app's owners,
   * like PATCH. 404 / 403 as for the other management operations.
   */
  loadForManage(ctx: OperationContext, key: string): Promise<ServicePrincipal> {
    return this.deps.loader.loadFor(ctx, key, 'application.manage');
  }

  /**
   * Replaces the application's keyCredentials (certificate metadata, never keys) inside the
   * caller's transaction `trx`, with the "Update service principal" audit record.
   */
  async recordKeyCredentials(
    trx: Executor,
    ctx: OperationContext,
    sp: ServicePrincipal,
    keyCredentials: KeyCredential[],
    change: string,
  ): Promise<void> {
    if (!(await lockServicePrincipal(trx, ctx.caller.tenantId, sp.id))) throw notFound(sp.id);
    await updateKeyCredentials(trx, ctx.caller.tenantId, sp.id, keyCredentials);
    await this.deps.audit.record(trx, ctx, {
      activityDisplayName: 'Update service principal',
      category: CATEGORY,
      operationType: 'Update',
      targetResources: [
        spTarget(sp, [
          {
            displayName: 'KeyDescription',
            oldValue: JSON.stringify(sp.keyCredentials.map(describeKey)),
            newValue: JSON.stringify(keyCredentials.map(describeKey)),
          },
        ]),
      ],
      additionalDetails: [{ key: 'Change', value: change }],
    });
  }

  /** Internal, inside a deletion transaction: a deleted user or group loses its assignments, ownerships and approver roles. */
  removePrincipalReferences(trx: Executor, tenantId: string, principalId: string): Promise<void> {
    return deleteReferencesTo(trx, tenantId, principalId);
  }

  /** Internal, inside a soft-delete transaction: a principal's app role assignments and app ownerships, kept for restore. */
  snapshotPrincipalReferences(trx: Executor, tenantId: string, principalId: string): Promise<PrincipalApplicationSnapshot> {
    return snapshotReferencesTo(trx, tenantId, principalId);
  }

  /** Internal, inside a restore transaction: the kept assignments and ownerships whose application still exists. */
  restorePrincipalReferences(trx: Executor, tenantId: string, snapshot: PrincipalApplicationSnapshot): Promise<void> {
    return restoreReferences(trx, tenantId, snapshot);
  }

  // -----------------------------------------------------------------------------------------
  // Internal reads for single sign-on and My Apps (no authorization: callers decide).

  /** The principals whose assignments reach a user: the user and the groups it is a direct member of. */
  private async principalsOf(tenantId: string, userId: string): Promise<string[]> {
    return [userId, ...(await this.deps.groupMembers.directGroupIdsOf(tenantId, userId))];
  }

  /**
   * The application with this appId (OIDC client id), in any tenant, with its tenant id. Microsoft
   * Graph's service principal (one per tenant, same appId) is a resource, never a client: undefined.
   */
  findByAppId(appId: string, db: Executor = this.deps.db) {
    return isGuid(appId) && appId.toLowerCase() !== GRAPH_APP_ID
      ? findServicePrincipalByAppId(db, appId)
      : Promise.resolve(undefined);
  }

  /**
   * `directoryObjects/getByIds` for service principals (Microsoft Graph's included): those of the
   * tenant among `ids`; callers who find any need the right to list applications.
   */
  async servicePrincipalsByIds(ctx: OperationContext, ids: readonly string[]): Promise<ServicePrincipal[]> {
    const guids = ids.filter(isGuid).map((id) => id.toLowerCase());
    const sps = await findServicePrincipalsByIds(this.deps.db, ctx.caller.tenantId, guids);
    if (sps.length > 0) await this.deps.access.require(ctx, 'application.list');
    return sps;
  }

  /**
   * The enabled application of the tenant whose app-only token calls /v1.0 (undefined when it was
   * deleted or disabled since the token was issued: the token stops working, as in Entra).
   */
  async findAppCaller(tenantId: string, appId: string): Promise<ServicePrincipal | undefined> {
    const sp = await this.findByAppId(appId);
    return sp && sp.tenantId === tenantId && sp.accountEnabled ? sp : undefined;
  }

  /**
   * Creates the tenant's Microsoft Graph service principal if it is missing (at start for the
   * default tenant, with every new tenant; migration 0018 created it for existing tenants). Its
   * object id is the one oauth2PermissionGrants already name (`graphServicePrincipalId`).
   */
  async ensureGraphServicePrincipal(tenantId: string): Promise<void> {
    await ensureGraphServicePrincipalRow(
      this.deps.db,
      tenantId,
      graphServicePrincipalId(tenantId),
      this.deps.clock.now().toISOString(),
    );
  }

  /**
   * The Graph application permissions of an application's app-only tokens (the `roles` claim):
   * its app role assignments on the tenant's Microsoft Graph service principal, read when a token
   * is issued, so a removed assignment is gone from the next token.
   */
  async graphPermissionsOf(tenantId: string, spId: string): Promise<ApplicationPermission[]> {
    const ids = await appRoleIdsHeld(this.deps.db, tenantId, spId, graphServicePrincipalId(tenantId));
    return ids.map(graphAppRoleValue).filter((p): p is ApplicationPermission => p !== undefined);
  }

  /** The application one of whose servicePrincipalNames is `name` (SAML entity id), case-insensitive. */
  findByServicePrincipalName(tenantId: string, name: string, db: Executor = this.deps.db) {
    return findServicePrincipalByName(db, tenantId, name);
  }

  /** Internal lookup by object id. */
  findServicePrincipal(tenantId: string, id: string, db: Executor = this.deps.db) {
    return isGuid(id) ? findServicePrincipal(db, tenantId, id) : Promise.resolve(undefined);
  }

  /**
   * The user's access to one application: assigned directly or through a group the user is a
   * DIRECT member of (nested groups do not count, as in Entra), with the assigned role ids, the
   * values of those roles (for the `roles` claim) and the assigned groups (for the `groups` claim).
   */
  async accessOf(
    tenantId: string,
    servicePrincipalId: string,
    userId: string,
  ): Promise<{ assigned: boolean; appRoleIds: string[]; roleValues: string[]; groupIds: string[] }> {
    const sp = await findServicePrincipal(this.deps.db, tenantId, servicePrincipalId);
    if (!sp) return { assigned: false, appRoleIds: [], roleValues: [], groupIds: [] };
    const rows = await assignmentsForUser(this.deps.db, tenantId, sp.id, await this.principalsOf(tenantId, userId));
    const appRoleIds = dedupe(rows.map((r) => r.appRoleId));
    return {
      assigned: rows.length > 0,
      appRoleIds,
      roleValues: dedupe(appRoleIds.flatMap((id) => sp.appRoles.filter((r) => r.id === id && r.isEnabled).map((r) => r.value))),
      groupIds: dedupe(rows.filter((r) => r.principalType === 'Group').map((r) => r.principalId)),
    };
  }

  /**
   * Internal: the application's assignments held by any of `principalIds` (a user and groups), with
   * when each was made. One query; no authorization (the caller decides).
   */
  assignmentsOfPrincipals(tenantId: string, servicePrincipalId: string, principalIds: readonly string[]) {
    return principalIds.length
      ? assignmentsForUser(this.deps.db, tenantId, servicePrincipalId, principalIds)
      : Promise.resolve([]);
  }

  /** True when the user is assigned to the application (by appId) directly or through a direct group membership. */
  async isUserAssigned(tenantId: string, appId: string, userId: string): Promise<boolean> {
    if (!isGuid(appId)) return false;
    const sp = await findServicePrincipalByAppId(this.deps.db, appId, tenantId);
    if (!sp) return false;
    return (await assignmentsForUser(this.deps.db, tenantId, sp.id, await this.principalsOf(tenantId, userId))).length > 0;
  }

  /**
   * My Apps tiles: enabled applications the user is assigned to (directly or through a group
   * they are a direct member of), without those tagged HideApp, by display name.
   */
  async listAssignedAppsForUser(tenantId: string, userId: string): Promise<ServicePrincipal[]> {
    const ids = await assignedServicePrincipalIds(this.deps.db, tenantId, await this.principalsOf(tenantId, userId));
    const sps = await findServicePrincipalsByIds(this.deps.db, tenantId, ids);
    return sps.filter((sp) => sp.accountEnabled && !sp.tags.includes(HIDE_APP_TAG));
  }

  /** One page of the applications people may request (My Apps → Request new apps). */
  listRequestableApps(tenantId: string, q: ODataQuery): Promise<Page<ServicePrincipal>> {
    return listSelfServiceApps(this.deps.db, tenantId, q);
  }

  /** Ids of every application the user is assigned to, directly or through a direct group membership. */
  async assignedAppIdsOf(tenantId: string, userId: string): Promise<Set<string>> {
    return new Set(await assignedServicePrincipalIds(this.deps.db, tenantId, await this.principalsOf(tenantId, userId)));
  }

  /**
   * The applications whose access requests the user decides: those that take requests and name the
   * user as an approver, or that the user owns; with which of the two the user is.
   */
  async appsDecidedBy(
    tenantId: string,
    userId: string,
  ): Promise<{ sp: ServicePrincipal; isOwner: boolean; isApprover: boolean }[]> {
    const approved = await servicePrincipalsApprovedBy(this.deps.db, tenantId, userId);
    const ownedIds = new Set(await ownedServicePrincipalIds(this.deps.db, tenantId, userId));
    const owned = await findServicePrincipalsByIds(
      this.deps.db,
      tenantId,
      [...ownedIds].filter((id) => !approved.some((sp) => sp.id === id)),
    );
    return [...approved, ...owned]
      .filter((sp) => sp.selfServiceAccess.enabled)
      .map((sp) => ({ sp, isOwner: ownedIds.has(sp.id), isApprover: sp.selfServiceAccess.approverIds.includes(userId) }))
      .sort(
        (a, b) =>
          a.sp.displayName.localeCompare(b.sp.displayName, 'en', { sensitivity: 'base' }) || a.sp.id.localeCompare(b.sp.id),
      );
  }

  /** The facts that decide who sees and decides an application's access requests: owner, approver. */
  async selfServiceFacts(ctx: OperationContext, sp: ServicePrincipal): Promise<TargetFacts> {
    const c = ctx.caller;
    if (c.kind !== 'user') return {};
    const { isOwner } = await this.deps.loader.facts(ctx, sp.id);
    return { isOwner: isOwner === true, isApprover: sp.selfServiceAccess.approverIds.includes(c.userId) };
  }

  /**
   * Internal, inside the caller's transaction (granting an access request): takes the
   * application's lock and reads its current settings, or undefined when it was deleted.
   */
  async lockForGrant(trx: Executor, tenantId: string, id: string): Promise<ServicePrincipal | undefined> {
    if (!(await lockServicePrincipal(trx, tenantId, id))) return undefined;
    return findServicePrincipal(trx, tenantId, id);
  }

  /** Applications the user owns ("Manage your application" in My Apps). */
  async listOwnedAppsForUser(tenantId: string, userId: string): Promise<ServicePrincipal[]> {
    return findServicePrincipalsByIds(this.deps.db, tenantId, await ownedServicePrincipalIds(this.deps.db, tenantId, userId));
  }

  /**
   * Client authentication: true when `secret` is a currently valid client secret of the
   * application (constant-time comparison of SHA-256 hashes).
   */
  async verifyClientSecret(appId: string, secret: string): Promise<boolean> {
    const sp = await this.findByAppId(appId);
    if (!sp) return false;
    const presented = Buffer.from(sha256(secret), 'hex');
    const hashes = await validSecretHashes(this.deps.db, sp.id, this.deps.clock.now().toISOString());
    let ok = false;
    for (const h of hashes) if (timingSafeEqual(Buffer.from(h, 'hex'), presented)) ok = true;
    return ok;
  }
}
