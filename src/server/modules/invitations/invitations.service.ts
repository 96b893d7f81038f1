import type { Group } from '../../../contracts/groups.js';
import type { Invitation, InvitationBody, InviteHelper } from '../../../contracts/invitations.js';
import type { User } from '../../../contracts/users.js';
import type { Config } from '../../config/index.js';
import { isTransient } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import { type Decision, inviteDenials } from '../../domain/authorization.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import { randomSecret } from '../../domain/ids.js';
import { RoleIds } from '../../domain/roles.js';
import { enqueueMail } from '../../platform/outbox.js';
import { sha256 } from '../../platform/passwords.js';
import type { RateLimiter } from '../../platform/rate-limit.js';
import { type UseCaseDeps, userTarget } from '../audit/audit.service.js';
import type { DynamicMembershipService } from '../groups/dynamic-membership.service.js';
import type { GroupMembersService } from '../groups/group-members.service.js';
import type { PoliciesService } from '../policies/policies.service.js';
import type { RolesService } from '../roles/roles.service.js';
import type { Tenant, TenantsService } from '../tenants/tenants.service.js';
import type { UsersService } from '../users/users.service.js';
import { renderInvitationEmail } from './invitation-email.js';
import {
  addSponsor,
  findLatestInvitationOfUser,
  type InvitationRow,
  insertInvitation,
  isUnsubscribed,
  listSponsorIds,
  revokeInvitationsOfUser,
} from './invitations.repository.js';
import type { UnsubscribeService } from './unsubscribe.service.js';

export interface InvitationsDeps extends UseCaseDeps {
  config: Config;
  policies: Pick<PoliciesService, 'invitationDomainDecision' | 'invitationRedirectDecision'>;
  users: Pick<UsersService, 'findUser' | 'findUserByEmail' | 'findUsersByIds' | 'getUser' | 'insertInvitedUser' | 'saveUser'>;
  groupMembers: Pick<GroupMembersService, 'isDirectMember' | 'addMemberInTransaction'>;
  /** A new or reset guest joins the dynamic groups whose rule it satisfies (e.g. all guests). */
  dynamicMembership: Pick<DynamicMembershipService, 'reevaluateUser'>;
  roles: Pick<RolesService, 'roleIdsOf' | 'holdersOf'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  unsubscribes: Pick<UnsubscribeService, 'unsubscribeUrl'>;
  limiter: RateLimiter;
}

interface InviteOptions {
  /** My Groups: the group the guest is added to in the same transaction (already authorized). */
  group?: Group;
  /** Resend: authorized as invitation management, not as a new invitation. */
  resend?: boolean;
}

const MAX_ATTEMPTS = 4;

/** Refusals of an invitation that are audited as failures: who may invite, and the domain lists. */
const DENIALS: ReadonlySet<string> = new Set(['authorization_denied', 'invitation_setting_denied', 'invitation_domain_blocked']);

/** Roles whose holders can invite guests whatever the member setting (or, for Global Administrators, change it). */
const HELPER_ROLES = [
  { id: RoleIds.guestInviter, name: 'Guest Inviter' },
  { id: RoleIds.userAdministrator, name: 'User Administrator' },
  { id: RoleIds.globalAdministrator, name: 'Global Administrator' },
];
const MAX_HELPERS = 5;

/** `john@contoso.com` → `john_contoso.com#EXT#@<tenant domain>` (entra-behaviour.md §2). */
export const guestUserPrincipalName = (email: string, tenantDomain: string): string =>
  `${email.toLowerCase().replace('@', '_')}#EXT#@${tenantDomain}`;

