import { randomInt } from 'node:crypto';
import type { ServicePrincipal } from '../../contracts/applications.js';
import type { User } from '../../contracts/users.js';
import type { OperationContext } from '../domain/context.js';
import { DomainError } from '../domain/errors.js';
import { RoleIds } from '../domain/roles.js';
import type { AppRoleAssignmentsService } from '../modules/applications/app-role-assignments.service.js';
import { appRoleAssignmentsResource } from '../modules/applications/applications.query.js';
import type { ApplicationsService } from '../modules/applications/applications.service.js';
import type { DirectoryService } from '../modules/directory/directory.service.js';
import { groupsResource } from '../modules/groups/groups.query.js';
import type { GroupsService } from '../modules/groups/groups.service.js';
import type { PoliciesService } from '../modules/policies/policies.service.js';
import type { RolesService } from '../modules/roles/roles.service.js';
import type { Tenant } from '../modules/tenants/tenants.service.js';
import type { UsersService } from '../modules/users/users.service.js';
import { parseODataQuery } from '../odata/query.js';
import { demoSpIdentifiers } from './expenses-sp.js';

/**
 * `portico demo`: the seed document's scenario, ready to walk — an administrator; Megan, an
 * information worker who owns the "Expenses app guests" group and holds Guest Inviter; "Expenses",
 * a SAML application served by Portico itself (/demo/expenses), requiring assignment, configured
 * for self-service with that group (Megan approves requests), Megan assigned to it; self-service
 * group management on. Everything goes through the same use cases as the admin center (authorized,
 * validated, audited, initiator "Portico demo"). Running it again changes nothing but the demo
 * accounts' passwords, which are new each time and printed.
 */

const GRAPH_USERS = 'https://graph.microsoft.com/v1.0/users/';
export const DEMO_GROUP_NAME = 'Expenses app guests';
export const DEMO_APP_NAME = 'Expenses';

/** The use cases the demo goes through (the composition root's services). */
export interface DemoServices {
  users: UsersService;
  directory: DirectoryService;
  roles: RolesService;
  policies: PoliciesService;
  groups: GroupsService;
  applications: ApplicationsService;
  appRoleAssignments: AppRoleAssignmentsService;
}

export interface DemoAccount {
  displayName: string;
  userPrincipalName: string;
  password: string;
  role: string;
}

export interface DemoSeedResult {
  accounts: DemoAccount[];
  groupId: string;
  servicePrincipal: ServicePrincipal;
  /** False when everything already existed (only the passwords changed). */
  created: boolean;
}

/** A password that satisfies the tenant's rules and is easy to type from a terminal. */
function demoPassword(): string {
  const words = ['Harbor', 'Maple', 'Copper', 'Falcon', 'Willow', 'Summit', 'Meadow', 'Lantern'];
  const pick = () => words[randomInt(words.length)];
  return `${pick()}-${pick()}-${randomInt(1000, 10_000)}!`;
}

const isNotFound = (err: unknown) => err instanceof DomainError && err.status === 404;

