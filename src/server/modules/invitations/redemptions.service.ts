import type { User } from '../../../contracts/users.js';
import type { Config } from '../../config/index.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { safeEqual, sha256 } from '../../platform/passwords.js';
import { type AuditService, userTarget } from '../audit/audit.service.js';
import type { DynamicMembershipService } from '../groups/dynamic-membership.service.js';
import type { PoliciesService } from '../policies/policies.service.js';
import type { Tenant, TenantsService } from '../tenants/tenants.service.js';
import type { UsersService } from '../users/users.service.js';
import {
  completeInvitationsOfUser,
  findInvitation,
  findLatestInvitationOfUser,
  type InvitationRow,
} from './invitations.repository.js';

/** A redeemable invitation as the redemption pages need it. */
export interface RedemptionContext {
  tenant: Tenant;
  invitation: InvitationRow;
  user: User;
  inviterName: string;
  inviterEmail: string | null;
  welcomeMessage: string | null;
  /**
   * Where the guest goes after redeeming: the invitation's `inviteRedirectUrl` while the tenant's
   * `allowedRedirectHosts` still allow it, else My Apps.
   */
  destination: string;
}

export interface RedemptionsDeps {
  db: Executor;
  config: Pick<Config, 'publicUrl'>;
  clock: Clock;
  audit: AuditService;
  policies: Pick<PoliciesService, 'invitationDomainDecision' | 'invitationRedirectDecision'>;
  users: Pick<UsersService, 'findUser' | 'markGuestAccepted'>;
  tenants: Pick<TenantsService, 'findTenant'>;
  /** The redeemed guest's dynamic groups are re-evaluated in the redemption's transaction. */
  dynamicMembership: Pick<DynamicMembershipService, 'reevaluateUser'>;
}

/**
 * Redeeming invitations, used by the redeem link and the sign-in interaction. No caller
 * authorization: the ticket (or the proven mailbox) is the proof.
 */
export class RedemptionsService {
  constructor(private readonly deps: RedemptionsDeps) {}

  /**
   * The invitation behind a redeem link, or undefined. Unknown, revoked and malformed links are
   * indistinguishable to the caller. Completed invitations still resolve: their link signs in.
   */
  async findRedemption(invitationId: string, ticket: string): Promise<RedemptionContext | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(invitationId) || !/^[A-Za-z0-9_-]{20,100}$/.test(ticket)) return undefined;
    const row = await findInvitation(this.deps.db, invitationId.toLowerCase());
    if (!row || row.status === 'Revoked') return undefined;
    const hash = sha256(ticket);
    if (!safeEqual(hash, row.ticket_hash)) return undefined;
    return this.redemptionContext(row);
  }

  /** Loads the context of an invitation row (tenant, user, inviter). */
  async redemptionContext(row: InvitationRow): Promise<RedemptionContext | undefined> {
    const tenant = await this.deps.tenants.findTenant(row.tenant_id);
    const user = tenant && (await this.deps.users.findUser(tenant.id, row.user_id));
    if (!tenant || !user) return undefined;
    const inviter = row.invited_by_user_id ? await this.deps.users.findUser(tenant.id, row.invited_by_user_id) : undefined;
    const { publicUrl } = this.deps.config;
    // The redirect host was allowed when the invitation was sent; the tenant may have narrowed the list since.
    const redirect = await this.deps.policies.invitationRedirectDecision(tenant.id, row.invite_redirect_url, publicUrl);
    return {
      tenant,
      invitation: row,
      user,
      inviterName: inviter?.displayName ?? (row.invited_by_app_id ? tenant.displayName : 'An administrator'),
      inviterEmail: inviter?.mail ?? null,
      welcomeMessage: row.message_body,
      destination: redirect.allowed ? row.invite_redirect_url : `${publicUrl}/myapps`,
    };
  }

  /** The pending invitation of a user (just-in-time redemption from a direct link). */
  async pendingRedemptionOfUser(tenantId: string, userId: string): Promise<RedemptionContext | undefined> {
    const row = await findLatestInvitationOfUser(this.deps.db, tenantId, userId);
    return row && row.status === 'PendingAcceptance' ? this.redemptionContext(row) : undefined;
  }

  /** Collaboration restrictions are re-checked when a still-pending invitation is redeemed. */
  async redemptionDomainDecision(tenantId: string, email: string) {
    return this.deps.policies.invitationDomainDecision(tenantId, email);
  }

  /**
   * Completes a redemption: PendingAcceptance → Accepted (guarded), the e-mail identity recorded,
   * the user's pending invitations consumed, audit "Redeem external user invite" — one transaction.
   * Returns false when the user was no longer pending (a concurrent redemption won).
   */
  async completeRedemption(r: RedemptionContext): Promise<boolean> {
    const tenantId = r.tenant.id;
    return this.deps.db.transaction().execute(async (trx) => {
      const user = await this.deps.users.findUser(tenantId, r.user.id, trx);
      if (!user || user.externalUserState !== 'PendingAcceptance') return false;
      const at = this.deps.clock.now().toISOString();
      const email = r.invitation.invited_email;
      const accepted: User = {
        ...user,
        externalUserState: 'Accepted',
        externalUserStateChangeDateTime: at,
        identities: [
          ...user.identities.filter((i) => i.signInType === 'userPrincipalName'),
          { signInType: 'emailAddress', issuer: 'mail', issuerAssignedId: email },
        ],
      };
      if (!(await this.deps.users.markGuestAccepted(trx, tenantId, accepted, at))) return false;
      await completeInvitationsOfUser(trx, tenantId, user.id, at);
      const ctx: OperationContext = {
        caller: {
          kind: 'user',
          tenantId,
          userId: user.id,
          userType: user.userType,
          displayName: user.displayName,
          userPrincipalName: user.userPrincipalName,
          roles: new Set(),
        },
        correlationId: r.invitation.id,
      };
      await this.deps.dynamicMembership.reevaluateUser(trx, ctx, accepted);
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Redeem external user invite',
        category: 'UserManagement',
        loggedByService: 'Invited Users',
        operationType: 'Update',
        targetResources: [
          userTarget(user, [{ displayName: 'externalUserState', oldValue: '"PendingAcceptance"', newValue: '"Accepted"' }]),
        ],
        additionalDetails: [{ key: 'invitationId', value: r.invitation.id }],
      });
      return true;
    });
  }
}
