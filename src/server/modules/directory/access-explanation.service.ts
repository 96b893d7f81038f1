import type { AccessExplanation, AccessPath } from '../../../contracts/access-explanation.js';
import type { ServicePrincipal } from '../../../contracts/applications.js';
import type { Group } from '../../../contracts/groups.js';
import type { User } from '../../../contracts/users.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, notFound } from '../../domain/errors.js';
import { RoleIds } from '../../domain/roles.js';
import type { Access } from '../access/access.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import type { ServicePrincipalLoader } from '../applications/service-principal-loader.js';
import type { AuthorizeSignOn } from '../applications/sign-on.js';
import type { AuditLogService, DirectoryAudit } from '../audit/audit.service.js';
import type { GroupMembersService } from '../groups/group-members.service.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { InvitationsService } from '../invitations/invitations.service.js';
import type { RolesService } from '../roles/roles.service.js';
import type { UsersService } from '../users/users.service.js';
import {
  ADD_MEMBER,
  ASSIGN_GROUP,
  ASSIGN_USER,
  type Assignment,
  describeAssignment,
  describeMembership,
  type Edge,
  membershipPaths,
  ORIGIN_ACTIVITIES,
  pathWords,
  verdictReason,
  verdictWords,
} from './access-paths.js';

export interface AccessExplanationDeps {
  access: Access;
  /** The sign-in decision of OIDC, SAML and My Apps links: the verdict is its answer, not a copy of its rule. */
  authorizeSignOn: AuthorizeSignOn;
  loader: Pick<ServicePrincipalLoader, 'load'>;
  users: Pick<UsersService, 'requireUser' | 'findUsersByIds'>;
  roles: Pick<RolesService, 'roleIdsOf'>;
  applications: Pick<ApplicationsService, 'assignmentsOfPrincipals'>;
  groups: Pick<GroupsService, 'findGroupsByIds'>;
  groupMembers: Pick<GroupMembersService, 'membershipEdgesAbove'>;
  auditLog: Pick<AuditLogService, 'between' | 'ofCorrelations'>;
  invitations: Pick<InvitationsService, 'latestInvitationOf'>;
}

const key = (a: string, b: string) => `${a} ${b}`;

/**
 * "Why does this person have access?" (Portico extension): every path from a user to an
 * application — direct assignments, and assigned groups reached through memberships (direct ones
 * count, nested ones do not) — with when and how each link came to be (audit log, requests,
 * invitations), and the verdict of the sign-in decision itself. Read-only; a fixed number of
 * queries whatever the size of the tenant (no query per group or per path).
 */
export class AccessExplanationService {
  constructor(private readonly deps: AccessExplanationDeps) {}

  /**
   * GET /servicePrincipals/{id}/accessExplanation(userId='…') and /me/accessExplanation(…).
   * Authorization (`application.explainAccess`): the user themselves, the application's owners,
   * administrators who assign users to applications; the application must be readable (else
   * 404/403 as GET /servicePrincipals/{id}). Whether another user exists is revealed only to
   * callers who may see explanations for this application.
   */
  async explain(ctx: OperationContext, spKey: string, userKey: string): Promise<AccessExplanation> {
    const tenantId = ctx.caller.tenantId;
    const { sp, facts } = await this.deps.loader.load(ctx, spKey);
    const decision = await this.deps.access.decide(ctx, 'application.explainAccess', facts);
    const user = await this.deps.users.requireUser(tenantId, userKey).catch((err: unknown) => {
      if (decision.allowed) throw err;
      return undefined;
    });
    const self = ctx.caller.kind === 'user' && ctx.caller.userId === user?.id;
    if (!decision.allowed && !self) throw new DomainError(decision.code, decision.reason);
    if (!user) throw notFound(userKey);
    return this.build(tenantId, sp, user);
  }

  private async build(tenantId: string, sp: ServicePrincipal, user: User): Promise<AccessExplanation> {
    const [signOn, edges, roleIds, invitation] = await Promise.all([
      this.deps.authorizeSignOn(tenantId, { ...sp, tenantId }, user.id),
      this.deps.groupMembers.membershipEdgesAbove(tenantId, user.id),
      this.deps.roles.roleIdsOf(tenantId, user.id),
      user.userType === 'Guest' || user.creationType === 'Invitation'
        ? this.deps.invitations.latestInvitationOf(tenantId, user.id)
        : Promise.resolve(undefined),
    ]);
    const groupIds = [...new Set(edges.map((e) => e.groupId))];
    const assignments = await this.deps.applications.assignmentsOfPrincipals(tenantId, sp.id, [user.id, ...groupIds]);
    const assignedGroups = new Set(assignments.filter((a) => a.principalType === 'Group').map((a) => a.principalId));
    const chains = membershipPaths(user.id, edges, assignedGroups);
    const paths = await this.describe(tenantId, sp, user, assignments, chains);
    const counting = paths.some((p) => p.counts);
    const reason = verdictReason(signOn.allowed ? undefined : signOn.reason, counting);
    const inviter = invitation?.invitedByUserId
      ? (await this.deps.users.findUsersByIds(tenantId, [invitation.invitedByUserId]))[0]
      : undefined;
    return {
      servicePrincipalId: sp.id,
      appDisplayName: sp.displayName,
      appRoleAssignmentRequired: sp.appRoleAssignmentRequired,
      user: {
        id: user.id,
        displayName: user.displayName,
        userPrincipalName: user.userPrincipalName,
        userType: user.userType,
        accountEnabled: user.accountEnabled,
        externalUserState: user.externalUserState,
        invitation: invitation
          ? {
              id: invitation.id,
              invitedDateTime: invitation.createdDateTime,
              invitedBy: invitation.invitedByUserId
                ? {
                    id: invitation.invitedByUserId,
                    displayName: inviter?.displayName ?? null,
                    userPrincipalName: inviter?.userPrincipalName ?? null,
                  }
                : invitation.invitedByAppId
                  ? { id: null, displayName: `Application ${invitation.invitedByAppId}` }
                  : null,
              status: invitation.status,
              redeemedDateTime: invitation.redeemedDateTime,
            }
          : null,
      },
      hasAccess: signOn.allowed,
      reason,
      reasonText: verdictWords(reason, user.displayName, sp.displayName, paths),
      paths,
      notes: this.notes(sp, roleIds, paths),
    };
  }