export async function seedDemo(services: DemoServices, tenant: Tenant, publicUrl: string, now: Date): Promise<DemoSeedResult> {
  const ctx: OperationContext = {
    caller: { kind: 'system', tenantId: tenant.id, displayName: 'Portico demo' },
    correlationId: `demo-${now.getTime()}`,
  };
  let created = false;
  const domain = tenant.initialDomain;

  /** The user with this UPN, created when missing; its password is set anew either way. */
  const ensureUser = async (upn: string, props: { displayName: string; jobTitle: string; department: string }) => {
    const password = demoPassword();
    let user: User;
    try {
      user = await services.users.getUser(ctx, upn);
      await services.directory.updateUser(ctx, user.id, { passwordProfile: { password } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      created = true;
      user = await services.directory.createUser(ctx, {
        accountEnabled: true,
        displayName: props.displayName,
        mailNickname: upn.split('@')[0] ?? upn,
        userPrincipalName: upn,
        mail: upn,
        jobTitle: props.jobTitle,
        department: props.department,
        passwordProfile: { password },
      });
    }
    return { user, password };
  };

  const admin = await ensureUser(`admin@${domain}`, {
    displayName: 'Adele Admin',
    jobTitle: 'IT administrator',
    department: 'IT',
  });
  const owner = await ensureUser(`megan@${domain}`, {
    displayName: 'Megan Bowen',
    jobTitle: 'Finance manager',
    department: 'Finance',
  });
  const hasRole = async (userId: string, roleId: string) => (await services.roles.roleIdsOf(tenant.id, userId)).includes(roleId);
  if (!(await hasRole(admin.user.id, RoleIds.globalAdministrator))) {
    await services.directory.assignRole(ctx, { principalId: admin.user.id, roleDefinitionId: RoleIds.globalAdministrator });
  }
  if (!(await hasRole(owner.user.id, RoleIds.guestInviter))) {
    await services.directory.assignRole(ctx, { principalId: owner.user.id, roleDefinitionId: RoleIds.guestInviter });
  }

  // Seed step: "Owners can manage group membership requests in My Groups" = Yes.
  await services.policies.updateGroupManagementPolicy(ctx, { selfServiceGroupManagementEnabled: true });

  const existingGroup = (
    await services.groups.listGroups(
      ctx,
      parseODataQuery({ $filter: `displayName eq '${DEMO_GROUP_NAME}'`, $top: '1' }, groupsResource),
    )
  ).items[0];
  const group =
    existingGroup ??
    (await services.groups.createGroup(ctx, {
      displayName: DEMO_GROUP_NAME,
      description: 'Partners who may use the Expenses app. Owners invite guests from My Apps → Groups.',
      mailEnabled: false,
      mailNickname: 'expenses-app-guests',
      securityEnabled: true,
      'owners@odata.bind': [`${GRAPH_USERS}${owner.user.id}`],
    }));
  if (!existingGroup) created = true;

  const ids = demoSpIdentifiers(publicUrl);
  let sp = await services.applications.findByServicePrincipalName(tenant.id, ids.entityId);
  if (!sp) {
    created = true;
    sp = await services.applications.createServicePrincipal(ctx, {
      displayName: DEMO_APP_NAME,
      description: 'Demo partner application (a SAML service provider served by Portico under /demo/expenses).',
      preferredSingleSignOnMode: 'saml',
      servicePrincipalNames: [ids.entityId],
      replyUrls: [ids.acs],
      homepage: ids.home,
      loginUrl: ids.home,
      appRoleAssignmentRequired: true,
      samlSettings: { nameIdFormat: 'emailAddress' },
      selfServiceAccess: { enabled: true, groupId: group.id, requireApproval: true, approverIds: [owner.user.id] },
    });
  }
  const assigned = new Set(
    (
      await services.appRoleAssignments.listAppRoleAssignedTo(
        ctx,
        sp.id,
        parseODataQuery({ $top: '999' }, appRoleAssignmentsResource),
      )
    ).items.map((a) => a.principalId),
  );
  const zero = '00000000-0000-0000-0000-000000000000';
  for (const principalId of [group.id, owner.user.id]) {
    if (assigned.has(principalId)) continue;
    await services.appRoleAssignments.assignToServicePrincipal(ctx, sp.id, { principalId, resourceId: sp.id, appRoleId: zero });
  }
  return {
    accounts: [
      {
        displayName: admin.user.displayName,
        userPrincipalName: admin.user.userPrincipalName,
        password: admin.password,
        role: 'Global Administrator',
      },
      {
        displayName: owner.user.displayName,
        userPrincipalName: owner.user.userPrincipalName,
        password: owner.password,
        role: `owner of "${DEMO_GROUP_NAME}", Guest Inviter`,
      },
    ],
    groupId: group.id,
    servicePrincipal: sp,
    created,
  };
}
