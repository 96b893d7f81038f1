import type { ServicePrincipal } from '../../../contracts/applications.js';
import type { DirectoryObject, Group } from '../../../contracts/groups.js';
import type { Invitation, MyGroupsAddOptions } from '../../../contracts/invitations.js';
import type { CreateSelfServiceGroupBody } from '../../../contracts/requests.js';
import type { CreateUserBody, UpdateUserBody, User } from '../../../contracts/users.js';
import type { Config } from '../../config/index.js';
import type { Executor } from '../../db/index.js';
import type { OperationContext } from '../../domain/context.js';
import { DomainError, invalid, notFound } from '../../domain/errors.js';
import { findRoleDefinition, type RoleDefinition, RoleIds } from '../../domain/roles.js';
import type { ApplicationsService } from '../applications/applications.service.js';
import { type UseCaseDeps, userTarget } from '../audit/audit.service.js';
import type { DynamicMembershipService } from '../groups/dynamic-membership.service.js';
import type { GroupMembersService } from '../groups/group-members.service.js';
import { groupTarget } from '../groups/group-rules.js';
import type { GroupsService } from '../groups/groups.service.js';
import type { InvitationsService } from '../invitations/invitations.service.js';
import type { RequestsService } from '../requests/requests.service.js';
import type { RoleAssignment, RolesService } from '../roles/roles.service.js';
import type { Tenant, TenantsService } from '../tenants/tenants.service.js';
import type { ProvisioningAttributes, UsersService } from '../users/users.service.js';
import type { DeletedItemsService } from './deleted-items.service.js';

/** What My Groups' "Add members" sends when the person is not picked from the directory. */
export interface MyGroupsInvite {
  emailAddress: string;
  displayName?: string | undefined;
  welcomeMessage?: string | undefined;
  messageLanguage?: string | undefined;
}

/** What getByIds returns: a user, a group or a service principal, with its `@odata.type`. */
type DirectoryObjectOrApp = DirectoryObject | ({ '@odata.type': '#microsoft.graph.servicePrincipal' } & ServicePrincipal);

export interface DirectoryDeps extends UseCaseDeps {
  config: Pick<Config, 'publicUrl'>;
  tenants: Pick<TenantsService, 'createTenant'>;
  users: UsersService;
  roles: RolesService;
  groups: GroupsService;
  groupMembers: GroupMembersService;
  dynamicMembership: Pick<DynamicMembershipService, 'reevaluateUser' | 'holdForUserChange'>;
  applications: Pick<
    ApplicationsService,
    | 'removePrincipalReferences'
    | 'loadForManage'
    | 'updateInTransaction'
    | 'ensureGraphServicePrincipal'
    | 'servicePrincipalsByIds'
  >;
  invitations: Pick<InvitationsService, 'inviteToGroup' | 'inviteCapability'>;
  requests: Pick<RequestsService, 'removePrincipalReferences'>;
  deletedItems: Pick<DeletedItemsService, 'keepDeletedUser' | 'keepDeletedGroup'>;
}

/** A mail nickname for a generated group: the ASCII letters and digits of its name and a unique suffix. */
const nicknameFor = (displayName: string, unique: string): string =>
  `${displayName.replace(/[^A-Za-z0-9]/g, '').slice(0, 40) || 'group'}-${unique.replace(/-/g, '').slice(-8)}`;

/**
 * Use cases that span features, so that no feature depends on another that depends back on it:
 * creating and changing users (users + the dynamic groups that follow their properties), deleting
 * a principal with everything that points at it, role assignments (roles + users), and My Groups'
 * "add a member who may be a new guest" (groups + invitations). Each is one transaction.
 */
export class DirectoryService {
  constructor(private readonly deps: DirectoryDeps) {}

  /**
   * POST /users: creates a member (or guest, when userType says so) with a password. User and
   * Global Administrators. One transaction with its "Add user" audit record, in which the user
   * joins the dynamic groups whose rule it satisfies. `extra`: what SCIM provisions beyond Graph's
   * properties (externalId).
   */
  /**
   * Creates a tenant with its signing key and its Microsoft Graph service principal (the resource
   * of its applications' Graph permissions). Trusted callers only (tests, future tenant admin).
   */
  async createTenant(input: { displayName: string; initialDomain: string }): Promise<Tenant> {
    const tenant = await this.deps.tenants.createTenant(input);
    await this.deps.applications.ensureGraphServicePrincipal(tenant.id);
    return tenant;
  }

