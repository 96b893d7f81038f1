import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Invitation, InvitationBody } from '../../../contracts/invitations.js';
import type { User } from '../../../contracts/users.js';
import type { Config } from '../../config/index.js';
import { isTransient } from '../../db/errors.js';
import type { Executor } from '../../db/index.js';
import { authorize, type TargetFacts } from '../../domain/authorization.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { badRequest, DomainError, denied, notFound } from '../../domain/errors.js';
import { type IdGenerator, randomSecret } from '../../domain/ids.js';
import { findRoleDefinition } from '../../domain/roles.js';
import { enqueueMail } from '../../platform/outbox.js';
import { sha256 } from '../../platform/passwords.js';
import type { RateLimiter } from '../../platform/rate-limit.js';
import { type AuditService, userTarget } from '../audit/audit.service.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { PoliciesService } from '../policies/policies.service.js';
import type { RolesService } from '../roles/roles.service.js';
import type { Tenant, TenantsService } from '../tenants/tenants.service.js';
import type { UsersService } from '../users/users.service.js';
import { renderInvitationEmail } from './invitation-email.js';
import {
  addSponsor,
  completeInvitationsOfUser,
  findInvitation,
  findLatestInvitationOfUser,
  type InvitationRow,
  insertInvitation,
  isUnsubscribed,
  listSponsorIds,
  revokeInvitationsOfUser,
  setUnsubscribed,
} from './invitations.repository.js';

export interface InvitationsDeps {
  db: Executor;
  config: Config;
  clock: Clock;
  newId: IdGenerator;
  audit: AuditService;
  policies: PoliciesService;
  users: UsersService;
  groups: GroupsService;
  roles: RolesService;
  tenants: TenantsService;
  limiter: RateLimiter;
  /** HMAC key for unsubscribe links (an instance secret). */
  linkKey: string;
}

/** What My Groups' "Add members" sends when the person is not picked from the directory. */
export interface MyGroupsInvite {
  emailAddress: string;
  displayName?: string | undefined;
  welcomeMessage?: string | undefined;
  messageLanguage?: string | undefined;
}

/** A redeemable invitation as the redemption pages need it. */
export interface RedemptionContext {
  tenant: Tenant;
  invitation: InvitationRow;
  user: User;
  inviterName: string;
  inviterEmail: string | null;
  welcomeMessage: string | null;
}

const MAX_ATTEMPTS = 4;

/** `john@contoso.com` → `john_contoso.com#EXT#@<tenant domain>` (entra-behaviour.md §2). */
export const guestUserPrincipalName = (email: string, tenantDomain: string): string =>
  `${email.toLowerCase().replace('@', '_')}#EXT#@${tenantDomain}`;

