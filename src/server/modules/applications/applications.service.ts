import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type AddPasswordBody,
  type ApplicationTemplate,
  type AppRole,
  type AppRoleAssignment,
  type AppRoleAssignmentBody,
  type AppRoleInput,
  type CreateServicePrincipalBody,
  DEFAULT_APP_ROLE_ID,
  DEFAULT_SAML_SETTINGS,
  HIDE_APP_TAG,
  type InstantiateTemplateBody,
  type KeyCredential,
  type PasswordCredential,
  type PrincipalType,
  type SamlAttributeSource,
  SERVICE_PRINCIPAL_LIMITS,
  type ServicePrincipal,
  samlAttributeSources,
  type UpdateServicePrincipalBody,
} from '../../../contracts/applications.js';
import { idFromODataRef } from '../../../contracts/common.js';
import type { Group } from '../../../contracts/groups.js';
import type { User } from '../../../contracts/users.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import { type Action, authorize, type TargetFacts } from '../../domain/authorization.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { badRequest, DomainError, denied, notFound } from '../../domain/errors.js';
import { type IdGenerator, isGuid, randomSecret } from '../../domain/ids.js';
import type { ODataQuery } from '../../odata/query.js';
import { type AuditService, type ModifiedProperty, type TargetResource, userTarget } from '../audit/audit.service.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { PoliciesService } from '../policies/policies.service.js';
import type { UsersService } from '../users/users.service.js';
import {
  type AssignmentScope,
  assignedServicePrincipalIds,
  assignmentExists,
  assignmentsForUser,
  countOwners,
  countPasswords,
  DEFAULT_SELF_SERVICE,
  deleteAssignment,
  deleteOwner,
  deletePassword,
  deleteReferencesTo,
  deleteServicePrincipalRow,
  findAssignment,
  findServicePrincipal,
  findServicePrincipalByAppId,
  findServicePrincipalByName,
  findServicePrincipalsByIds,
  insertAssignment,
  insertOwner,
  insertPassword,
  insertServicePrincipal,
  isOwner,
  listAssignments,
  listServicePrincipals,
  lockServicePrincipal,
  namesTaken,
  ownedServicePrincipalIds,
  ownerIdsOf,
  type StoredServicePrincipal,
  updateKeyCredentials,
  updateServicePrincipalRow,
  validSecretHashes,
} from './applications.repository.js';
import { applicationTemplates, fillBaseUrl, findApplicationTemplate } from './gallery.js';

export interface ApplicationsDeps {
  db: Executor;
  clock: Clock;
  newId: IdGenerator;
  audit: AuditService;
  policies: PoliciesService;
  users: UsersService;
  groups: GroupsService;
}

type Page<T> = { items: T[]; skiptoken?: string; count?: number };

/** `(appId='…')` key syntax (the URL form `/servicePrincipals(appId='…')` is rewritten to it). */
const APP_ID_KEY = /^\(appId='([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})'\)$/;

const CATEGORY = 'ApplicationManagement';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

const spTarget = (
  sp: Pick<ServicePrincipal, 'id' | 'displayName'>,
  modifiedProperties: ModifiedProperty[] = [],
): TargetResource => ({
  id: sp.id,
  displayName: sp.displayName,
  type: 'ServicePrincipal',
  modifiedProperties,
});

const groupTarget = (g: Group, modifiedProperties: ModifiedProperty[] = []): TargetResource => ({
  id: g.id,
  displayName: g.displayName,
  type: 'Group',
  groupType: g.groupTypes.includes('Unified') ? 'unifiedGroups' : 'azureAD',
  modifiedProperties,
});

const spProps = (sp: ServicePrincipal): ModifiedProperty[] => [
  { displayName: 'ServicePrincipal.ObjectID', oldValue: null, newValue: JSON.stringify(sp.id) },
  { displayName: 'ServicePrincipal.DisplayName', oldValue: null, newValue: JSON.stringify(sp.displayName) },
  { displayName: 'ServicePrincipal.AppId', oldValue: null, newValue: JSON.stringify(sp.appId) },
];

/** Properties compared for "Update service principal" (credentials are audited separately, never their secrets). */
const AUDITED: readonly (keyof StoredServicePrincipal)[] = [
  'displayName',
  'description',
  'notes',
  'homepage',
  'loginUrl',
  'logoutUrl',
  'replyUrls',
  'preferredSingleSignOnMode',
  'appRoleAssignmentRequired',
  'appRoles',
  'tags',
  'accountEnabled',
  'info',
  'servicePrincipalNames',
  'samlSingleSignOnSettings',
  'samlSettings',
  'selfServiceAccess',
];