  /**
   * POST /directoryObjects/getByIds: users and groups (groups feature) and service principals
   * (applications feature), in the order of `ids`, limited to `types` when given.
   */
  async getByIds(ctx: OperationContext, ids: readonly string[], types?: readonly string[]): Promise<DirectoryObjectOrApp[]> {
    const wanted = types?.map((x) => x.replace(/^#?microsoft\.graph\./i, '').toLowerCase());
    const members = wanted === undefined || wanted.some((w) => w !== 'serviceprincipal');
    const objects: DirectoryObjectOrApp[] = members ? await this.deps.groupMembers.getByIds(ctx, ids, types) : [];
    if (wanted === undefined || wanted.includes('serviceprincipal')) {
      for (const sp of await this.deps.applications.servicePrincipalsByIds(ctx, ids)) {
        objects.push({ '@odata.type': '#microsoft.graph.servicePrincipal', ...sp });
      }
    }
    const byId = new Map(objects.map((o) => [o.id, o]));
    return ids.map((id) => byId.get(id.toLowerCase())).filter((o): o is DirectoryObjectOrApp => o !== undefined);
  }

  async createUser(ctx: OperationContext, body: CreateUserBody, extra: ProvisioningAttributes = {}): Promise<User> {
    const prepared = await this.deps.users.prepareNewUser(ctx, body);
    await this.deps.db.transaction().execute(async (trx) => {
      await this.deps.users.insertNewUser(trx, ctx, prepared, extra);
      await this.deps.dynamicMembership.reevaluateUser(trx, ctx, prepared.user);
    });
    return prepared.user;
  }

  /**
   * PATCH /users/{id} (authorization and audit: UsersService.updateUser). In the same transaction
   * the changed user joins or leaves the dynamic groups whose rule it now does or no longer satisfies.
   */
  async updateUser(ctx: OperationContext, key: string, body: UpdateUserBody, extra: ProvisioningAttributes = {}): Promise<void> {
    await this.deps.users.updateUser(
      ctx,
      key,
      body,
      (trx, updated) => this.deps.dynamicMembership.reevaluateUser(trx, ctx, updated),
      extra,
    );
  }

  /**
   * DELETE /users/{id}: soft delete (directory/deletedItems, restorable for 30 days): removes the
   * user and, in the same transaction, every reference other features hold (memberships,
   * ownerships, role and app role assignments), keeping a snapshot for restore. The last Global
   * Administrator cannot be deleted, nor can callers delete themselves.
   */
  async deleteUser(ctx: OperationContext, key: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const { user, facts } = await this.deps.users.loadForChange(ctx, key, ['user.delete']);
    if (facts.isSelf) throw invalid('user_cannot_delete_self');
    await this.deps.db.transaction().execute(async (trx) => {
      if (facts.roleIds.includes(RoleIds.globalAdministrator)) {
        await this.deps.users.requireAnotherEnabledGlobalAdministrator(trx, tenantId, user.id, 'deleted');
      }
      await this.deps.dynamicMembership.holdForUserChange(trx, tenantId);
      await this.deps.deletedItems.keepDeletedUser(trx, tenantId, user, facts.roleIds);
      await this.deps.groups.removePrincipalReferences(trx, tenantId, user.id);
      await this.deps.applications.removePrincipalReferences(trx, tenantId, user.id);
      await this.deps.requests.removePrincipalReferences(trx, tenantId, user.id);
      await this.deps.roles.removeAllOf(trx, tenantId, user.id);
      await this.deps.users.deleteUserRow(trx, tenantId, user.id);
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Delete user',
        category: 'UserManagement',
        operationType: 'Delete',
        targetResources: [userTarget(user)],
      });
    });
  }