const sameHmac = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function createInvitationsService(deps: InvitationsDeps) {
  const now = () => deps.clock.now().toISOString();
  const redeemUrl = (id: string, ticket: string) => `${deps.config.publicUrl}/redeem/${id}?ticket=${ticket}`;
  const unsubscribeSig = (tenantId: string, emailLower: string) =>
    createHmac('sha256', deps.linkKey).update(`unsubscribe:${tenantId}:${emailLower}`).digest('base64url');
  const unsubscribeUrl = (tenantId: string, emailLower: string) =>
    `${deps.config.publicUrl}/invitations/unsubscribe?tenant=${tenantId}&email=${encodeURIComponent(emailLower)}&sig=${unsubscribeSig(tenantId, emailLower)}`;

  async function check(
    ctx: OperationContext,
    action: 'user.invite' | 'user.inviteMember' | 'user.manageInvitation',
    target: TargetFacts = {},
  ) {
    const decision = authorize(ctx.caller, action, await deps.policies.policyFacts(ctx.caller.tenantId), target);
    if (!decision.allowed) throw denied(decision.reason);
  }

  async function checkDomain(tenantId: string, email: string) {
    const d = await deps.policies.invitationDomainDecision(tenantId, email);
    if (!d.allowed) throw badRequest(d.reason, 'invitedUserEmailAddress');
  }

  /** Per-tenant throttle on invitations (Graph: 150 requests per 5 seconds per tenant). */
  async function throttle(tenantId: string) {
    const { max, windowSeconds } = deps.config.invitationRateLimit;
    const state = await deps.limiter.hit(`invitations:${tenantId}`, windowSeconds);
    if (state.count > max) {
      const retry = Math.max(1, Math.ceil((state.windowEndsAt.getTime() - deps.clock.now().getTime()) / 1000));
      throw new DomainError(
        'throttled',
        `Too many invitations: at most ${max} every ${windowSeconds} seconds per organization.`,
        {
          headers: { 'retry-after': String(retry) },
        },
      );
    }
  }

  async function inviterInfo(
    ctx: OperationContext,
    db: Executor,
  ): Promise<{ name: string; email: string | null; userId: string | null }> {
    const c = ctx.caller;
    if (c.kind === 'user') {
      const u = await deps.users.findUser(c.tenantId, c.userId, db);
      return { name: u?.displayName ?? c.displayName, email: u?.mail ?? null, userId: c.userId };
    }
    return { name: c.displayName, email: null, userId: null };
  }

  /** Writes the invitation e-mail to the outbox (or the "unsubscribed" audit record instead). */
  async function queueInvitationMail(
    trx: Executor,
    ctx: OperationContext,
    tenant: Tenant,
    row: InvitationRow,
    ticket: string,
    user: User,
  ): Promise<void> {
    if (await isUnsubscribed(trx, tenant.id, row.invited_email_lower)) {
      await deps.audit.record(trx, ctx, {
        activityDisplayName: 'Email not sent, user unsubscribed',
        category: 'UserManagement',
        loggedByService: 'Invited Users',
        operationType: 'Other',
        targetResources: [userTarget(user)],
      });
      return;
    }
    const inviter = await inviterInfo(ctx, trx);
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
      acceptUrl: redeemUrl(row.id, ticket),
      destinationUrl: row.invite_redirect_url,
      privacyStatementUrl: tenant.privacyStatementUrl,
      unsubscribeUrl: unsubscribeUrl(tenant.id, row.invited_email_lower),
    });
    const cc = (JSON.parse(row.cc_recipients) as { emailAddress: { address: string } }[]).map((r) => r.emailAddress.address);
    await enqueueMail(
      trx,
      { clock: deps.clock, newId: deps.newId, mailFrom: deps.config.mailFrom },
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

  interface InviteOptions {
    /** My Groups: the group the guest is added to in the same transaction (already authorized). */
    group?: Awaited<ReturnType<GroupsService['prepareMyGroupsAdd']>>;
    /** Resend: authorized as invitation management, not as a new invitation. */
    resend?: boolean;
  }

  /**
   * One attempt of the invitation transaction: finds or creates the guest, records the invitation
   * (ticket stored hashed), queues the e-mail, sponsors, group membership and audit — all or nothing.
   */
  async function inviteOnce(
    ctx: OperationContext,
    tenant: Tenant,
    body: InvitationBody,
    opts: InviteOptions,
  ): Promise<Invitation> {
    const email = body.invitedUserEmailAddress.trim();
    const emailLower = email.toLowerCase();
    return deps.db.transaction().execute(async (trx) => {
      const at = now();
      const inviter = await inviterInfo(ctx, trx);
      let user: User | undefined;
      let status: Invitation['status'] = 'PendingAcceptance';
      let reset = false;

      if (body.resetRedemption && body.invitedUser) {
        // Authorized by invite() before the transaction.
        user = await deps.users.findUser(tenant.id, body.invitedUser.id.toLowerCase(), trx);
        if (!user) throw notFound(body.invitedUser.id);
        const other = await deps.users.findUserByEmail(tenant.id, email, trx);
        if (other && other.id !== user.id) {
          throw new DomainError('user_mail_conflict', `The address ${email} already belongs to another user in this directory.`);
        }
        await revokeInvitationsOfUser(trx, tenant.id, user.id);
        const otherMails =
          user.mail && user.mail.toLowerCase() !== emailLower ? [...new Set([...user.otherMails, user.mail])] : user.otherMails;
        user = {
          ...user,
          mail: email,
          otherMails: otherMails.filter((m) => m.toLowerCase() !== emailLower),
          creationType: user.creationType ?? 'Invitation',
          externalUserState: 'PendingAcceptance',
          externalUserStateChangeDateTime: at,
          identities: user.identities.filter((i) => i.signInType === 'userPrincipalName'),
        };
        await deps.users.saveUser(trx, tenant.id, user);
        reset = true;
      } else {
        user = await deps.users.findUserByEmail(tenant.id, email, trx);
        if (user && user.externalUserState !== 'PendingAcceptance') status = 'Completed';
      }

      if (!user) {
        const upn = guestUserPrincipalName(email, tenant.initialDomain);
        user = {
          id: deps.newId(),
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
        };
        await deps.users.insertInvitedUser(trx, tenant.id, user);
        if (inviter.userId) await addSponsor(trx, tenant.id, user.id, inviter.userId, at);
      }

      const ticket = randomSecret(32);
      const row: InvitationRow = {
        id: deps.newId(),
        tenant_id: tenant.id,
        user_id: user.id,
        invited_email: email,
        invited_email_lower: emailLower,
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
        await queueInvitationMail(trx, ctx, tenant, row, ticket, user);
      }
      if (opts.group && !(await deps.groups.isDirectMember(tenant.id, opts.group.id, user.id, trx))) {
        await deps.groups.addMemberInTransaction(trx, ctx, opts.group, user.id);
      }
      await deps.audit.record(trx, ctx, {
        activityDisplayName: reset ? 'Invite external user with reset invitation status' : 'Invite external user',
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
      return toInvitation(row, redeemUrl(row.id, ticket), status, user.displayName, sponsors);
    });
  }

  /** Runs the invitation transaction, retrying when a concurrent invite of the same address won the insert. */
  async function invite(ctx: OperationContext, body: InvitationBody, opts: InviteOptions = {}): Promise<Invitation> {
    const tenant = await deps.tenants.getTenant(ctx.caller.tenantId);
    if (body.resetRedemption && body.invitedUser) {
      // Reset redemption is governed by its own roles (Helpdesk/User/Global admin, entra-behaviour.md §2).
      const target = await deps.users.findUser(tenant.id, body.invitedUser.id.toLowerCase());
      if (!target) {
        await check(ctx, 'user.manageInvitation');
        throw notFound(body.invitedUser.id);
      }
      const roleIds = await deps.roles.roleIdsOf(tenant.id, target.id);
      if (ctx.caller.kind === 'app' && roleIds.length > 0) {
        throw denied('Applications cannot reset the redemption of a user who holds directory roles.');
      }
      await check(ctx, 'user.manageInvitation', { targetIsPrivileged: roleIds.some((r) => findRoleDefinition(r)?.isPrivileged) });
    } else if (!opts.resend) {
      await check(ctx, 'user.invite');
    }
    if (body.invitedUserType === 'Member') await check(ctx, 'user.inviteMember');
    await checkDomain(tenant.id, body.invitedUserEmailAddress);
    for (let attempt = 1; ; attempt++) {
      try {
        return await inviteOnce(ctx, tenant, body, opts);
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

  const service = {
    /**
     * POST /invitations (Graph). Authorization: the tenant's guest invite setting and roles
     * (`user.invite`), Member invitations for admins, reset redemption for Helpdesk/User/Global
     * admins. Domain allow/deny list and the per-tenant throttle apply. Idempotent per address:
     * existing pending guests are re-invited, accepted guests and members come back Completed.
     */
    async createInvitation(ctx: OperationContext, body: InvitationBody): Promise<Invitation> {
      await throttle(ctx.caller.tenantId);
      return invite(ctx, body);
    },

    /**
     * My Groups → group → + → Add members (the seed's flow). An address that is not in the directory
     * is invited as a guest (same checks as POST /invitations, the e-mail carries the welcome
     * message) and added to the group in the same transaction; an existing user is simply added.
     */
    async addToGroupFromMyGroups(
      ctx: OperationContext,
      groupId: string,
      input: { userId: string } | MyGroupsInvite,
    ): Promise<{ status: 'added' | 'invited'; user: User; invitation?: Invitation }> {
      const tenantId = ctx.caller.tenantId;
      if ('userId' in input) {
        const group = await deps.groups.prepareMyGroupsAdd(ctx, groupId, { forGuest: false });
        const user = await deps.users.findUser(tenantId, input.userId.toLowerCase());
        if (!user) throw notFound(input.userId);
        await deps.db.transaction().execute((trx) => deps.groups.addMemberInTransaction(trx, ctx, group, user.id));
        return { status: 'added', user };
      }
      const existing = await deps.users.findUserByEmail(tenantId, input.emailAddress);
      if (existing && existing.externalUserState !== 'PendingAcceptance') {
        const group = await deps.groups.prepareMyGroupsAdd(ctx, groupId, { forGuest: existing.userType === 'Guest' });
        await deps.db.transaction().execute((trx) => deps.groups.addMemberInTransaction(trx, ctx, group, existing.id));
        return { status: 'added', user: existing };
      }
      const group = await deps.groups.prepareMyGroupsAdd(ctx, groupId, { forGuest: true });
      await throttle(tenantId);
      const invitation = await invite(
        ctx,
        {
          invitedUserEmailAddress: input.emailAddress,
          inviteRedirectUrl: `${deps.config.publicUrl}/myapps`,
          sendInvitationMessage: true,
          ...(input.displayName ? { invitedUserDisplayName: input.displayName } : {}),
          invitedUserMessageInfo: {
            customizedMessageBody: input.welcomeMessage?.trim() ? input.welcomeMessage : null,
            messageLanguage: input.messageLanguage ?? null,
          },
        },
        { group },
      );
      const user = await deps.users.findUser(tenantId, invitation.invitedUser.id);
      if (!user) throw notFound(invitation.invitedUser.id);
      return { status: 'invited', user, invitation };
    },

    /** Resend invitation (admin center, user → B2B collaboration): a new e-mail with a new link. */
    async resendInvitation(ctx: OperationContext, userId: string): Promise<Invitation> {
      const tenantId = ctx.caller.tenantId;
      const user = await deps.users.findUser(tenantId, userId.toLowerCase());
      if (!user) {
        await check(ctx, 'user.manageInvitation');
        throw notFound(userId);
      }
      await check(ctx, 'user.manageInvitation');
      if (user.externalUserState !== 'PendingAcceptance' || !user.mail) {
        throw badRequest('Only users whose invitation is pending acceptance can be sent the invitation again.');
      }
      const last = await findLatestInvitationOfUser(deps.db, tenantId, user.id);
      await throttle(tenantId);
      return invite(
        ctx,
        {
          invitedUserEmailAddress: user.mail,
          inviteRedirectUrl: last?.invite_redirect_url ?? `${deps.config.publicUrl}/myapps`,
          sendInvitationMessage: true,
          invitedUserMessageInfo: {
            customizedMessageBody: last?.message_body ?? null,
            messageLanguage: last?.message_language ?? null,
          },
        },
        { resend: true },
      );
    },

    /** GET /users/{id}/sponsors. */
    async listSponsors(ctx: OperationContext, userId: string): Promise<User[]> {
      const user = await deps.users.getUser(ctx, userId);
      const ids = await listSponsorIds(deps.db, ctx.caller.tenantId, user.id);
      return deps.users.findUsersByIds(ctx.caller.tenantId, ids);
    },

    // --- Redemption support (used by the redemption pages; no caller authorization: the ticket is the proof) ---

    /**
     * The invitation behind a redeem link, or undefined. Unknown, revoked and malformed links are
     * indistinguishable to the caller. Completed invitations still resolve: their link signs in.
     */
    async findRedemption(invitationId: string, ticket: string): Promise<RedemptionContext | undefined> {
      if (!/^[0-9a-f-]{36}$/i.test(invitationId) || !/^[A-Za-z0-9_-]{20,100}$/.test(ticket)) return undefined;
      const row = await findInvitation(deps.db, invitationId.toLowerCase());
      if (!row || row.status === 'Revoked') return undefined;
      const hash = sha256(ticket);
      if (!sameHmac(hash, row.ticket_hash)) return undefined;
      return service.redemptionContext(row);
    },

    /** Loads the context of an invitation row (tenant, user, inviter). */
    async redemptionContext(row: InvitationRow): Promise<RedemptionContext | undefined> {
      const tenant = await deps.tenants.findTenant(row.tenant_id);
      const user = tenant && (await deps.users.findUser(tenant.id, row.user_id));
      if (!tenant || !user) return undefined;
      const inviter = row.invited_by_user_id ? await deps.users.findUser(tenant.id, row.invited_by_user_id) : undefined;
      return {
        tenant,
        invitation: row,
        user,
        inviterName: inviter?.displayName ?? (row.invited_by_app_id ? tenant.displayName : 'An administrator'),
        inviterEmail: inviter?.mail ?? null,
        welcomeMessage: row.message_body,
      };
    },

    /** The pending invitation of a user (just-in-time redemption from a direct link). */
    async pendingRedemptionOfUser(tenantId: string, userId: string): Promise<RedemptionContext | undefined> {
      const row = await findLatestInvitationOfUser(deps.db, tenantId, userId);
      return row && row.status === 'PendingAcceptance' ? service.redemptionContext(row) : undefined;
    },

    /** Collaboration restrictions are re-checked when a still-pending invitation is redeemed. */
    async redemptionDomainDecision(tenantId: string, email: string) {
      return deps.policies.invitationDomainDecision(tenantId, email);
    },

    /**
     * Completes a redemption: PendingAcceptance → Accepted (guarded), the e-mail identity recorded,
     * the user's pending invitations consumed, audit "Redeem external user invite" — one transaction.
     * Returns false when the user was no longer pending (a concurrent redemption won).
     */
    async completeRedemption(r: RedemptionContext): Promise<boolean> {
      const tenantId = r.tenant.id;
      return deps.db.transaction().execute(async (trx) => {
        const user = await deps.users.findUser(tenantId, r.user.id, trx);
        if (!user || user.externalUserState !== 'PendingAcceptance') return false;
        const at = now();
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
        if (!(await deps.users.markGuestAccepted(trx, tenantId, accepted, at))) return false;
        await completeInvitationsOfUser(trx, tenantId, user.id, at);
        await deps.audit.record(
          trx,
          {
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
          },
          {
            activityDisplayName: 'Redeem external user invite',
            category: 'UserManagement',
            loggedByService: 'Invited Users',
            operationType: 'Update',
            targetResources: [
              userTarget(user, [{ displayName: 'externalUserState', oldValue: '"PendingAcceptance"', newValue: '"Accepted"' }]),
            ],
            additionalDetails: [{ key: 'invitationId', value: r.invitation.id }],
          },
        );
        return true;
      });
    },

    // --- Unsubscribe ("Block future invitations from this organization") ---

    unsubscribeUrl,

    /** Verifies an unsubscribe link; returns the tenant when valid. */
    async verifyUnsubscribe(tenantId: string, email: string, sig: string): Promise<Tenant | undefined> {
      const emailLower = email.toLowerCase();
      if (!sameHmac(unsubscribeSig(tenantId, emailLower), sig)) return undefined;
      return deps.tenants.findTenant(tenantId);
    },

    /** Records the choice (audited as "Email unsubscribed" / "Email subscribed"). */
    async setUnsubscribed(tenant: Tenant, email: string, on: boolean): Promise<void> {
      const emailLower = email.toLowerCase();
      await deps.db.transaction().execute(async (trx) => {
        await setUnsubscribed(trx, tenant.id, emailLower, on, now());
        await deps.audit.record(
          trx,
          { caller: { kind: 'system', tenantId: tenant.id, displayName: emailLower }, correlationId: deps.newId() },
          {
            activityDisplayName: on ? 'Email unsubscribed' : 'Email subscribed',
            category: 'UserManagement',
            loggedByService: 'Invited Users',
            operationType: 'Update',
            targetResources: [{ id: emailLower, displayName: emailLower, type: 'Other', modifiedProperties: [] }],
          },
        );
      });
    },
  };
  return service;
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