/** The guest object an invitation creates (PendingAcceptance until redeemed). */
function newGuest(id: string, at: string, email: string, tenant: Tenant, body: InvitationBody): User {
  const upn = guestUserPrincipalName(email, tenant.initialDomain);
  return {
    id,
    displayName: body.invitedUserDisplayName ?? email.split('@')[0] ?? email,
    givenName: null,
    surname: null,
    mail: email,
    otherMails: [],
    userPrincipalName: upn,
    userType: body.invitedUserType ?? 'Guest',
    accountEnabled: true,
    creationType: 'Invitation',
    externalUserState: 'PendingAcceptance',
    externalUserStateChangeDateTime: at,
    createdDateTime: at,
    identities: [{ signInType: 'userPrincipalName', issuer: tenant.initialDomain, issuerAssignedId: upn }],
    department: null,
    jobTitle: null,
    companyName: null,
    preferredLanguage: body.invitedUserMessageInfo?.messageLanguage ?? null,
    country: null,
    city: null,
  };
}

/** Reset redemption: the same object back to PendingAcceptance with the new address as its mail. */
function resetGuest(user: User, email: string, at: string): User {
  const emailLower = email.toLowerCase();
  const otherMails =
    user.mail && user.mail.toLowerCase() !== emailLower ? [...new Set([...user.otherMails, user.mail])] : user.otherMails;
  return {
    ...user,
    mail: email,
    otherMails: otherMails.filter((m) => m.toLowerCase() !== emailLower),
    creationType: user.creationType ?? 'Invitation',
    externalUserState: 'PendingAcceptance',
    externalUserStateChangeDateTime: at,
    identities: user.identities.filter((i) => i.signInType === 'userPrincipalName'),
  };
}

const toInvitation = (
  row: InvitationRow,
  redeemLink: string,
  status: Invitation['status'],
  displayName: string | null,
  sponsors: string[],
): Invitation => ({
  id: row.id,
  inviteRedeemUrl: redeemLink,
  invitedUserDisplayName: displayName,
  invitedUserEmailAddress: row.invited_email,
  invitedUserType: row.invited_user_type as Invitation['invitedUserType'],
  inviteRedirectUrl: row.invite_redirect_url,
  sendInvitationMessage: row.send_invitation_message === 1,
  resetRedemption: row.reset_redemption === 1,
  status,
  invitedUserMessageInfo: {
    customizedMessageBody: row.message_body,
    messageLanguage: row.message_language,
    ccRecipients: JSON.parse(row.cc_recipients) as Invitation['invitedUserMessageInfo']['ccRecipients'],
  },
  invitedUser: { id: row.user_id },
  invitedUserSponsors: sponsors.map((id) => ({ id })),
});

/**
 * Guest invitations (Graph's invitation manager): who may invite (the tenant's guest invite
 * setting and roles), collaboration restrictions, the per-tenant throttle, and the invitation
 * transaction — guest object, invitation record, e-mail in the outbox, sponsor, group, audit.
 */
export class InvitationsService {
  constructor(private readonly deps: InvitationsDeps) {}

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private redeemUrl(id: string, ticket: string): string {
    return `${this.deps.config.publicUrl}/redeem/${id}?ticket=${ticket}`;
  }

  private async checkDomain(tenantId: string, email: string): Promise<void> {
    const d = await this.deps.policies.invitationDomainDecision(tenantId, email);
    if (!d.allowed) throw invalid('invitation_domain_blocked', d.reason, 'invitedUserEmailAddress');
  }

  /** The redirect URL must be allowed by the tenant's `allowedRedirectHosts` (Portico's own URL always is). */
  private async checkRedirect(tenantId: string, url: string): Promise<void> {
    const d = await this.deps.policies.invitationRedirectDecision(tenantId, url, this.deps.config.publicUrl);
    if (!d.allowed) throw invalid('invitation_redirect_not_allowed', d.reason, 'inviteRedirectUrl');
  }

  /** Per-tenant throttle on invitations (Graph: 150 requests per 5 seconds per tenant). */
  private async throttle(tenantId: string): Promise<void> {
    const { max, windowSeconds } = this.deps.config.invitationRateLimit;
    const state = await this.deps.limiter.hit(`invitations:${tenantId}`, windowSeconds);
    if (state.count > max) {
      const retry = Math.max(1, Math.ceil((state.windowEndsAt.getTime() - this.deps.clock.now().getTime()) / 1000));
      throw new DomainError(
        'throttled',
        `Too many invitations: at most ${max} every ${windowSeconds} seconds per organization.`,
        {
          headers: { 'retry-after': String(retry) },
        },
      );
    }
  }