  /** The paths in full: three reads (groups, audit records of the links, what those requests did). */
  private async describe(
    tenantId: string,
    sp: ServicePrincipal,
    user: User,
    assignments: readonly Assignment[],
    chains: readonly Edge[][],
  ): Promise<AccessPath[]> {
    const links = new Map(chains.flat().map((e) => [key(e.memberId, e.groupId), e]));
    const pairs = [
      ...[...links.values()].map((e) => ({ a: e.memberId, b: e.groupId })),
      ...assignments.map((a) => ({ a: a.principalId, b: sp.id })),
    ];
    const groupIds = [...new Set([...links.values()].map((e) => e.groupId))];
    const [groups, history] = await Promise.all([
      this.deps.groups.findGroupsByIds(tenantId, groupIds),
      this.deps.auditLog.between(tenantId, [ADD_MEMBER, ASSIGN_USER, ASSIGN_GROUP], pairs),
    ]);
    const byId = new Map<string, Group>(groups.map((g) => [g.id, g]));
    const latestAdd = (e: Edge) =>
      (history.get(key(e.memberId, e.groupId)) ?? history.get(key(e.groupId, e.memberId)) ?? []).find(
        (a) => a.activityDisplayName === ADD_MEMBER,
      );
    const adds = [...links.values()].map(latestAdd).filter((a): a is DirectoryAudit => a !== undefined);
    const siblings = await this.deps.auditLog.ofCorrelations(
      tenantId,
      adds.map((a) => a.correlationId),
      ORIGIN_ACTIVITIES,
    );
    const siblingsOf = (correlationId: string) => siblings.filter((s) => s.correlationId === correlationId);
    const nameOf = (id: string) => (id === user.id ? user.displayName : (byId.get(id)?.displayName ?? null));
    const assignmentAudits = (principalId: string) =>
      (history.get(key(principalId, sp.id)) ?? history.get(key(sp.id, principalId)) ?? []).filter(
        (a) => a.activityDisplayName === ASSIGN_USER || a.activityDisplayName === ASSIGN_GROUP,
      );

    const paths: AccessPath[] = [];
    for (const a of assignments.filter((x) => x.principalId === user.id)) {
      const info = describeAssignment(sp, a, assignmentAudits(a.principalId));
      const p: AccessPath = { kind: 'direct', counts: true, explanation: '', ...info };
      paths.push({ ...p, explanation: pathWords(p) });
    }
    for (const chain of chains) {
      const last = chain[chain.length - 1];
      if (!last) continue;
      const memberships = chain.map((e) =>
        describeMembership(e, byId.get(e.groupId), nameOf(e.memberId), latestAdd(e), siblingsOf),
      );
      for (const a of assignments.filter((x) => x.principalId === last.groupId)) {
        const p: AccessPath = {
          kind: 'group',
          counts: chain.length === 1,
          groupId: last.groupId,
          groupDisplayName: byId.get(last.groupId)?.displayName ?? last.groupId,
          memberships,
          explanation: '',
          ...describeAssignment(sp, a, assignmentAudits(a.principalId)),
        };
        paths.push({ ...p, explanation: pathWords(p) });
      }
    }
    return paths.sort((x, y) => Number(y.counts) - Number(x.counts));
  }

  private notes(sp: ServicePrincipal, roleIds: readonly string[], paths: readonly AccessPath[]): string[] {
    const notes: string[] = [];
    if (!sp.appRoleAssignmentRequired) {
      notes.push(
        'This application does not require assignment: every enabled account of the organization can sign in; assignments decide the roles sent to it and the tiles in My Apps.',
      );
    }
    if (paths.some((p) => !p.counts)) {
      notes.push(
        'Nested groups do not pass access on: only the direct members of a group assigned to the application get it. Assign the nested group itself, or add the person to the assigned group.',
      );
    }
    if (roleIds.includes(RoleIds.globalAdministrator)) {
      notes.push(
        'Administrator roles do not grant access to applications: a Global Administrator who is not assigned is refused too (an administrator may assign themselves, which is audited).',
      );
    }
    return notes;
  }
}
