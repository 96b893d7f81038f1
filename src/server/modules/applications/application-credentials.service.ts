import { createHash } from 'node:crypto';
import {
  type AddPasswordBody,
  type PasswordCredential,
  SERVICE_PRINCIPAL_LIMITS,
  type ServicePrincipal,
} from '../../../contracts/applications.js';
import { idFromODataRef } from '../../../contracts/common.js';
import type { User } from '../../../contracts/users.js';
import { asUniqueViolation } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import { randomSecret } from '../../domain/ids.js';
import type { ODataQuery } from '../../odata/query.js';
import { type ModifiedProperty, namedTarget, type TargetResource, type UseCaseDeps, userTarget } from '../audit/audit.service.js';
import type { UsersService } from '../users/users.service.js';
import { CATEGORY, checkCredentialDates, keyDescription, spProps, spTarget } from './application-rules.js';
import {
  countOwners,
  countPasswords,
  deleteOwner,
  deletePassword,
  insertOwner,
  insertPassword,
  isOwner,
  lockServicePrincipal,
  ownerIdsOf,
} from './applications.repository.js';
import type { ApplicationsService } from './applications.service.js';
import type { ServicePrincipalLoader } from './service-principal-loader.js';

/**
 * Which object a credential or owner change is audited on: the service principal (its own routes)
 * or its application object (the /applications routes, which share the secrets and owners).
 */
export type AuditedObject = { type: 'servicePrincipal' } | { type: 'application'; id: string };
const SP_OBJECT: AuditedObject = { type: 'servicePrincipal' };

const ACTIVITIES = {
  servicePrincipal: {
    secrets: 'Update service principal',
    addOwner: 'Add owner to service principal',
    removeOwner: 'Remove owner from service principal',
  },
  application: {
    secrets: 'Update application – Certificates and secrets management',
    addOwner: 'Add owner to application',
    removeOwner: 'Remove owner from application',
  },
} as const;

const auditTarget = (
  on: AuditedObject,
  sp: Pick<ServicePrincipal, 'id' | 'displayName'>,
  props: ModifiedProperty[] = [],
): TargetResource =>
  on.type === 'application' ? namedTarget('Application', { id: on.id, displayName: sp.displayName }, props) : spTarget(sp, props);

export interface ApplicationCredentialsDeps extends Omit<UseCaseDeps, 'access'> {
  users: Pick<UsersService, 'findUser' | 'listUsersByIds'>;
  applications: Pick<ApplicationsService, 'resolvePrincipal'>;
  loader: ServicePrincipalLoader;
}

type Page<T> = { items: T[]; skiptoken?: string; count?: number };

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const SECRET_MAX_YEARS = 2;

/**
 * Who administers an application and how it authenticates: its owners and its client secrets.
 * Application administrators and the app's owners (`application.manage`).
 */
export class ApplicationCredentialsService {
  constructor(private readonly deps: ApplicationCredentialsDeps) {}

