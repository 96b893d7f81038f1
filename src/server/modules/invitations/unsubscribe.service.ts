import { createHmac } from 'node:crypto';
import type { Config } from '../../config/index.js';
import { safeEqual } from '../../platform/passwords.js';
import type { UseCaseDeps } from '../audit/audit.service.js';
import type { Tenant, TenantsService } from '../tenants/tenants.service.js';
import { setUnsubscribed } from './invitations.repository.js';

export interface UnsubscribeDeps extends Omit<UseCaseDeps, 'access'> {
  config: Pick<Config, 'publicUrl'>;
  tenants: Pick<TenantsService, 'findTenant'>;
  /** HMAC key of unsubscribe links (an instance secret). */
  linkKey: string;
}

/**
 * "Block future invitations from this organization": the signed link in every invitation e-mail
 * and the recorded choice (later invitations are recorded, not sent).
 */
export class UnsubscribeService {
  constructor(private readonly deps: UnsubscribeDeps) {}

  private signature(tenantId: string, emailLower: string): string {
    return createHmac('sha256', this.deps.linkKey).update(`unsubscribe:${tenantId}:${emailLower}`).digest('base64url');
  }

  unsubscribeUrl(tenantId: string, emailLower: string): string {
    return `${this.deps.config.publicUrl}/invitations/unsubscribe?tenant=${tenantId}&email=${encodeURIComponent(emailLower)}&sig=${this.signature(tenantId, emailLower)}`;
  }

  /** Verifies an unsubscribe link; returns the tenant when valid. */
  async verifyUnsubscribe(tenantId: string, email: string, sig: string): Promise<Tenant | undefined> {
    if (!safeEqual(this.signature(tenantId, email.toLowerCase()), sig)) return undefined;
    return this.deps.tenants.findTenant(tenantId);
  }

  /** Records the choice (audited as "Email unsubscribed" / "Email subscribed"), one transaction. */
  async setUnsubscribed(tenant: Tenant, email: string, on: boolean): Promise<void> {
    const emailLower = email.toLowerCase();
    await this.deps.db.transaction().execute(async (trx) => {
      await setUnsubscribed(trx, tenant.id, emailLower, on, this.deps.clock.now().toISOString());
      await this.deps.audit.record(
        trx,
        { caller: { kind: 'system', tenantId: tenant.id, displayName: emailLower }, correlationId: this.deps.newId() },
        {
          activityDisplayName: on ? 'Email unsubscribed' : 'Email subscribed',
          category: 'UserManagement',
          loggedByService: 'Invited Users',
          operationType: 'Update',
          targetResources: [{ id: emailLower, displayName: emailLower, type: 'Other', modifiedProperties: [] }],
        },
      );
    });
  }
}