  /**
   * DELETE /groups/{id}: soft delete (restorable for 30 days): the group, its member/owner rows,
   * its memberships in other groups and its app role assignments, kept as a snapshot and removed
   * in one transaction with "Delete group".
   */
  async deleteGroup(ctx: OperationContext, id: string): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    const g = await this.deps.groups.loadForDelete(ctx, id);
    await this.deps.db.transaction().execute(async (trx) => {
      await this.deps.deletedItems.keepDeletedGroup(trx, tenantId, g);
      await this.deps.applications.removePrincipalReferences(trx, tenantId, g.id);
      await this.deps.requests.removePrincipalReferences(trx, tenantId, g.id);
      await this.deps.groups.deleteGroupRow(trx, tenantId, g.id);
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Delete group',
        category: 'GroupManagement',
        operationType: 'Delete',
        targetResources: [groupTarget(g)],
      });
    });
  }

  /**
   * POST /servicePrincipals/{id}/selfServiceGroup (Portico extension; Entra's legacy self-service
   * flow created the group it was given the name of): an Assigned security group, not joinable
   * (access goes through the application's requests), owned by the application's approvers (those
   * in the body, which are saved too, else the saved ones), made the application's self-service
   * group — and so assigned to it — in the same transaction.
   * Needs the right to manage the application and to create groups.
   */
  async createSelfServiceGroup(ctx: OperationContext, key: string, body: CreateSelfServiceGroupBody): Promise<Group> {
    const sp = await this.deps.applications.loadForManage(ctx, key);
    const approverIds = [...new Set(body.approverIds ?? sp.selfServiceAccess.approverIds)];
    return this.deps.groups.createGroup(
      ctx,
      {
        displayName: body.displayName,
        description: body.description ?? `People who have access to ${sp.displayName} through self-service.`,
        mailNickname: nicknameFor(body.displayName, this.deps.newId()),
        mailEnabled: false,
        securityEnabled: true,
        joinPolicy: 'closed',
        'owners@odata.bind': approverIds,
      },
      {},
      (trx, group) =>
        this.deps.applications.updateInTransaction(trx, ctx, sp.id, {
          selfServiceAccess: { groupId: group.id, ...(body.approverIds ? { approverIds } : {}) },
        }),
    );
  }

  /**
   * `portico admin create`: a member with a password and the Global Administrator role, in one
   * transaction ("Add user" and "Add member to role"). Trusted operators (the CLI's system caller).
   */
  async createGlobalAdministrator(ctx: OperationContext, body: CreateUserBody): Promise<User> {
    await this.deps.access.require(ctx, 'role.assign');
    const prepared = await this.deps.users.prepareNewUser(ctx, body);
    const def = findRoleDefinition(RoleIds.globalAdministrator);
    if (!def) throw new Error('Global Administrator role definition missing');
    await this.deps.db.transaction().execute(async (trx) => {
      await this.deps.users.insertNewUser(trx, ctx, prepared);
      await this.deps.dynamicMembership.reevaluateUser(trx, ctx, prepared.user);
      await this.addRoleIn(trx, ctx, prepared.user, def);
    });
    return prepared.user;
  }

  private async addRoleIn(trx: Executor, ctx: OperationContext, user: User, def: RoleDefinition): Promise<RoleAssignment> {
    const assignment: RoleAssignment = {
      id: this.deps.newId(),
      principalId: user.id,
      roleDefinitionId: def.id,
      directoryScopeId: '/',
      createdDateTime: this.deps.clock.now().toISOString(),
    };
    await this.deps.roles.insertAssignment(trx, ctx.caller.tenantId, assignment, user.displayName, def.displayName);
    await this.deps.audit.record(trx, ctx, {
      activityDisplayName: 'Add member to role',
      category: 'RoleManagement',
      operationType: 'Assign',
      targetResources: [userTarget(user), { id: def.id, displayName: def.displayName, type: 'Role', modifiedProperties: [] }],
    });
    return assignment;
  }

  /** POST roleAssignments: Global and Privileged Role Administrators; one transaction with "Add member to role". */
  async assignRole(
    ctx: OperationContext,
    input: { principalId: string; roleDefinitionId: string; directoryScopeId?: string },
  ): Promise<RoleAssignment> {
    await this.deps.access.require(ctx, 'role.assign');
    const tenantId = ctx.caller.tenantId;
    const def = findRoleDefinition(input.roleDefinitionId);
    if (!def) {
      throw invalid('role_definition_unknown', `Unknown roleDefinitionId '${input.roleDefinitionId}'.`, 'roleDefinitionId');
    }
    if ((input.directoryScopeId ?? '/') !== '/') throw invalid('role_scope_unsupported', undefined, 'directoryScopeId');
    const user = await this.deps.users.findUser(tenantId, input.principalId.toLowerCase());
    if (!user) throw notFound(input.principalId);
    return this.deps.db.transaction().execute((trx) => this.addRoleIn(trx, ctx, user, def));
  }

  /** DELETE roleAssignments/{id}: one transaction with "Remove member from role". Keeps one Global Administrator. */
  async removeRoleAssignment(ctx: OperationContext, id: string): Promise<void> {
    await this.deps.access.require(ctx, 'role.assign');
    const tenantId = ctx.caller.tenantId;
    await this.deps.db.transaction().execute(async (trx) => {
      const found = await this.deps.roles.findAssignment(tenantId, id, trx);
      if (!found) throw notFound(id);
      if (found.roleDefinitionId === RoleIds.globalAdministrator) {
        await this.deps.users.requireAnotherEnabledGlobalAdministrator(trx, tenantId, found.principalId, 'removed from the role');
      }
      // A concurrent request may have removed it between our read and delete.
      const removed = await this.deps.roles.deleteAssignment(trx, tenantId, found.id);
      if (!removed) throw notFound(id);
      const user = await this.deps.users.findUser(tenantId, removed.principalId, trx);
      const def = findRoleDefinition(removed.roleDefinitionId);
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Remove member from role',
        category: 'RoleManagement',
        operationType: 'Unassign',
        targetResources: [
          userTarget({
            id: removed.principalId,
            displayName: user?.displayName ?? null,
            userPrincipalName: user?.userPrincipalName ?? null,
          }),
          { id: removed.roleDefinitionId, displayName: def?.displayName ?? null, type: 'Role', modifiedProperties: [] },
        ],
      });
    });
  }

  /**
   * My Groups → group → + → Add members (the seed's flow). An address that is not in the directory
   * is invited as a guest (same checks as POST /invitations, the e-mail carries the welcome
   * message) and added to the group in the same transaction; an existing user is simply added.
   */
  /**
   * GET /groups/{id}/members/addOptions: what "Add members" will allow the caller, asked when the
   * dialog opens — the same checks as the add itself (owner, group kind, self-service settings,
   * who may invite), answered as reasons instead of refusals, with whom to ask. Needs `group.read`.
   */
  async myGroupsAddOptions(ctx: OperationContext, groupId: string): Promise<MyGroupsAddOptions> {
    const group = await this.deps.groups.getGroup(ctx, groupId);
    const refusal = async (check: () => Promise<unknown>): Promise<DomainError | undefined> => {
      try {
        await check();
        return undefined;
      } catch (err) {
        if (err instanceof DomainError) return err;
        throw err;
      }
    };
    const members = this.deps.groupMembers;
    const add = await refusal(() => members.prepareMyGroupsAdd(ctx, group.id, { forGuest: false }));
    const guests = add ?? (await refusal(() => members.prepareMyGroupsAdd(ctx, group.id, { forGuest: true })));
    const capability = guests ? undefined : await this.deps.invitations.inviteCapability(ctx);
    const invite = capability?.decision;
    return {
      canAddMembers: add === undefined,
      addMembersBlockedReason: add?.message ?? null,
      canInviteGuests: guests === undefined && invite?.allowed === true,
      inviteGuestsBlockedReason: guests?.message ?? (invite && !invite.allowed ? invite.reason : null),
      inviteGuestsBlockedCode: guests?.code ?? (invite && !invite.allowed ? invite.code : null),
      whoCanHelp: capability?.whoCanHelp ?? [],
    };
  }

  async addToGroupFromMyGroups(
    ctx: OperationContext,
    groupId: string,
    input: { userId: string } | MyGroupsInvite,
  ): Promise<{ status: 'added' | 'invited'; user: User; invitation?: Invitation }> {
    const tenantId = ctx.caller.tenantId;
    const members = this.deps.groupMembers;
    if ('userId' in input) {
      // Looked up first so a guest picked from the directory gets the guest refusal; revealed only after authorization.
      const user = await this.deps.users.findUser(tenantId, input.userId.toLowerCase());
      const group = await members.prepareMyGroupsAdd(ctx, groupId, { forGuest: user?.userType === 'Guest' });
      if (!user) throw notFound(input.userId);
      await this.deps.db.transaction().execute((trx) => members.addMemberInTransaction(trx, ctx, group, user.id));
      return { status: 'added', user };
    }
    const existing = await this.deps.users.findUserByEmail(tenantId, input.emailAddress);
    if (existing && existing.externalUserState !== 'PendingAcceptance') {
      const group = await members.prepareMyGroupsAdd(ctx, groupId, { forGuest: existing.userType === 'Guest' });
      await this.deps.db.transaction().execute((trx) => members.addMemberInTransaction(trx, ctx, group, existing.id));
      return { status: 'added', user: existing };
    }
    const group = await members.prepareMyGroupsAdd(ctx, groupId, { forGuest: true });
    const invitation = await this.deps.invitations.inviteToGroup(
      ctx,
      {
        invitedUserEmailAddress: input.emailAddress,
        inviteRedirectUrl: `${this.deps.config.publicUrl}/myapps`,
        sendInvitationMessage: true,
        ...(input.displayName ? { invitedUserDisplayName: input.displayName } : {}),
        invitedUserMessageInfo: {
          customizedMessageBody: input.welcomeMessage?.trim() ? input.welcomeMessage : null,
          messageLanguage: input.messageLanguage ?? null,
        },
      },
      group,
    );
    const user = await this.deps.users.findUser(tenantId, invitation.invitedUser.id);
    if (!user) throw notFound(invitation.invitedUser.id);
    return { status: 'invited', user, invitation };
  }
}
