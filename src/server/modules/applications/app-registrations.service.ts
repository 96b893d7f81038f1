import {
  type Application,
  type CreateApplicationBody,
  MICROSOFT_GRAPH_APP_ID,
  type RequiredResourceAccess,
  type UpdateApplicationBody,
} from '../../../contracts/app-registrations.js';
import type { AddPasswordBody, CreateServicePrincipalBody, PasswordCredential } from '../../../contracts/applications.js';
import type { User } from '../../../contracts/users.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { invalid, notFound } from '../../domain/errors.js';
import { graphDelegatedScopes } from '../../domain/graph-permissions.js';
import { type IdGenerator, isGuid } from '../../domain/ids.js';
import type { ODataQuery } from '../../odata/query.js';
import type { Access } from '../access/access.js';
import type { AuditService } from '../audit/audit.service.js';
import type { UsersService } from '../users/users.service.js';
import {
  appTarget,
  checkSignInAudience,
  diffApplications,
  normaliseRequiredResourceAccess,
  planApplicationChange,
  toApplication,
} from './app-registration-rules.js';
import {
  findRegistration,
  findRegistrationsByIds,
  insertRegistration,
  listRegistrations,
  ownersOfServicePrincipals,
  type StoredRegistration,
  updateRegistration,
} from './app-registrations.repository.js';
import type { ApplicationCredentialsService, AuditedObject } from './application-credentials.service.js';
import { APP_ID_KEY, CATEGORY, spProps, spTarget } from './application-rules.js';
import {
  deleteServicePrincipalRow,
  findServicePrincipal,
  findServicePrincipalByAppId,
  findServicePrincipalsByIds,
  lockServicePrincipal,
} from './applications.repository.js';
import type { ApplicationsService } from './applications.service.js';
import type { ServicePrincipalLoader } from './service-principal-loader.js';

export interface AppRegistrationsDeps {
  db: Executor;
  clock: Clock;
  newId: IdGenerator;
  audit: AuditService;
  access: Access;
  loader: ServicePrincipalLoader;
  users: Pick<UsersService, 'findUsersByIds'>;
  applications: Pick<ApplicationsService, 'createServicePrincipal' | 'updateInTransaction'>;
  credentials: Pick<ApplicationCredentialsService, 'addPassword' | 'removePassword' | 'listOwners' | 'addOwner' | 'removeOwner'>;
}

type Page<T> = { items: T[]; skiptoken?: string; count?: number };

const APPLICATION_TYPE = '#microsoft.graph.application';
/** Graph's cap on the objects `$expand` inlines per relationship. */
const EXPAND_LIMIT = 20;
const GRAPH_SCOPE_IDS = new Set(graphDelegatedScopes.map((s) => s.id));

const rraInvalid = (message: string) => invalid('required_resource_access_invalid', message, 'requiredResourceAccess');

/**
 * App registrations (Graph's `application` objects), each paired 1:1 by appId with its service
 * principal. The pair is created and deleted together; the properties both show are stored once,
 * on the service principal, so the admin center, the OIDC client and `/applications` agree.
 * Authorization is the service principal's: `application.list`/`application.read` to read,
 * `application.manage` (application administrators, the app's owners) to change.
 */
export class AppRegistrationsService {
  constructor(private readonly deps: AppRegistrationsDeps) {}

  /** Finds a registration by object id or `(appId='…')`, 404 after checking the caller may read applications. */
  private async find(ctx: OperationContext, key: string): Promise<StoredRegistration> {
    const m = APP_ID_KEY.exec(key);
    if (!m?.[1] && !isGuid(key)) throw invalid('object_identifier_invalid', `Invalid object identifier '${key}'.`);
    const reg = await findRegistration(this.deps.db, ctx.caller.tenantId, m?.[1] ? { appId: m[1] } : { id: key });
    if (!reg) {
      await this.deps.access.require(ctx, 'application.read');
      throw notFound(key);
    }
    return reg;
  }

