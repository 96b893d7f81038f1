import type { Organization, UpdateOrganizationBody } from '../../../contracts/organization.js';
import type { Executor } from '../../db/index.js';
import type { OperationContext } from '../../domain/context.js';
import { notFound } from '../../domain/errors.js';
import type { Access } from '../access/access.js';
import type { AuditService, ModifiedProperty } from '../audit/audit.service.js';
import type { Tenant, TenantsService } from '../tenants/tenants.service.js';

export interface OrganizationDeps {
  db: Executor;
  audit: AuditService;
  access: Access;
  tenants: TenantsService;
}

export const toOrganization = (t: Tenant): Organization => ({
  id: t.id,
  displayName: t.displayName,
  tenantType: 'AAD',
  verifiedDomains: [{ name: t.initialDomain, isDefault: true, isInitial: true, type: 'Managed', capabilities: 'None' }],
  privacyProfile: { statementUrl: t.privacyStatementUrl, contactEmail: t.privacyContactEmail },
  technicalNotificationMails: t.technicalNotificationMails,
  createdDateTime: t.createdDateTime,
});

const change = (displayName: string, oldValue: unknown, newValue: unknown): ModifiedProperty[] =>
  JSON.stringify(oldValue) === JSON.stringify(newValue)
    ? []
    : [{ displayName, oldValue: JSON.stringify(oldValue ?? null), newValue: JSON.stringify(newValue ?? null) }];

/** The caller's tenant as Graph's `organization` resource. */
export class OrganizationService {
  constructor(private readonly deps: OrganizationDeps) {}

  private async current(ctx: OperationContext, id?: string): Promise<Tenant> {
    const tenantId = ctx.caller.tenantId;
    // Another tenant's id is answered exactly like an unknown one.
    if (id !== undefined && id.toLowerCase() !== tenantId) throw notFound(id);
    const t = await this.deps.tenants.loadTenant(tenantId);
    if (!t) throw notFound(id ?? tenantId);
    return t;
  }

  /** GET /organization: a collection holding the caller's tenant only. */
  async listOrganization(ctx: OperationContext): Promise<Organization[]> {
    await this.deps.access.require(ctx, 'organization.read');
    return [toOrganization(await this.current(ctx))];
  }

  /** GET /organization/{id}: 404 for any id but the caller's tenant. */
  async getOrganization(ctx: OperationContext, id: string): Promise<Organization> {
    await this.deps.access.require(ctx, 'organization.read');
    return toOrganization(await this.current(ctx, id));
  }

  /**
   * PATCH /organization/{id}: display name, privacy profile (replaced as a whole, as Graph does
   * for complex properties) and technical notification mails. Global Administrators only. One
   * transaction with its "Update organization" audit record (category DirectoryManagement).
   */
  async updateOrganization(ctx: OperationContext, id: string, body: UpdateOrganizationBody): Promise<void> {
    await this.deps.access.require(ctx, 'organization.update');
    const before = await this.current(ctx, id);
    const patch: Parameters<TenantsService['updateTenant']>[2] = {};
    if (body.displayName !== undefined) patch.displayName = body.displayName;
    if (body.privacyProfile !== undefined) {
      patch.privacyStatementUrl = body.privacyProfile?.statementUrl ?? null;
      patch.privacyContactEmail = body.privacyProfile?.contactEmail ?? null;
    }
    if (body.technicalNotificationMails !== undefined) patch.technicalNotificationMails = body.technicalNotificationMails;
    const modifiedProperties = [
      ...(patch.displayName === undefined ? [] : change('displayName', before.displayName, patch.displayName)),
      ...(body.privacyProfile === undefined
        ? []
        : change(
            'privacyProfile',
            { statementUrl: before.privacyStatementUrl, contactEmail: before.privacyContactEmail },
            { statementUrl: patch.privacyStatementUrl, contactEmail: patch.privacyContactEmail },
          )),
      ...(patch.technicalNotificationMails === undefined
        ? []
        : change('technicalNotificationMails', before.technicalNotificationMails, patch.technicalNotificationMails)),
    ];
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        await this.deps.tenants.updateTenant(trx, before.id, patch);
        await this.deps.audit.record(trx, ctx, {
          activityDisplayName: 'Update organization',
          category: 'DirectoryManagement',
          operationType: 'Update',
          targetResources: [
            { id: before.id, displayName: patch.displayName ?? before.displayName, type: 'Other', modifiedProperties },
          ],
        });
      });
    } finally {
      // Refresh the per-process cache from committed state (also after a rollback).
      await this.deps.tenants.loadTenant(before.id);
    }
  }
}