  /**
   * POST /servicePrincipals/{id}/addPassword: a 256-bit random client secret, returned once in
   * `secretText`; only its SHA-256 is stored. Valid one year by default, at most two.
   */
  async addPassword(
    ctx: OperationContext,
    key: string,
    body: AddPasswordBody,
    on: AuditedObject = SP_OBJECT,
  ): Promise<PasswordCredential> {
    const tenantId = ctx.caller.tenantId;
    const sp = await this.deps.loader.loadFor(ctx, key, 'application.manage');
    const input = body.passwordCredential ?? {};
    const now = this.deps.clock.now();
    const start = input.startDateTime ? new Date(input.startDateTime) : now;
    const defaultEnd = new Date(start);
    defaultEnd.setUTCFullYear(defaultEnd.getUTCFullYear() + 1);
    const end = input.endDateTime ? new Date(input.endDateTime) : defaultEnd;
    checkCredentialDates(start, end, now, SECRET_MAX_YEARS, 'passwordCredential.endDateTime', 'client secrets');
    const secretText = randomSecret(32);
    const credential: PasswordCredential = {
      customKeyIdentifier: null,
      displayName: input.displayName ?? null,
      endDateTime: end.toISOString(),
      hint: secretText.slice(0, 3),
      keyId: this.deps.newId(),
      secretText,
      startDateTime: start.toISOString(),
    };
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await lockServicePrincipal(trx, tenantId, sp.id))) throw notFound(key);
      if ((await countPasswords(trx, sp.id)) >= SERVICE_PRINCIPAL_LIMITS.passwordCredentials) {
        throw invalid(
          'password_credentials_limit',
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
      await this.recordSecretChange(trx, ctx, on, sp, keyDescription(null, credential), 'Add client secret');
    });
    return credential;
  }

  /** POST /servicePrincipals/{id}/removePassword `{keyId}`. 404 when the application has no such secret. */
  async removePassword(ctx: OperationContext, key: string, keyId: string, on: AuditedObject = SP_OBJECT): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const sp = await this.deps.loader.loadFor(ctx, key, 'application.manage');
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await lockServicePrincipal(trx, tenantId, sp.id))) throw notFound(key);
      const removed = await deletePassword(trx, sp.id, keyId);
      if (!removed) {
        throw new DomainError('resource_not_found', `No client secret with keyId '${keyId}' exists on this application.`, {
          target: 'keyId',
        });
      }
      await this.recordSecretChange(trx, ctx, on, sp, keyDescription(removed, null), 'Remove client secret');
    });
  }

  /** GET /servicePrincipals/{id}/owners (users). */
  async listOwners(ctx: OperationContext, key: string, q: ODataQuery): Promise<Page<User>> {
    const tenantId = ctx.caller.tenantId;
    const { sp } = await this.deps.loader.load(ctx, key);
    return this.deps.users.listUsersByIds(tenantId, await ownerIdsOf(this.deps.db, tenantId, sp.id), q);
  }

  /** POST /servicePrincipals/{id}/owners/$ref: users only, at most 100. "Add owner to service principal". */
  async addOwner(ctx: OperationContext, key: string, ref: string, on: AuditedObject = SP_OBJECT): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const sp = await this.deps.loader.loadFor(ctx, key, 'application.manage');
    const id = idFromODataRef(ref);
    if (id === undefined) {
      throw invalid(
        'object_reference_invalid',
        `Invalid object identifier '${ref}': expected a URL ending in /directoryObjects/{id} or /users/{id}.`,
        '@odata.id',
      );
    }
    const principal = await this.deps.applications.resolvePrincipal(tenantId, id);
    if (principal.type !== 'User') throw invalid('service_principal_owner_type_invalid', undefined, '@odata.id');
    const exists = () => new DomainError('service_principal_reference_exists');
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await lockServicePrincipal(trx, tenantId, sp.id))) throw notFound(key);
      if (await isOwner(trx, tenantId, sp.id, id)) throw exists();
      if ((await countOwners(trx, sp.id)) >= SERVICE_PRINCIPAL_LIMITS.owners) {
        throw invalid(
          'service_principal_owners_limit',
          `An application can have at most ${SERVICE_PRINCIPAL_LIMITS.owners} owners.`,
          'owners',
        );
      }
      try {
        await insertOwner(trx, tenantId, sp.id, id, this.deps.clock.now().toISOString());
      } catch (err) {
        throw asUniqueViolation(err) ? exists() : err;
      }
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: ACTIVITIES[on.type].addOwner,
        category: CATEGORY,
        operationType: 'Assign',
        targetResources: [auditTarget(on, sp), userTarget(principal.user, spProps(sp))],
      });
    });
  }

  /** DELETE /servicePrincipals/{id}/owners/{ownerId}/$ref. 404 when not an owner. */
  async removeOwner(ctx: OperationContext, key: string, ownerId: string, on: AuditedObject = SP_OBJECT): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const sp = await this.deps.loader.loadFor(ctx, key, 'application.manage');
    const oid = ownerId.toLowerCase();
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await lockServicePrincipal(trx, tenantId, sp.id))) throw notFound(key);
      if (!(await deleteOwner(trx, tenantId, sp.id, oid))) throw notFound(ownerId);
      const user = await this.deps.users.findUser(tenantId, oid, trx);
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: ACTIVITIES[on.type].removeOwner,
        category: CATEGORY,
        operationType: 'Unassign',
        targetResources: [
          auditTarget(on, sp),
          user ? userTarget(user, spProps(sp)) : { id: oid, displayName: null, type: 'User', modifiedProperties: spProps(sp) },
        ],
      });
    });
  }

  /** The audit record of an added or removed client secret ("Update service principal" or the application's). */
  private recordSecretChange(
    trx: Executor,
    ctx: OperationContext,
    on: AuditedObject,
    sp: Pick<ServicePrincipal, 'id' | 'displayName'>,
    key: ModifiedProperty,
    change: string,
  ): Promise<void> {
    return this.deps.audit.record(trx, ctx, {
      activityDisplayName: ACTIVITIES[on.type].secrets,
      category: CATEGORY,
      operationType: 'Update',
      targetResources: [auditTarget(on, sp, [key])],
      additionalDetails: [{ key: 'Change', value: change }],
    });
  }
}