  /** GET /applications/{id | (appId='…')}. */
  async getApplication(ctx: OperationContext, key: string): Promise<Application> {
    const reg = await this.find(ctx, key);
    const { sp } = await this.deps.loader.load(ctx, reg.servicePrincipalId);
    return toApplication(sp, reg);
  }

  /** GET /applications: members and administrators enumerate, as for servicePrincipals. */
  async listApplications(ctx: OperationContext, q: ODataQuery): Promise<Page<Application>> {
    await this.deps.access.require(ctx, 'application.list');
    const tenantId = ctx.caller.tenantId;
    const page = await listRegistrations(this.deps.db, tenantId, q);
    return { ...page, items: await this.withServicePrincipals(tenantId, page.items) };
  }

  private async withServicePrincipals(tenantId: string, regs: StoredRegistration[]): Promise<Application[]> {
    const sps = new Map(
      (
        await findServicePrincipalsByIds(
          this.deps.db,
          tenantId,
          regs.map((r) => r.servicePrincipalId),
        )
      ).map((sp) => [sp.id, sp]),
    );
    return regs.flatMap((r) => {
      const sp = sps.get(r.servicePrincipalId);
      return sp ? [toApplication(sp, r)] : [];
    });
  }

  /**
   * POST /directoryObjects/getByIds, its applications: those among `ids` when `types` is absent or
   * names `application`, each with `@odata.type`. Finding any needs `application.list`.
   */
  async getByIds(
    ctx: OperationContext,
    ids: readonly string[],
    types?: readonly string[],
  ): Promise<(Application & { '@odata.type': string })[]> {
    const wanted = types?.map((t) => t.replace(/^#?microsoft\.graph\./i, '').toLowerCase());
    if (wanted !== undefined && !wanted.includes('application')) return [];
    const tenantId = ctx.caller.tenantId;
    const regs = await findRegistrationsByIds(this.deps.db, tenantId, ids.filter(isGuid));
    if (regs.length === 0) return [];
    await this.deps.access.require(ctx, 'application.list');
    return (await this.withServicePrincipals(tenantId, regs)).map((a) => ({ '@odata.type': APPLICATION_TYPE, ...a }));
  }

  /**
   * Validates requiredResourceAccess: Microsoft Graph (delegated permission ids Portico implements;
   * application permission ids are not modelled here and pass) or an application of the tenant
   * (its enabled app roles that applications can hold; Portico applications publish no scopes).
   */
  private async checkRequiredResourceAccess(tenantId: string, list: RequiredResourceAccess[]): Promise<void> {
    for (const r of list) {
      if (r.resourceAppId === MICROSOFT_GRAPH_APP_ID) {
        const unknown = r.resourceAccess.find((a) => a.type === 'Scope' && !GRAPH_SCOPE_IDS.has(a.id));
        if (unknown) throw rraInvalid(`Microsoft Graph has no delegated permission (Scope) with id '${unknown.id}'.`);
        continue;
      }
      const resource = await findServicePrincipalByAppId(this.deps.db, r.resourceAppId, tenantId);
      if (!resource) {
        throw rraInvalid(
          `resourceAppId '${r.resourceAppId}' is neither Microsoft Graph (${MICROSOFT_GRAPH_APP_ID}) nor an application of this tenant.`,
        );
      }
      for (const a of r.resourceAccess) {
        const ok =
          a.type === 'Role' &&
          resource.appRoles.some((role) => role.id === a.id && role.isEnabled && role.allowedMemberTypes.includes('Application'));
        if (!ok) {
          throw rraInvalid(
            a.type === 'Role'
              ? `Application '${resource.displayName}' has no enabled app role with id '${a.id}' that applications can be assigned.`
              : `Application '${resource.displayName}' publishes no delegated permissions (Scope): only its app roles (Role) can be required.`,
          );
        }
      }
    }
  }

  /**
   * POST /applications: creates the application object and its service principal in one
   * transaction ("Add application" and "Add service principal"). The service principal is an OIDC
   * client (preferredSingleSignOnMode oidc) whose redirect URIs are the application's.
   */
  async createApplication(ctx: OperationContext, body: CreateApplicationBody): Promise<Application> {
    await this.deps.access.require(ctx, 'application.manage');
    const tenantId = ctx.caller.tenantId;
    checkSignInAudience(body.signInAudience);
    const requiredResourceAccess = normaliseRequiredResourceAccess(body.requiredResourceAccess ?? []);
    await this.checkRequiredResourceAccess(tenantId, requiredResourceAccess);
    const now = this.deps.clock.now().toISOString();
    const blank: StoredRegistration = {
      id: this.deps.newId(),
      servicePrincipalId: '',
      spaRedirectUris: [],
      publicClientRedirectUris: [],
      requiredResourceAccess,
      createdDateTime: now,
    };
    const plan = planApplicationChange(undefined, blank, { ...body, requiredResourceAccess });
    const spBody: CreateServicePrincipalBody = { ...plan.sp, displayName: body.displayName, preferredSingleSignOnMode: 'oidc' };
    let app: Application | undefined;
    await this.deps.applications.createServicePrincipal(ctx, spBody, async (trx, ctx2, sp) => {
      const reg = { ...plan.reg, servicePrincipalId: sp.id, createdDateTime: sp.createdDateTime };
      await insertRegistration(trx, tenantId, reg);
      app = toApplication(sp, reg);
      await this.deps.audit.record(trx, ctx2, {
        activityDisplayName: 'Add application',
        category: CATEGORY,
        operationType: 'Add',
        targetResources: [
          appTarget(app, [
            { displayName: 'AppId', oldValue: null, newValue: JSON.stringify(app.appId) },
            ...diffApplications(undefined, app).filter((p) => p.newValue !== '[]' && p.newValue !== 'null'),
          ]),
        ],
      });
    });
    if (!app) throw new Error('application not created');
    return app;
  }

  /**
   * PATCH /applications/{id}: the shared properties through the service principal's update (its
   * validation and "Update service principal"), the rest on the registration, with "Update
   * application" listing what changed, in one transaction. Administrators and the app's owners.
   */
  async updateApplication(ctx: OperationContext, key: string, body: UpdateApplicationBody): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const found = await this.find(ctx, key);
    await this.deps.loader.loadFor(ctx, found.servicePrincipalId, 'application.manage');
    checkSignInAudience(body.signInAudience);
    const rra = body.requiredResourceAccess && normaliseRequiredResourceAccess(body.requiredResourceAccess);
    if (rra) await this.checkRequiredResourceAccess(tenantId, rra);
    await this.deps.db.transaction().execute(async (trx) => {
      const spId = found.servicePrincipalId;
      if (!(await lockServicePrincipal(trx, tenantId, spId))) throw notFound(key);
      const reg = await findRegistration(trx, tenantId, { id: found.id });
      const sp = await findServicePrincipal(trx, tenantId, spId);
      if (!reg || !sp) throw notFound(key);
      const before = toApplication(sp, reg);
      const plan = planApplicationChange(before, reg, { ...body, ...(rra ? { requiredResourceAccess: rra } : {}) });
      if (Object.keys(plan.sp).length > 0) await this.deps.applications.updateInTransaction(trx, ctx, spId, plan.sp);
      await updateRegistration(trx, tenantId, plan.reg);
      const spAfter = await findServicePrincipal(trx, tenantId, spId);
      if (!spAfter) throw notFound(key);
      const after = toApplication(spAfter, plan.reg);
      const changes = diffApplications(before, after);
      if (changes.length === 0) return;
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Update application',
        category: CATEGORY,
        operationType: 'Update',
        targetResources: [appTarget(after, changes)],
      });
    });
  }

  /**
   * DELETE /applications/{id}: the application and its service principal, with the service
   * principal's secrets, owners and assignments, in one transaction ("Delete application",
   * "Remove service principal"). Portico deletes service principals permanently (no deletedItems).
   */
  async deleteApplication(ctx: OperationContext, key: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const reg = await this.find(ctx, key);
    const sp = await this.deps.loader.loadFor(ctx, reg.servicePrincipalId, 'application.manage');
    const app = toApplication(sp, reg);
    await this.deps.db.transaction().execute(async (trx) => {
      await deleteServicePrincipalRow(trx, tenantId, sp.id);
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Delete application',
        category: CATEGORY,
        operationType: 'Delete',
        targetResources: [appTarget(app, [{ displayName: 'AppId', oldValue: JSON.stringify(app.appId), newValue: null }])],
      });
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Remove service principal',
        category: CATEGORY,
        operationType: 'Delete',
        targetResources: [spTarget(sp, spProps(sp))],
      });
    });
  }

  /**
   * `$expand=owners` on applications the caller has already read (a page or one): up to 20 owners
   * each (users, with `@odata.type`), keyed by application object id, in one query per page.
   */
  async expandOwners(ctx: OperationContext, applicationIds: readonly string[]): Promise<Map<string, object[]>> {
    const tenantId = ctx.caller.tenantId;
    const regs = await findRegistrationsByIds(this.deps.db, tenantId, applicationIds);
    const appOf = new Map(regs.map((r) => [r.servicePrincipalId, r.id]));
    const rows = await ownersOfServicePrincipals(this.deps.db, tenantId, [...appOf.keys()]);
    const users = new Map(
      (
        await this.deps.users.findUsersByIds(
          tenantId,
          rows.map((r) => r.ownerId),
        )
      ).map((u) => [u.id, u]),
    );
    const out = new Map<string, object[]>();
    for (const r of rows) {
      const appId = appOf.get(r.servicePrincipalId);
      const user = users.get(r.ownerId);
      if (appId === undefined || user === undefined) continue;
      const list = out.get(appId) ?? [];
      if (list.length < EXPAND_LIMIT) list.push({ '@odata.type': '#microsoft.graph.user', ...user });
      out.set(appId, list);
    }
    return out;
  }

  /** POST /applications/{id}/addPassword: a client secret of the pair (the service principal's secrets). */
  addPassword(ctx: OperationContext, key: string, body: AddPasswordBody): Promise<PasswordCredential> {
    return this.onServicePrincipal(ctx, key, (spId, on) => this.deps.credentials.addPassword(ctx, spId, body, on));
  }

  /** POST /applications/{id}/removePassword. */
  removePassword(ctx: OperationContext, key: string, keyId: string): Promise<void> {
    return this.onServicePrincipal(ctx, key, (spId, on) => this.deps.credentials.removePassword(ctx, spId, keyId, on));
  }

  /** GET /applications/{id}/owners: the pair's owners (stored once, on the service principal). */
  listOwners(ctx: OperationContext, key: string, q: ODataQuery): Promise<Page<User>> {
    return this.onServicePrincipal(ctx, key, (spId) => this.deps.credentials.listOwners(ctx, spId, q));
  }

  /** POST /applications/{id}/owners/$ref. */
  addOwner(ctx: OperationContext, key: string, ref: string): Promise<void> {
    return this.onServicePrincipal(ctx, key, (spId, on) => this.deps.credentials.addOwner(ctx, spId, ref, on));
  }

  /** DELETE /applications/{id}/owners/{ownerId}/$ref. */
  removeOwner(ctx: OperationContext, key: string, ownerId: string): Promise<void> {
    return this.onServicePrincipal(ctx, key, (spId, on) => this.deps.credentials.removeOwner(ctx, spId, ownerId, on));
  }

  /**
   * The secrets and owners of a registration are its service principal's: `run` gets the service
   * principal's id and the registration as the audited object.
   */
  private async onServicePrincipal<T>(
    ctx: OperationContext,
    key: string,
    run: (servicePrincipalId: string, on: AuditedObject) => Promise<T>,
  ): Promise<T> {
    const reg = await this.find(ctx, key);
    return run(reg.servicePrincipalId, { type: 'application', id: reg.id });
  }
}