  private async inviterInfo(
    ctx: OperationContext,
    db: Executor,
  ): Promise<{ name: string; email: string | null; userId: string | null }> {
    const c = ctx.caller;
    if (c.kind === 'user') {
      const u = await this.deps.users.findUser(c.tenantId, c.userId, db);
      return { name: u?.displayName ?? c.displayName, email: u?.mail ?? null, userId: c.userId };
    }
    return { name: c.displayName, email: null, userId: null };
  }

  /** Writes the invitation e-mail to the outbox (or the "unsubscribed" audit record instead). */
  private async queueInvitationMail(
    trx: Executor,
    ctx: OperationContext,
    tenant: Tenant,
    row: InvitationRow,
    ticket: string,
    user: User,
  ): Promise<void> {
    if (await isUnsubscribed(trx, tenant.id, row.invited_email_lower)) {
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Email not sent, user unsubscribed',
        category: 'UserManagement',
        loggedByService: 'Invited Users',
        operationType: 'Other',
        targetResources: [userTarget(user)],
      });
      return;
    }
    const inviter = await this.inviterInfo(ctx, trx);
    // Entra drops the custom message when an application (no inviter mailbox) sends the invitation.
    const welcome = ctx.caller.kind === 'app' ? null : row.message_body;
    const mail = renderInvitationEmail({
      language: row.message_language ?? user.preferredLanguage,
      inviterName: inviter.name,
      inviterEmail: inviter.email,
      organizationName: tenant.displayName,
      organizationDomain: tenant.initialDomain,
      invitedEmail: row.invited_email,
      welcomeMessage: welcome,
      acceptUrl: this.redeemUrl(row.id, ticket),
      destinationUrl: row.invite_redirect_url,
      privacyStatementUrl: tenant.privacyStatementUrl,
      unsubscribeUrl: this.deps.unsubscribes.unsubscribeUrl(tenant.id, row.invited_email_lower),
    });
    const cc = (JSON.parse(row.cc_recipients) as { emailAddress: { address: string } }[]).map((r) => r.emailAddress.address);
    await enqueueMail(
      trx,
      { clock: this.deps.clock, newId: this.deps.newId, mailFrom: this.deps.config.mailFrom },
      {
        tenant,
        kind: 'invitation',
        to: [row.invited_email],
        cc,
        ...(inviter.email ? { replyTo: inviter.email } : {}),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: { 'X-Portico-Invitation-Id': row.id },
      },
    );
  }

  /** The guest an invitation is for: reset (resetRedemption), existing by address, or a new one. */
  private async guestFor(
    trx: Executor,
    inviterUserId: string | null,
    tenant: Tenant,
    body: InvitationBody,
    email: string,
    at: string,
  ): Promise<{ user: User; status: Invitation['status']; reset: boolean; internal: boolean }> {
    if (body.resetRedemption && body.invitedUser) {
      // Authorized by invite() before the transaction.
      const user = await this.deps.users.findUser(tenant.id, body.invitedUser.id.toLowerCase(), trx);
      if (!user) throw notFound(body.invitedUser.id);
      const other = await this.deps.users.findUserByEmail(tenant.id, email, trx);
      if (other && other.id !== user.id) {
        throw new DomainError('user_mail_conflict', `The address ${email} already belongs to another user in this directory.`);
      }
      await revokeInvitationsOfUser(trx, tenant.id, user.id);
      // An account that was never invited (an internal member) becomes a B2B account: from now on it
      // signs in with the new external address only (entra-behaviour.md §1.5, "Invite internal users"),
      // so its password stops working.
      const internal = user.creationType !== 'Invitation';
      const reset = resetGuest(user, email, at);
      await this.deps.users.saveUser(trx, tenant.id, reset, { clearPassword: internal });
      return { user: reset, status: 'PendingAcceptance', reset: true, internal };
    }
    const existing = await this.deps.users.findUserByEmail(tenant.id, email, trx);
    if (existing) {
      return {
        user: existing,
        status: existing.externalUserState !== 'PendingAcceptance' ? 'Completed' : 'PendingAcceptance',
        reset: false,
        internal: false,
      };
    }
    const user = newGuest(this.deps.newId(), at, email, tenant, body);
    await this.deps.users.insertInvitedUser(trx, tenant.id, user);
    if (inviterUserId) await addSponsor(trx, tenant.id, user.id, inviterUserId, at);
    return { user, status: 'PendingAcceptance', reset: false, internal: false };
  }

  /**
   * One attempt of the invitation transaction: finds or creates the guest, records the invitation
   * (ticket stored hashed), queues the e-mail, sponsors, group membership and audit — all or nothing.
   */
  private async inviteOnce(
    ctx: OperationContext,
    tenant: Tenant,
    body: InvitationBody,
    opts: InviteOptions,
  ): Promise<Invitation> {
    const email = body.invitedUserEmailAddress.trim();
    return this.deps.db.transaction().execute(async (trx) => {
      const at = this.now();
      const inviter = await this.inviterInfo(ctx, trx);
      const { user, status, reset, internal } = await this.guestFor(trx, inviter.userId, tenant, body, email, at);
      await this.deps.dynamicMembership.reevaluateUser(trx, ctx, user);
      const ticket = randomSecret(32);
      const row: InvitationRow = {
        id: this.deps.newId(),
        tenant_id: tenant.id,
        user_id: user.id,
        invited_email: email,
        invited_email_lower: email.toLowerCase(),
        invited_user_type: body.invitedUserType ?? user.userType,
        invited_by_user_id: inviter.userId,
        invited_by_app_id: ctx.caller.kind === 'app' ? ctx.caller.clientId : null,
        invite_redirect_url: body.inviteRedirectUrl,
        ticket_hash: sha256(ticket),
        status,
        send_invitation_message: body.sendInvitationMessage ? 1 : 0,
        message_body: body.invitedUserMessageInfo?.customizedMessageBody ?? null,
        message_language: body.invitedUserMessageInfo?.messageLanguage ?? null,
        cc_recipients: JSON.stringify(body.invitedUserMessageInfo?.ccRecipients ?? []),
        target_group_id: opts.group?.id ?? null,
        reset_redemption: reset ? 1 : 0,
        created_date_time: at,
        redeemed_date_time: status === 'Completed' ? at : null,
      };
      await insertInvitation(trx, row);
      if (status === 'PendingAcceptance' && body.sendInvitationMessage) {
        await this.queueInvitationMail(trx, ctx, tenant, row, ticket, user);
      }
      if (opts.group && !(await this.deps.groupMembers.isDirectMember(tenant.id, opts.group.id, user.id, trx))) {
        await this.deps.groupMembers.addMemberInTransaction(trx, ctx, opts.group, user.id);
      }
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: internal
          ? 'Invite internal user to B2B collaboration'
          : reset
            ? 'Invite external user with reset invitation status'
            : 'Invite external user',
        category: 'UserManagement',
        loggedByService: 'Invited Users',
        operationType: reset ? 'Update' : 'Add',
        targetResources: [userTarget(user)],
        additionalDetails: [
          { key: 'invitedUserEmailAddress', value: email },
          { key: 'invitationId', value: row.id },
          { key: 'status', value: status },
          ...(opts.group ? [{ key: 'groupId', value: opts.group.id }] : []),
        ],
      });
      const sponsors = await listSponsorIds(trx, tenant.id, user.id);
      // A completed invitation's link only signs the user in; pending ones redeem.
      return toInvitation(row, this.redeemUrl(row.id, ticket), status, user.displayName, sponsors);
    });
  }

  /** Who may send this invitation: invite setting and roles, or reset-redemption rights over the target. */
  private async authorizeInvite(ctx: OperationContext, tenant: Tenant, body: InvitationBody, opts: InviteOptions): Promise<void> {
    if (body.resetRedemption && body.invitedUser) {
      // Reset redemption is governed by its own roles (Helpdesk/User/Global admin, entra-behaviour.md §2).
      const target = await this.deps.users.findUser(tenant.id, body.invitedUser.id.toLowerCase());
      if (!target) {
        await this.deps.access.require(ctx, 'user.manageInvitation');
        throw notFound(body.invitedUser.id);
      }
      const roleIds = await this.deps.roles.roleIdsOf(tenant.id, target.id);
      await this.deps.access.require(ctx, 'user.manageInvitation', { targetRoles: new Set(roleIds) });
    } else if (!opts.resend) {
      await this.deps.access.require(ctx, 'user.invite');
    }
    if (body.invitedUserType === 'Member') await this.deps.access.require(ctx, 'user.inviteMember');
  }

  /**
   * A refused invitation (who may invite, collaboration restrictions) leaves a failure record in
   * the audit log, in its own transaction: the invitation itself never started.
   */
  private async recordDenied(ctx: OperationContext, body: InvitationBody, opts: InviteOptions, err: DomainError): Promise<void> {
    const email = body.invitedUserEmailAddress.trim();
    await this.deps.db.transaction().execute((trx) =>
      this.deps.audit.record(trx, ctx, {
        activityDisplayName: body.resetRedemption ? 'Invite external user with reset invitation status' : 'Invite external user',
        category: 'UserManagement',
        loggedByService: 'Invited Users',
        operationType: body.resetRedemption ? 'Update' : 'Add',
        result: 'failure',
        resultReason: err.message,
        targetResources: [{ id: email.toLowerCase(), displayName: email, type: 'Other', modifiedProperties: [] }],
        additionalDetails: [
          { key: 'invitedUserEmailAddress', value: email },
          { key: 'errorCode', value: err.code },
          ...(opts.group ? [{ key: 'groupId', value: opts.group.id }] : []),
        ],
      }),
    );
  }

  /** Runs the invitation transaction, retrying when a concurrent invite of the same address won the insert. */
  private async invite(ctx: OperationContext, body: InvitationBody, opts: InviteOptions = {}): Promise<Invitation> {
    const tenant = await this.deps.tenants.getTenant(ctx.caller.tenantId);
    try {
      await this.authorizeInvite(ctx, tenant, body, opts);
      await this.checkDomain(tenant.id, body.invitedUserEmailAddress);
    } catch (err) {
      if (err instanceof DomainError && DENIALS.has(err.code)) await this.recordDenied(ctx, body, opts, err);
      throw err;
    }
    await this.checkRedirect(tenant.id, body.inviteRedirectUrl);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inviteOnce(ctx, tenant, body, opts);
      } catch (err) {
        const retryable =
          (err instanceof DomainError &&
            (err.code === 'user_upn_conflict' || err.code === 'user_mail_conflict') &&
            !body.resetRedemption) ||
          isTransient(err);
        if (!retryable || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  /**
   * POST /invitations (Graph). Authorization: the tenant's guest invite setting and roles
   * (`user.invite`), Member invitations for admins, reset redemption for Helpdesk/User/Global
   * admins. Domain allow/deny list and the per-tenant throttle apply. Idempotent per address:
   * existing pending guests are re-invited, accepted guests and members come back Completed.
   */
  async createInvitation(ctx: OperationContext, body: InvitationBody): Promise<Invitation> {
    await this.throttle(ctx.caller.tenantId);
    return this.invite(ctx, body);
  }

  /**
   * Invites a guest and adds them to `group` in the same transaction (My Groups' add, the seed's
   * flow). The caller has authorized the group change; the invitation is authorized here as any other.
   */
  async inviteToGroup(ctx: OperationContext, body: InvitationBody, group: Group): Promise<Invitation> {
    await this.throttle(ctx.caller.tenantId);
    return this.invite(ctx, body, { group });
  }

  /** Resend invitation (admin center, user → B2B collaboration): a new e-mail with a new link. */
  async resendInvitation(ctx: OperationContext, userId: string): Promise<Invitation> {
    const tenantId = ctx.caller.tenantId;
    const user = await this.deps.users.findUser(tenantId, userId.toLowerCase());
    if (!user) {
      await this.deps.access.require(ctx, 'user.manageInvitation');
      throw notFound(userId);
    }
    await this.deps.access.require(ctx, 'user.manageInvitation');
    if (user.externalUserState !== 'PendingAcceptance' || !user.mail) throw invalid('invitation_not_pending');
    const last = await findLatestInvitationOfUser(this.deps.db, tenantId, user.id);
    await this.throttle(tenantId);
    return this.invite(
      ctx,
      {
        invitedUserEmailAddress: user.mail,
        inviteRedirectUrl: last?.invite_redirect_url ?? `${this.deps.config.publicUrl}/myapps`,
        sendInvitationMessage: true,
        invitedUserMessageInfo: {
          customizedMessageBody: last?.message_body ?? null,
          messageLanguage: last?.message_language ?? null,
        },
      },
      { resend: true },
    );
  }

  /**
   * Whether the caller may invite guests (the same decision POST /invitations takes), and when not,
   * who can help: holders of Guest Inviter, User Administrator or Global Administrator (only Global
   * Administrators when invitations are off for everyone: they can change the setting).
   */
  async inviteCapability(ctx: OperationContext): Promise<{ decision: Decision; whoCanHelp: InviteHelper[] }> {
    const decision = await this.deps.access.decide(ctx, 'user.invite');
    if (decision.allowed) return { decision, whoCanHelp: [] };
    const tenantId = ctx.caller.tenantId;
    const roles =
      decision.reason === inviteDenials.none ? HELPER_ROLES.filter((r) => r.id === RoleIds.globalAdministrator) : HELPER_ROLES;
    const lists = await Promise.all(roles.map((r) => this.deps.roles.holdersOf(tenantId, r.id)));
    const holders = new Map(roles.map((r, i) => [r.id, lists[i] ?? []]));
    const ids = [...new Set(roles.flatMap((r) => holders.get(r.id) ?? []))];
    const self = ctx.caller.kind === 'user' ? ctx.caller.userId : undefined;
    const users = new Map(
      (await this.deps.users.findUsersByIds(tenantId, ids))
        .filter((u) => u.accountEnabled && u.id !== self)
        .map((u) => [u.id, u]),
    );
    const whoCanHelp: InviteHelper[] = [];
    for (const role of roles) {
      for (const id of holders.get(role.id) ?? []) {
        const u = users.get(id);
        if (!u || whoCanHelp.some((h) => h.id === id) || whoCanHelp.length >= MAX_HELPERS) continue;
        whoCanHelp.push({ id: u.id, displayName: u.displayName, mail: u.mail, role: role.name });
      }
    }
    return { decision, whoCanHelp };
  }

  /** Internal (no authorization): the user's latest invitation that was not revoked, if any. */
  async latestInvitationOf(
    tenantId: string,
    userId: string,
  ): Promise<
    | {
        id: string;
        createdDateTime: string;
        invitedByUserId: string | null;
        invitedByAppId: string | null;
        status: InvitationRow['status'];
        redeemedDateTime: string | null;
      }
    | undefined
  > {
    const row = await findLatestInvitationOfUser(this.deps.db, tenantId, userId);
    return (
      row && {
        id: row.id,
        createdDateTime: row.created_date_time,
        invitedByUserId: row.invited_by_user_id,
        invitedByAppId: row.invited_by_app_id,
        status: row.status,
        redeemedDateTime: row.redeemed_date_time,
      }
    );
  }

  /** GET /users/{id}/sponsors. */
  async listSponsors(ctx: OperationContext, userId: string): Promise<User[]> {
    const user = await this.deps.users.getUser(ctx, userId);
    const ids = await listSponsorIds(this.deps.db, ctx.caller.tenantId, user.id);
    return this.deps.users.findUsersByIds(ctx.caller.tenantId, ids);
  }
}