const diff = (before: StoredServicePrincipal | undefined, after: StoredServicePrincipal): ModifiedProperty[] =>
  AUDITED.filter((k) => before === undefined || JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .filter((k) => before !== undefined || (after[k] !== null && JSON.stringify(after[k]) !== '[]'))
    .map((k) => ({
      displayName: k,
      oldValue: before === undefined ? null : JSON.stringify(before[k]),
      newValue: JSON.stringify(after[k]),
    }));

const dedupe = (xs: readonly string[]): string[] => [...new Set(xs)];
const dedupeCi = (xs: readonly string[]): string[] => {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = x.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

const toAppRole = (r: AppRoleInput): AppRole => ({
  allowedMemberTypes: dedupe(r.allowedMemberTypes) as AppRole['allowedMemberTypes'],
  description: r.description,
  displayName: r.displayName,
  id: r.id,
  isEnabled: r.isEnabled ?? true,
  origin: 'Application',
  value: r.value,
});

function validateAppRoles(roles: readonly AppRole[], before: readonly AppRole[] | undefined): void {
  const ids = new Set<string>();
  const values = new Set<string>();
  for (const r of roles) {
    if (r.id === DEFAULT_APP_ROLE_ID) {
      throw badRequest(`App role id ${DEFAULT_APP_ROLE_ID} is reserved for default access.`, 'appRoles');
    }
    if (ids.has(r.id)) throw badRequest(`Property appRoles has duplicate id '${r.id}': app role ids must be unique.`, 'appRoles');
    const v = r.value.toLowerCase();
    if (values.has(v)) {
      throw badRequest(`Property appRoles has duplicate value '${r.value}': app role values must be unique.`, 'appRoles');
    }
    ids.add(r.id);
    values.add(v);
  }
  // Graph: an enabled role must be disabled (isEnabled false) before it can be removed.
  for (const old of before ?? []) {
    if (old.isEnabled && !ids.has(old.id)) {
      throw badRequest(
        `App role '${old.value}' (${old.id}) is enabled: set isEnabled to false in one update before removing it in another.`,
        'appRoles',
      );
    }
  }
}

export function createApplicationsService(deps: ApplicationsDeps) {
  const policyFacts = (tenantId: string) => deps.policies.policyFacts(tenantId);

  async function check(ctx: OperationContext, action: Action, target: TargetFacts = {}) {
    const decision = authorize(ctx.caller, action, await policyFacts(ctx.caller.tenantId), target);
    if (!decision.allowed) throw denied(decision.reason);
  }

  async function facts(ctx: OperationContext, spId: string): Promise<TargetFacts> {
    const c = ctx.caller;
    if (c.kind !== 'user') return {};
    return { isOwner: await isOwner(deps.db, c.tenantId, spId, c.userId) };
  }

  /** Finds by object id or `(appId='…')` within the caller's tenant. */
  async function findByKey(tenantId: string, key: string, db: Executor = deps.db): Promise<ServicePrincipal | undefined> {
    const m = APP_ID_KEY.exec(key);
    if (m?.[1]) return findServicePrincipalByAppId(db, m[1], tenantId);
    if (!isGuid(key)) throw badRequest(`Invalid object identifier '${key}'.`);
    return findServicePrincipal(db, tenantId, key);
  }

  /** Loads an application for an operation, or 404 (existence is revealed only to callers who may read apps). */
  async function load(ctx: OperationContext, key: string): Promise<{ sp: ServicePrincipal; facts: TargetFacts }> {
    const sp = await findByKey(ctx.caller.tenantId, key);
    if (!sp) {
      await check(ctx, 'application.read');
      throw notFound(key);
    }
    const f = await facts(ctx, sp.id);
    await check(ctx, 'application.read', f);
    return { sp, facts: f };
  }

  /**
   * Normalises and validates a complete service principal (create, and the merged result of a
   * PATCH): appId among the names, unique role ids/values, self-service references that exist.
   */
  async function validate(tenantId: string, sp: StoredServicePrincipal, before: StoredServicePrincipal | undefined) {
    sp.replyUrls = dedupe(sp.replyUrls);
    sp.tags = dedupe(sp.tags);
    sp.servicePrincipalNames = dedupeCi([sp.appId, ...sp.servicePrincipalNames]);
    if (sp.servicePrincipalNames.length > SERVICE_PRINCIPAL_LIMITS.servicePrincipalNames) {
      throw badRequest('Property servicePrincipalNames must have at most 50 entries.', 'servicePrincipalNames');
    }
    validateAppRoles(sp.appRoles, before?.appRoles);

    const s = sp.selfServiceAccess;
    s.approverIds = dedupe(s.approverIds);
    if (s.enabled && s.groupId === null) {
      throw badRequest(
        'selfServiceAccess.groupId is required when self-service access is enabled: approved users are added to this group.',
        'selfServiceAccess.groupId',
      );
    }
    if (s.enabled && s.requireApproval && s.approverIds.length === 0) {
      throw badRequest(
        'selfServiceAccess.approverIds must name at least one approver when approval is required.',
        'selfServiceAccess.approverIds',
      );
    }
    if (s.groupId !== null && !(await deps.groups.findGroup(tenantId, s.groupId))) {
      throw badRequest(`selfServiceAccess.groupId: group '${s.groupId}' does not exist.`, 'selfServiceAccess.groupId');
    }
    if (s.approverIds.length > 0) {
      const found = new Set((await deps.users.findUsersByIds(tenantId, s.approverIds)).map((u) => u.id));
      const missing = s.approverIds.filter((id) => !found.has(id));
      if (missing.length > 0) {
        throw badRequest(
          `selfServiceAccess.approverIds: user '${missing[0]}' does not exist (approvers are individual users; groups are not supported).`,
          'selfServiceAccess.approverIds',
        );
      }
    }
    if (
      s.appRoleId !== null &&
      s.appRoleId !== DEFAULT_APP_ROLE_ID &&
      !sp.appRoles.some((r) => r.id === s.appRoleId && r.isEnabled)
    ) {
      throw badRequest(
        `selfServiceAccess.appRoleId: '${s.appRoleId}' is not an enabled app role of this application.`,
        'selfServiceAccess.appRoleId',
      );
    }
  }

  /** Applies writable properties of a create/update body onto `sp`. */
  function apply(sp: StoredServicePrincipal, body: UpdateServicePrincipalBody): void {
    if (body.displayName !== undefined) {
      sp.displayName = body.displayName;
      sp.appDisplayName = body.displayName;
    }
    if (body.description !== undefined) sp.description = body.description;
    if (body.notes !== undefined) sp.notes = body.notes;
    if (body.homepage !== undefined) sp.homepage = body.homepage;
    if (body.loginUrl !== undefined) sp.loginUrl = body.loginUrl;
    if (body.logoutUrl !== undefined) sp.logoutUrl = body.logoutUrl;
    if (body.replyUrls !== undefined) sp.replyUrls = body.replyUrls;
    if (body.preferredSingleSignOnMode !== undefined) sp.preferredSingleSignOnMode = body.preferredSingleSignOnMode;
    if (body.appRoleAssignmentRequired !== undefined) sp.appRoleAssignmentRequired = body.appRoleAssignmentRequired;
    if (body.appRoles !== undefined) sp.appRoles = body.appRoles.map(toAppRole);
    if (body.tags !== undefined) sp.tags = body.tags;
    if (body.accountEnabled !== undefined) sp.accountEnabled = body.accountEnabled;
    if (body.info !== undefined) sp.info = { logoUrl: body.info?.logoUrl ?? null };
    if (body.servicePrincipalNames !== undefined) sp.servicePrincipalNames = body.servicePrincipalNames;
    if (body.samlSingleSignOnSettings !== undefined) {
      sp.samlSingleSignOnSettings = { relayState: body.samlSingleSignOnSettings?.relayState ?? null };
    }
    if (body.samlSettings !== undefined) {
      const s = body.samlSettings;
      const merged = {
        nameIdFormat: s.nameIdFormat ?? sp.samlSettings.nameIdFormat,
        signResponse: s.signResponse ?? sp.samlSettings.signResponse,
        signAssertion: s.signAssertion ?? sp.samlSettings.signAssertion,
        attributes: s.attributes === undefined ? sp.samlSettings.attributes : s.attributes,
      };
      if (!merged.signResponse && !merged.signAssertion) {
        throw badRequest('samlSettings: at least one of signResponse and signAssertion must be true.', 'samlSettings');
      }
      sp.samlSettings = merged;
    }
    if (body.selfServiceAccess !== undefined) {
      const s = body.selfServiceAccess;
      sp.selfServiceAccess = {
        enabled: s.enabled ?? sp.selfServiceAccess.enabled,
        groupId: s.groupId === undefined ? sp.selfServiceAccess.groupId : s.groupId,
        requireApproval: s.requireApproval ?? sp.selfServiceAccess.requireApproval,
        approverIds: s.approverIds ?? sp.selfServiceAccess.approverIds,
        appRoleId: s.appRoleId === undefined ? sp.selfServiceAccess.appRoleId : s.appRoleId,
      };
    }
  }

  /** The template's settings as a create body, with `{baseUrl}` filled in when given. */
  function templateDefaults(
    t: ApplicationTemplate,
    baseUrl: string | undefined,
    mode: 'oidc' | 'saml' | undefined,
  ): UpdateServicePrincipalBody {
    const chosen = mode ?? t.supportedSingleSignOnModes[0];
    if (chosen === undefined || !t.supportedSingleSignOnModes.includes(chosen)) {
      throw badRequest(
        `Template '${t.id}' supports ${t.supportedSingleSignOnModes.map((m) => `'${m}'`).join(' and ')} single sign-on.`,
        'preferredSingleSignOnMode',
      );
    }
    const out: UpdateServicePrincipalBody = {
      displayName: t.displayName,
      description: t.description,
      preferredSingleSignOnMode: chosen,
      appRoles: t.appRoles,
    };
    if (baseUrl === undefined) return out;
    const fill = (s: string | null) => (s === null ? null : fillBaseUrl(s, baseUrl));
    out.homepage = fillBaseUrl('{baseUrl}', baseUrl);
    const oidc = t.singleSignOnSettings.oidc;
    const saml = t.singleSignOnSettings.saml;
    if (chosen === 'oidc' && oidc) {
      out.replyUrls = oidc.redirectUris.map((u) => fillBaseUrl(u, baseUrl));
      out.loginUrl = fill(oidc.loginUrl);
      out.logoutUrl = fill(oidc.logoutUrl);
    }
    if (chosen === 'saml' && saml) {
      out.replyUrls = saml.replyUrls.map((u) => fillBaseUrl(u, baseUrl));
      out.loginUrl = fill(saml.signOnUrl);
      out.logoutUrl = fill(saml.logoutUrl);
      out.servicePrincipalNames = [fillBaseUrl(saml.entityId, baseUrl)];
    }
    if (chosen === 'saml' && saml) {
      out.samlSettings = {
        nameIdFormat: saml.nameIdFormat,
        attributes: saml.attributes.filter((a): a is { name: string; source: SamlAttributeSource } =>
          (samlAttributeSources as readonly string[]).includes(a.source),
        ),
      };
    }
    return out;
  }

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

  /** Resolves a principal id to a user or a group of the tenant, or 404. */
  async function resolvePrincipal(
    tenantId: string,
    id: string,
    db: Executor = deps.db,
  ): Promise<{ type: 'User'; user: User } | { type: 'Group'; group: Group }> {
    const user = await deps.users.findUser(tenantId, id, db);
    if (user) return { type: 'User', user };
    const group = await deps.groups.findGroup(tenantId, id, db);
    if (group) return { type: 'Group', group };
    throw notFound(id);
  }

  async function create(ctx: OperationContext, body: CreateServicePrincipalBody): Promise<ServicePrincipal> {
    await check(ctx, 'application.manage');
    const tenantId = ctx.caller.tenantId;
    const { applicationTemplateId, baseUrl, ...props } = body;
    let template: ApplicationTemplate | undefined;
    if (applicationTemplateId !== undefined) {
      template = findApplicationTemplate(applicationTemplateId);
      if (!template) {
        throw badRequest(`Application template '${applicationTemplateId}' does not exist.`, 'applicationTemplateId');
      }
    } else if (baseUrl !== undefined) {
      throw badRequest('baseUrl can only be given with applicationTemplateId.', 'baseUrl');
    }
    const mode = props.preferredSingleSignOnMode;
    const defaults = template
      ? templateDefaults(template, baseUrl, mode === 'oidc' || mode === 'saml' ? mode : undefined)
      : undefined;
    const displayName = props.displayName ?? defaults?.displayName;
    if (displayName === undefined) throw badRequest('Property displayName is required.', 'displayName');

    const now = deps.clock.now().toISOString();
    const id = deps.newId();
    const appId = deps.newId();
    const sp: StoredServicePrincipal = {
      id,
      appId,
      appDisplayName: displayName,
      displayName,
      description: null,
      notes: null,
      homepage: null,
      loginUrl: null,
      logoutUrl: null,
      replyUrls: [],
      preferredSingleSignOnMode: null,
      appRoleAssignmentRequired: false,
      appRoles: [],
      tags: [],
      accountEnabled: true,
      info: { logoUrl: null },
      servicePrincipalNames: [],
      samlSingleSignOnSettings: { relayState: null },
      samlSettings: { ...DEFAULT_SAML_SETTINGS },
      servicePrincipalType: 'Application',
      signInAudience: 'AzureADMyOrg',
      applicationTemplateId: template?.id ?? null,
      keyCredentials: [],
      selfServiceAccess: { ...DEFAULT_SELF_SERVICE },
      createdDateTime: now,
    };
    if (defaults) apply(sp, defaults);
    apply(sp, { ...props, displayName });
    await validate(tenantId, sp, undefined);

    await deps.db.transaction().execute(async (trx) => {
      const taken = await namesTaken(trx, tenantId, sp.servicePrincipalNames);
      if (taken.length > 0) throw nameConflict(taken);
      try {
        await insertServicePrincipal(trx, tenantId, sp);
      } catch (err) {
        throw mapUnique(err);
      }
      await deps.audit.record(trx, ctx, {
        activityDisplayName: 'Add service principal',
        category: CATEGORY,
        operationType: 'Add',
        targetResources: [
          spTarget(sp, [{ displayName: 'AppId', oldValue: null, newValue: JSON.stringify(sp.appId) }, ...diff(undefined, sp)]),
        ],
      });
    });
    return { ...sp, passwordCredentials: [] };
  }

  /** Creates an assignment after authorization; shared by the three POST endpoints. */
  async function assign(
    ctx: OperationContext,
    body: AppRoleAssignmentBody,
    via: { resourceKey: string } | { principalType: PrincipalType; principalKey: string },
  ): Promise<AppRoleAssignment> {
    const tenantId = ctx.caller.tenantId;
    let sp: ServicePrincipal;
    let f: TargetFacts;
    if ('resourceKey' in via) {
      ({ sp, facts: f } = await load(ctx, via.resourceKey));
      await check(ctx, 'application.assign', f);
      if (body.resourceId !== sp.id) {
        throw badRequest(
          `resourceId '${body.resourceId}' does not match the service principal in the URL ('${sp.id}').`,
          'resourceId',
        );
      }
    } else {
      // The principal in the URL must exist and be readable, and be the one in the body.
      if (via.principalType === 'User') {
        const u = await deps.users.getUser(ctx, via.principalKey);
        if (u.id !== body.principalId) {
          throw badRequest(`principalId '${body.principalId}' does not match the user in the URL ('${u.id}').`, 'principalId');
        }
      } else {
        const g = await deps.groups.getGroup(ctx, via.principalKey);
        if (g.id !== body.principalId) {
          throw badRequest(`principalId '${body.principalId}' does not match the group in the URL ('${g.id}').`, 'principalId');
        }
      }
      ({ sp, facts: f } = await load(ctx, body.resourceId));
      await check(ctx, 'application.assign', f);
    }

    const principal = await resolvePrincipal(tenantId, body.principalId);
    const appRoleId = body.appRoleId;
    const role = sp.appRoles.find((r) => r.id === appRoleId);
    if (appRoleId !== DEFAULT_APP_ROLE_ID && (!role || !role.isEnabled || !role.allowedMemberTypes.includes('User'))) {
      throw badRequest(
        `Permission being assigned was not found on application '${sp.appId}': appRoleId '${appRoleId}' is not an enabled app role of ${sp.displayName} that users and groups can be assigned to.`,
        'appRoleId',
      );
    }
    const a: AppRoleAssignment = {
      id: deps.newId(),
      appRoleId,
      createdDateTime: deps.clock.now().toISOString(),
      deletedDateTime: null,
      principalDisplayName: principal.type === 'User' ? principal.user.displayName : principal.group.displayName,
      principalId: body.principalId,
      principalType: principal.type,
      resourceDisplayName: sp.displayName,
      resourceId: sp.id,
    };
    const exists = () => new DomainError('app_role_assignment_exists');
    await deps.db.transaction().execute(async (trx) => {
      if (!(await lockServicePrincipal(trx, tenantId, sp.id))) throw notFound(sp.id);
      if (await assignmentExists(trx, sp.id, a.principalId, appRoleId)) throw exists();
      try {
        await insertAssignment(trx, {
          id: a.id,
          tenant_id: tenantId,
          resource_id: sp.id,
          principal_id: a.principalId,
          principal_type: a.principalType,
          app_role_id: appRoleId,
          created_date_time: a.createdDateTime,
        });
      } catch (err) {
        throw asUniqueViolation(err) ? exists() : err;
      }
      await deps.audit.record(trx, ctx, assignmentAudit('add', sp, principal, role, a));
    });
    return a;
  }

  function assignmentAudit(
    kind: 'add' | 'remove',
    sp: ServicePrincipal,
    principal: { type: 'User'; user: User } | { type: 'Group'; group: Group } | { type: PrincipalType; id: string },
    role: AppRole | undefined,
    a: AppRoleAssignment,
  ) {
    const props: ModifiedProperty[] = [
      { displayName: 'AppRole.Id', oldValue: null, newValue: JSON.stringify(a.appRoleId) },
      { displayName: 'AppRole.Value', oldValue: null, newValue: JSON.stringify(role?.value ?? null) },
      { displayName: 'AppRole.DisplayName', oldValue: null, newValue: JSON.stringify(role?.displayName ?? 'Default Access') },
      { displayName: 'AppRoleAssignment.CreatedDateTime', oldValue: null, newValue: JSON.stringify(a.createdDateTime) },
      ...spProps(sp),
    ];
    const isUser = principal.type === 'User';
    const principalTarget: TargetResource =
      'user' in principal
        ? userTarget(principal.user, props)
        : 'group' in principal
          ? groupTarget(principal.group, props)
          : { id: principal.id, displayName: a.principalDisplayName, type: principal.type, modifiedProperties: props };
    return {
      activityDisplayName:
        kind === 'add'
          ? isUser
            ? 'Add app role assignment grant to user'
            : 'Add app role assignment to group'
          : isUser
            ? 'Remove app role assignment from user'
            : 'Remove app role assignment from group',
      // Entra files these under the principal's category (entra-behaviour.md §9.2).
      category: isUser ? 'UserManagement' : 'GroupManagement',
      operationType: kind === 'add' ? ('Assign' as const) : ('Unassign' as const),
      targetResources: [principalTarget, spTarget(sp)],
    };
  }

  const service = {
    /** Registers the deletion hooks: a deleted user or group loses its assignments and ownerships in the same transaction. */
    register(): void {
      deps.users.onUserDeleted((trx, tenantId, userId) => deleteReferencesTo(trx, tenantId, userId));
      deps.groups.onGroupDeleted((trx, tenantId, groupId) => deleteReferencesTo(trx, tenantId, groupId));
    },

    /** GET /servicePrincipals. Members and administrators enumerate; guests cannot. */
    async listServicePrincipals(ctx: OperationContext, q: ODataQuery): Promise<Page<ServicePrincipal>> {
      await check(ctx, 'application.list');
      return listServicePrincipals(deps.db, ctx.caller.tenantId, q);
    },

    /** GET /servicePrincipals/{id | (appId='…')}. */
    async getServicePrincipal(ctx: OperationContext, key: string): Promise<ServicePrincipal> {
      return (await load(ctx, key)).sp;
    },

    /**
     * POST /servicePrincipals: a custom application (OIDC or SAML by preferredSingleSignOnMode), or
     * one started from a gallery template (applicationTemplateId; explicit properties win). Needs an
     * application administrator role or Application.ReadWrite.All. One transaction with "Add service principal".
     */
    createServicePrincipal: create,

    /** POST /applicationTemplates/{id}/instantiate: creates the application from a gallery template. */
    async instantiateTemplate(
      ctx: OperationContext,
      templateId: string,
      body: InstantiateTemplateBody,
    ): Promise<ServicePrincipal> {
      const template = findApplicationTemplate(templateId);
      if (!template) {
        await check(ctx, 'application.list');
        throw notFound(templateId);
      }
      return create(ctx, {
        applicationTemplateId: template.id,
        displayName: body.displayName,
        ...(body.baseUrl === undefined ? {} : { baseUrl: body.baseUrl }),
        ...(body.preferredSingleSignOnMode === undefined ? {} : { preferredSingleSignOnMode: body.preferredSingleSignOnMode }),
      });
    },

    /** GET /applicationTemplates. */
    async listTemplates(ctx: OperationContext): Promise<readonly ApplicationTemplate[]> {
      await check(ctx, 'application.list');
      return applicationTemplates;
    },

    /** GET /applicationTemplates/{id}. */
    async getTemplate(ctx: OperationContext, id: string): Promise<ApplicationTemplate> {
      await check(ctx, 'application.list');
      const t = findApplicationTemplate(id);
      if (!t) throw notFound(id);
      return t;
    },

    /**
     * PATCH /servicePrincipals/{id}: administrators and the app's owners. Validates the merged
     * result; one transaction with "Update service principal" listing the changed properties.
     */
    async updateServicePrincipal(ctx: OperationContext, key: string, body: UpdateServicePrincipalBody): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const { sp: existing, facts: f } = await load(ctx, key);
      await check(ctx, 'application.manage', f);
      const { passwordCredentials: _p, ...before } = existing;
      const updated: StoredServicePrincipal = structuredClone(before);
      apply(updated, body);
      await validate(tenantId, updated, before);
      const changes = diff(before, updated);
      if (changes.length === 0) return;
      const namesChanged = JSON.stringify(before.servicePrincipalNames) !== JSON.stringify(updated.servicePrincipalNames);
      await deps.db.transaction().execute(async (trx) => {
        if (!(await lockServicePrincipal(trx, tenantId, existing.id))) throw notFound(key);
        if (namesChanged) {
          const taken = await namesTaken(trx, tenantId, updated.servicePrincipalNames, existing.id);
          if (taken.length > 0) throw nameConflict(taken);
        }
        try {
          await updateServicePrincipalRow(trx, tenantId, updated, namesChanged);
        } catch (err) {
          throw mapUnique(err);
        }
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Update service principal',
          category: CATEGORY,
          operationType: 'Update',
          targetResources: [spTarget(updated, changes)],
        });
      });
    },

    /** DELETE /servicePrincipals/{id}: with its owners, secrets and assignments, in one transaction with "Remove service principal". */
    async deleteServicePrincipal(ctx: OperationContext, key: string): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const { sp, facts: f } = await load(ctx, key);
      await check(ctx, 'application.manage', f);
      await deps.db.transaction().execute(async (trx) => {
        await deleteServicePrincipalRow(trx, tenantId, sp.id);
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Remove service principal',
          category: CATEGORY,
          operationType: 'Delete',
          targetResources: [spTarget(sp, spProps(sp))],
        });
      });
    },

    /**
     * POST /servicePrincipals/{id}/addPassword: a 256-bit random client secret, returned once in
     * `secretText`; only its SHA-256 is stored. Valid one year by default, at most two.
     */
    async addPassword(ctx: OperationContext, key: string, body: AddPasswordBody): Promise<PasswordCredential> {
      const tenantId = ctx.caller.tenantId;
      const { sp, facts: f } = await load(ctx, key);
      await check(ctx, 'application.manage', f);
      const input = body.passwordCredential ?? {};
      const now = deps.clock.now();
      const start = input.startDateTime ? new Date(input.startDateTime) : now;
      const defaultEnd = new Date(start);
      defaultEnd.setUTCFullYear(defaultEnd.getUTCFullYear() + 1);
      const maxEnd = new Date(start);
      maxEnd.setUTCFullYear(maxEnd.getUTCFullYear() + 2);
      const end = input.endDateTime ? new Date(input.endDateTime) : defaultEnd;
      if (end.getTime() <= start.getTime()) {
        throw badRequest('passwordCredential.endDateTime must be later than startDateTime.', 'passwordCredential.endDateTime');
      }
      if (end.getTime() > maxEnd.getTime()) {
        throw badRequest(
          'passwordCredential.endDateTime must be at most 2 years after startDateTime: client secrets are rotated.',
          'passwordCredential.endDateTime',
        );
      }
      if (end.getTime() <= now.getTime()) {
        throw badRequest('passwordCredential.endDateTime must be in the future.', 'passwordCredential.endDateTime');
      }
      const secretText = randomSecret(32);
      const credential: PasswordCredential = {
        customKeyIdentifier: null,
        displayName: input.displayName ?? null,
        endDateTime: end.toISOString(),
        hint: secretText.slice(0, 3),
        keyId: deps.newId(),
        secretText,
        startDateTime: start.toISOString(),
      };
      await deps.db.transaction().execute(async (trx) => {
        if (!(await lockServicePrincipal(trx, tenantId, sp.id))) throw notFound(key);
        if ((await countPasswords(trx, sp.id)) >= SERVICE_PRINCIPAL_LIMITS.passwordCredentials) {
          throw badRequest(
            `An application can have at most ${SERVICE_PRINCIPAL_LIMITS.passwordCredentials} client secrets: remove an old one first.`,
            'passwordCredentials',
          );
        }
        await insertPassword(trx, tenantId, sp.id, {
          keyId: credential.keyId,
          displayName: credential.displayName,
          hint: credential.hint,
          secretHash: sha256(secretText),
          startDateTime: credential.startDateTime,
          endDateTime: credential.endDateTime,
          createdDateTime: now.toISOString(),
        });
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Update service principal',
          category: CATEGORY,
          operationType: 'Update',
          targetResources: [spTarget(sp, [keyDescription(null, credential)])],
          additionalDetails: [{ key: 'Change', value: 'Add client secret' }],
        });
      });
      return credential;
    },

    /** POST /servicePrincipals/{id}/removePassword `{keyId}`. 404 when the application has no such secret. */
    async removePassword(ctx: OperationContext, key: string, keyId: string): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const { sp, facts: f } = await load(ctx, key);
      await check(ctx, 'application.manage', f);
      await deps.db.transaction().execute(async (trx) => {
        if (!(await lockServicePrincipal(trx, tenantId, sp.id))) throw notFound(key);
        const removed = await deletePassword(trx, sp.id, keyId);
        if (!removed) {
          throw new DomainError('resource_not_found', `No client secret with keyId '${keyId}' exists on this application.`, {
            target: 'keyId',
          });
        }
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Update service principal',
          category: CATEGORY,
          operationType: 'Update',
          targetResources: [spTarget(sp, [keyDescription(removed, null)])],
          additionalDetails: [{ key: 'Change', value: 'Remove client secret' }],
        });
      });
    },

    /** GET /servicePrincipals/{id}/owners (users). */
    async listOwners(ctx: OperationContext, key: string, q: ODataQuery): Promise<Page<User>> {
      const tenantId = ctx.caller.tenantId;
      const { sp } = await load(ctx, key);
      return deps.users.listUsersByIds(tenantId, await ownerIdsOf(deps.db, tenantId, sp.id), q);
    },

    /** POST /servicePrincipals/{id}/owners/$ref: users only, at most 100. "Add owner to service principal". */
    async addOwner(ctx: OperationContext, key: string, ref: string): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const { sp, facts: f } = await load(ctx, key);
      await check(ctx, 'application.manage', f);
      const id = idFromODataRef(ref);
      if (id === undefined) {
        throw badRequest(
          `Invalid object identifier '${ref}': expected a URL ending in /directoryObjects/{id} or /users/{id}.`,
          '@odata.id',
        );
      }
      const principal = await resolvePrincipal(tenantId, id);
      if (principal.type !== 'User') throw badRequest('Only users can be owners of an application.', '@odata.id');
      const exists = () => new DomainError('service_principal_reference_exists');
      await deps.db.transaction().execute(async (trx) => {
        if (!(await lockServicePrincipal(trx, tenantId, sp.id))) throw notFound(key);
        if (await isOwner(trx, tenantId, sp.id, id)) throw exists();
        if ((await countOwners(trx, sp.id)) >= SERVICE_PRINCIPAL_LIMITS.owners) {
          throw badRequest(`An application can have at most ${SERVICE_PRINCIPAL_LIMITS.owners} owners.`, 'owners');
        }
        try {
          await insertOwner(trx, tenantId, sp.id, id, deps.clock.now().toISOString());
        } catch (err) {
          throw asUniqueViolation(err) ? exists() : err;
        }
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Add owner to service principal',
          category: CATEGORY,
          operationType: 'Assign',
          targetResources: [spTarget(sp), userTarget(principal.user, spProps(sp))],
        });
      });
    },

    /** DELETE /servicePrincipals/{id}/owners/{ownerId}/$ref. 404 when not an owner. */
    async removeOwner(ctx: OperationContext, key: string, ownerId: string): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const { sp, facts: f } = await load(ctx, key);
      await check(ctx, 'application.manage', f);
      const oid = ownerId.toLowerCase();
      await deps.db.transaction().execute(async (trx) => {
        if (!(await lockServicePrincipal(trx, tenantId, sp.id))) throw notFound(key);
        if (!(await deleteOwner(trx, tenantId, sp.id, oid))) throw notFound(ownerId);
        const user = await deps.users.findUser(tenantId, oid, trx);
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Remove owner from service principal',
          category: CATEGORY,
          operationType: 'Unassign',
          targetResources: [
            spTarget(sp),
            user ? userTarget(user, spProps(sp)) : { id: oid, displayName: null, type: 'User', modifiedProperties: spProps(sp) },
          ],
        });
      });
    },

    /** GET /servicePrincipals/{id}/appRoleAssignedTo: who is assigned to the application. */
    async listAppRoleAssignedTo(ctx: OperationContext, key: string, q: ODataQuery): Promise<Page<AppRoleAssignment>> {
      const { sp } = await load(ctx, key);
      return listAssignments(deps.db, ctx.caller.tenantId, { resourceId: sp.id }, q);
    },

    /**
     * POST /servicePrincipals/{id}/appRoleAssignedTo, /users/{id}/appRoleAssignments,
     * /groups/{id}/appRoleAssignments. Application, Cloud Application and User Administrators and
     * the app's owners; one transaction with the Entra audit record for a user or a group.
     */
    assignToServicePrincipal: (ctx: OperationContext, key: string, body: AppRoleAssignmentBody) =>
      assign(ctx, body, { resourceKey: key }),
    assignToUser: (ctx: OperationContext, userKey: string, body: AppRoleAssignmentBody) =>
      assign(ctx, body, { principalType: 'User', principalKey: userKey }),
    assignToGroup: (ctx: OperationContext, groupId: string, body: AppRoleAssignmentBody) =>
      assign(ctx, body, { principalType: 'Group', principalKey: groupId }),

    /** DELETE /servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}. */
    async removeAssignment(ctx: OperationContext, key: string, assignmentId: string): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const { sp, facts: f } = await load(ctx, key);
      await check(ctx, 'application.assign', f);
      await deps.db.transaction().execute(async (trx) => {
        if (!(await lockServicePrincipal(trx, tenantId, sp.id))) throw notFound(key);
        const a = await findAssignment(trx, tenantId, assignmentId);
        if (!a || a.resourceId !== sp.id || !(await deleteAssignment(trx, tenantId, sp.id, a.id))) throw notFound(assignmentId);
        const user = a.principalType === 'User' ? await deps.users.findUser(tenantId, a.principalId, trx) : undefined;
        const group = a.principalType === 'Group' ? await deps.groups.findGroup(tenantId, a.principalId, trx) : undefined;
        const principal = user
          ? { type: 'User' as const, user }
          : group
            ? { type: 'Group' as const, group }
            : { type: a.principalType, id: a.principalId };
        const role = sp.appRoles.find((r) => r.id === a.appRoleId);
        await deps.audit.record(trx, ctx, assignmentAudit('remove', sp, principal, role, a));
      });
    },

    /** GET /users/{id}/appRoleAssignments and /me/appRoleAssignments: anyone reads their own. */
    async listUserAssignments(ctx: OperationContext, userKey: string, q: ODataQuery): Promise<Page<AppRoleAssignment>> {
      const user = await deps.users.getUser(ctx, userKey);
      const self = ctx.caller.kind === 'user' && ctx.caller.userId === user.id;
      if (!self) await check(ctx, 'application.list');
      return listAssignments(deps.db, ctx.caller.tenantId, { principalId: user.id }, q);
    },

    /** GET /groups/{id}/appRoleAssignments. */
    async listGroupAssignments(ctx: OperationContext, groupId: string, q: ODataQuery): Promise<Page<AppRoleAssignment>> {
      const group = await deps.groups.getGroup(ctx, groupId);
      await check(ctx, 'application.list');
      return listAssignments(deps.db, ctx.caller.tenantId, { principalId: group.id } satisfies AssignmentScope, q);
    },

    // -----------------------------------------------------------------------------------------
    // Internal functions for single sign-on and My Apps (no authorization: callers decide).

    /** The application with this appId (OIDC client id), in any tenant, with its tenant id. */
    findByAppId: (appId: string, db: Executor = deps.db) =>
      isGuid(appId) ? findServicePrincipalByAppId(db, appId) : Promise.resolve(undefined),

    /** The application one of whose servicePrincipalNames is `name` (SAML entity id), case-insensitive. */
    findByServicePrincipalName: (tenantId: string, name: string, db: Executor = deps.db) =>
      findServicePrincipalByName(db, tenantId, name),

    /**
     * Loads an application for a change of its single sign-on configuration made outside this
     * module (protocols/saml: token-signing certificates): application administrators and the
     * app's owners, like PATCH. 404 / 403 as for the other management operations.
     */
    async loadForManage(ctx: OperationContext, key: string): Promise<ServicePrincipal> {
      const { sp, facts: f } = await load(ctx, key);
      await check(ctx, 'application.manage', f);
      return sp;
    },

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
      await deps.audit.record(trx, ctx, {
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
    },

    /** Internal lookup by object id. */
    findServicePrincipal: (tenantId: string, id: string, db: Executor = deps.db) =>
      isGuid(id) ? findServicePrincipal(db, tenantId, id) : Promise.resolve(undefined),

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
      const sp = await findServicePrincipal(deps.db, tenantId, servicePrincipalId);
      if (!sp) return { assigned: false, appRoleIds: [], roleValues: [], groupIds: [] };
      const rows = await assignmentsForUser(deps.db, tenantId, sp.id, userId);
      const appRoleIds = dedupe(rows.map((r) => r.appRoleId));
      return {
        assigned: rows.length > 0,
        appRoleIds,
        roleValues: dedupe(appRoleIds.flatMap((id) => sp.appRoles.filter((r) => r.id === id && r.isEnabled).map((r) => r.value))),
        groupIds: dedupe(rows.filter((r) => r.principalType === 'Group').map((r) => r.principalId)),
      };
    },

    /** True when the user is assigned to the application (by appId) directly or through a direct group membership. */
    async isUserAssigned(tenantId: string, appId: string, userId: string): Promise<boolean> {
      if (!isGuid(appId)) return false;
      const sp = await findServicePrincipalByAppId(deps.db, appId, tenantId);
      if (!sp) return false;
      return (await assignmentsForUser(deps.db, tenantId, sp.id, userId)).length > 0;
    },

    /**
     * My Apps tiles: enabled applications the user is assigned to (directly or through a group
     * they are a direct member of), without those tagged HideApp, by display name.
     */
    async listAssignedAppsForUser(tenantId: string, userId: string): Promise<ServicePrincipal[]> {
      const ids = await assignedServicePrincipalIds(deps.db, tenantId, userId);
      const sps = await findServicePrincipalsByIds(deps.db, tenantId, ids);
      return sps.filter((sp) => sp.accountEnabled && !sp.tags.includes(HIDE_APP_TAG));
    },

    /** Applications the user owns ("Manage your application" in My Apps). */
    async listOwnedAppsForUser(tenantId: string, userId: string): Promise<ServicePrincipal[]> {
      return findServicePrincipalsByIds(deps.db, tenantId, await ownedServicePrincipalIds(deps.db, tenantId, userId));
    },

    /**
     * Client authentication: true when `secret` is a currently valid client secret of the
     * application (constant-time comparison of SHA-256 hashes).
     */
    async verifyClientSecret(appId: string, secret: string): Promise<boolean> {
      if (!isGuid(appId)) return false;
      const sp = await findServicePrincipalByAppId(deps.db, appId);
      if (!sp) return false;
      const presented = Buffer.from(sha256(secret), 'hex');
      const hashes = await validSecretHashes(deps.db, sp.id, deps.clock.now().toISOString());
      let ok = false;
      for (const h of hashes) if (timingSafeEqual(Buffer.from(h, 'hex'), presented)) ok = true;
      return ok;
    },
  };
  return service;
}

const describeKey = (k: KeyCredential) =>
  `[KeyIdentifier=${k.keyId},KeyType=${k.type},KeyUsage=${k.usage},DisplayName=${k.displayName ?? ''},EndDateTime=${k.endDateTime}]`;

/** Entra's audit property for credential changes: key metadata, never the secret. */
function keyDescription(before: PasswordCredential | null, after: PasswordCredential | null): ModifiedProperty {
  const describe = (c: PasswordCredential) =>
    `[KeyIdentifier=${c.keyId},KeyType=Password,KeyUsage=Verify,DisplayName=${c.displayName ?? ''},Hint=${c.hint},EndDateTime=${c.endDateTime}]`;
  return {
    displayName: 'KeyDescription',
    oldValue: before ? JSON.stringify([describe(before)]) : '[]',
    newValue: after ? JSON.stringify([describe(after)]) : '[]',
  };
}

export type ApplicationsService = ReturnType<typeof createApplicationsService>;
