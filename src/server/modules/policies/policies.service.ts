import { z } from 'zod';
import type { Executor } from '../../db/index.js';
import { type AllowInvitesFrom, authorize, GuestRoleIds, type PolicyFacts } from '../../domain/authorization.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { denied } from '../../domain/errors.js';
import type { AuditService } from '../audit/audit.service.js';

/** `authorizationPolicy` as Graph returns it (GD authorizationpolicy.md). */
export interface AuthorizationPolicy {
  id: 'authorizationPolicy';
  displayName: string;
  description: string;
  allowInvitesFrom: AllowInvitesFrom;
  allowedToSignUpEmailBasedSubscriptions: boolean;
  allowedToUseSSPR: boolean;
  allowEmailVerifiedUsersToJoinOrganization: boolean;
  blockMsolPowerShell: boolean;
  guestUserRoleId: string;
  defaultUserRolePermissions: {
    allowedToCreateApps: boolean;
    allowedToCreateSecurityGroups: boolean;
    allowedToCreateTenants: boolean;
    allowedToReadBitlockerKeysForOwnedDevice: boolean;
    allowedToReadOtherUsers: boolean;
    permissionGrantPoliciesAssigned: string[];
  };
}

/**
 * Self-service group management settings (Entra: Groups → General). Entra has no public API for
 * them; this resource is Portico's own, documented in the OpenAPI document.
 */
export interface GroupManagementPolicy {
  id: 'groupManagementPolicy';
  /** "Owners can manage group membership requests in My Groups". */
  selfServiceGroupManagementEnabled: boolean;
  /** "Restrict user ability to access groups features in My Groups" (non-admins). */
  restrictGroupsFeaturesInMyGroups: boolean;
  /** "Users can create security groups" — the same value as authorizationPolicy.defaultUserRolePermissions.allowedToCreateSecurityGroups. */
  usersCanCreateSecurityGroups: boolean;
  /** "Users can create Microsoft 365 groups". */
  usersCanCreateMicrosoft365Groups: boolean;
}

const AUTHZ = 'authorizationPolicy';
const GROUPS = 'groupManagementPolicy';

export const defaultAuthorizationPolicy = (): AuthorizationPolicy => ({
  id: 'authorizationPolicy',
  displayName: 'Authorization Policy',
  description: 'Used to manage authorization related settings across the company.',
  allowInvitesFrom: 'adminsAndGuestInviters',
  allowedToSignUpEmailBasedSubscriptions: false,
  allowedToUseSSPR: true,
  allowEmailVerifiedUsersToJoinOrganization: false,
  blockMsolPowerShell: false,
  guestUserRoleId: GuestRoleIds.limited,
  defaultUserRolePermissions: {
    allowedToCreateApps: false,
    allowedToCreateSecurityGroups: true,
    allowedToCreateTenants: false,
    allowedToReadBitlockerKeysForOwnedDevice: true,
    allowedToReadOtherUsers: true,
    permissionGrantPoliciesAssigned: [],
  },
});

interface StoredGroupSettings {
  selfServiceGroupManagementEnabled: boolean;
  restrictGroupsFeaturesInMyGroups: boolean;
  usersCanCreateMicrosoft365Groups: boolean;
}

const defaultGroupSettings = (): StoredGroupSettings => ({
  selfServiceGroupManagementEnabled: false,
  restrictGroupsFeaturesInMyGroups: false,
  usersCanCreateMicrosoft365Groups: true,
});

export const authorizationPolicyPatch = z
  .object({
    displayName: z.string().min(1).max(256).optional(),
    description: z.string().max(1024).optional(),
    allowInvitesFrom: z.enum(['none', 'adminsAndGuestInviters', 'adminsGuestInvitersAndAllMembers', 'everyone']).optional(),
    allowedToSignUpEmailBasedSubscriptions: z.boolean().optional(),
    allowedToUseSSPR: z.boolean().optional(),
    allowEmailVerifiedUsersToJoinOrganization: z.boolean().optional(),
    blockMsolPowerShell: z.boolean().optional(),
    guestUserRoleId: z
      .enum([GuestRoleIds.member, GuestRoleIds.limited, GuestRoleIds.restricted], {
        message: `guestUserRoleId must be one of ${GuestRoleIds.member}, ${GuestRoleIds.limited}, ${GuestRoleIds.restricted}`,
      })
      .optional(),
    defaultUserRolePermissions: z
      .object({
        allowedToCreateApps: z.boolean().optional(),
        allowedToCreateSecurityGroups: z.boolean().optional(),
        allowedToCreateTenants: z.boolean().optional(),
        allowedToReadBitlockerKeysForOwnedDevice: z.boolean().optional(),
        allowedToReadOtherUsers: z.boolean().optional(),
        permissionGrantPoliciesAssigned: z.array(z.string().max(256)).max(50).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type AuthorizationPolicyPatch = z.infer<typeof authorizationPolicyPatch>;

export const groupManagementPolicyPatch = z
  .object({
    selfServiceGroupManagementEnabled: z.boolean().optional(),
    restrictGroupsFeaturesInMyGroups: z.boolean().optional(),
    usersCanCreateSecurityGroups: z.boolean().optional(),
    usersCanCreateMicrosoft365Groups: z.boolean().optional(),
  })
  .strict();
export type GroupManagementPolicyPatch = z.infer<typeof groupManagementPolicyPatch>;

export interface PoliciesDeps {
  db: Executor;
  clock: Clock;
  audit: AuditService;
}

const diff = (before: object, after: object, prefix = '') =>
  Object.keys(after).flatMap((k): { displayName: string; oldValue: string | null; newValue: string | null }[] => {
    const a = (before as Record<string, unknown>)[k];
    const b = (after as Record<string, unknown>)[k];
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a))
      return diff(a, b, `${prefix}${k}.`);
    return JSON.stringify(a) === JSON.stringify(b)
      ? []
      : [{ displayName: `${prefix}${k}`, oldValue: JSON.stringify(a ?? null), newValue: JSON.stringify(b ?? null) }];
  });

export function createPoliciesService(deps: PoliciesDeps) {
  async function load<T>(db: Executor, tenantId: string, name: string): Promise<T | undefined> {
    const row = await db
      .selectFrom('policies')
      .select('value')
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async function save(db: Executor, tenantId: string, name: string, value: unknown): Promise<void> {
    const now = deps.clock.now().toISOString();
    await db
      .insertInto('policies')
      .values({ tenant_id: tenantId, name, value: JSON.stringify(value), updated_date_time: now })
      .onConflict((oc) => oc.columns(['tenant_id', 'name']).doUpdateSet({ value: JSON.stringify(value), updated_date_time: now }))
      .execute();
  }

  async function readAuthorizationPolicy(db: Executor, tenantId: string): Promise<AuthorizationPolicy> {
    const stored = await load<Partial<AuthorizationPolicy>>(db, tenantId, AUTHZ);
    const d = defaultAuthorizationPolicy();
    return {
      ...d,
      ...stored,
      id: 'authorizationPolicy',
      defaultUserRolePermissions: { ...d.defaultUserRolePermissions, ...stored?.defaultUserRolePermissions },
    };
  }

  async function readGroupManagementPolicy(db: Executor, tenantId: string): Promise<GroupManagementPolicy> {
    const stored = { ...defaultGroupSettings(), ...(await load<Partial<StoredGroupSettings>>(db, tenantId, GROUPS)) };
    const authz = await readAuthorizationPolicy(db, tenantId);
    return {
      id: 'groupManagementPolicy',
      selfServiceGroupManagementEnabled: stored.selfServiceGroupManagementEnabled,
      restrictGroupsFeaturesInMyGroups: stored.restrictGroupsFeaturesInMyGroups,
      usersCanCreateSecurityGroups: authz.defaultUserRolePermissions.allowedToCreateSecurityGroups,
      usersCanCreateMicrosoft365Groups: stored.usersCanCreateMicrosoft365Groups,
    };
  }

  /**
   * Takes the row lock of each named policy document (creating the row when missing) so that a
   * read-modify-write inside the transaction cannot lose a concurrent update. Always lock in the
   * same order (authorization policy first) to stay deadlock-free.
   */
  async function lock(trx: Executor, tenantId: string, names: readonly string[]): Promise<void> {
    for (const name of names) {
      const now = deps.clock.now().toISOString();
      await trx
        .insertInto('policies')
        .values({ tenant_id: tenantId, name, value: '{}', updated_date_time: now })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'name']).doUpdateSet((eb) => ({ updated_date_time: eb.ref('policies.updated_date_time') })),
        )
        .execute();
    }
  }

  const service = {
    /** The facts the authorization module needs. No authorization: internal use by services. */
    async policyFacts(tenantId: string, db: Executor = deps.db): Promise<PolicyFacts> {
      const p = await readAuthorizationPolicy(db, tenantId);
      return {
        guestUserRoleId: p.guestUserRoleId,
        allowInvitesFrom: p.allowInvitesFrom,
        allowedToCreateSecurityGroups: p.defaultUserRolePermissions.allowedToCreateSecurityGroups,
      };
    },

    /** Internal read of the group-management settings (no authorization). */
    async groupSettings(tenantId: string, db: Executor = deps.db): Promise<GroupManagementPolicy> {
      return readGroupManagementPolicy(db, tenantId);
    },

    /** GET /policies/authorizationPolicy. */
    async getAuthorizationPolicy(ctx: OperationContext): Promise<AuthorizationPolicy> {
      const tenantId = ctx.caller.tenantId;
      const decision = authorize(ctx.caller, 'authorizationPolicy.read', await service.policyFacts(tenantId));
      if (!decision.allowed) throw denied(decision.reason);
      return readAuthorizationPolicy(deps.db, tenantId);
    },

    /** PATCH /policies/authorizationPolicy: one transaction with its audit record. */
    async updateAuthorizationPolicy(ctx: OperationContext, patch: AuthorizationPolicyPatch): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const decision = authorize(ctx.caller, 'authorizationPolicy.update', await service.policyFacts(tenantId));
      if (!decision.allowed) throw denied(decision.reason);
      await deps.db.transaction().execute(async (trx) => {
        await lock(trx, tenantId, [AUTHZ]);
        const before = await readAuthorizationPolicy(trx, tenantId);
        const after: AuthorizationPolicy = {
          ...before,
          ...patch,
          id: 'authorizationPolicy',
          defaultUserRolePermissions: { ...before.defaultUserRolePermissions, ...patch.defaultUserRolePermissions },
        } as AuthorizationPolicy;
        await save(trx, tenantId, AUTHZ, after);
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Update authorization policy',
          category: 'AuthorizationPolicy',
          operationType: 'Update',
          targetResources: [
            {
              id: 'authorizationPolicy',
              displayName: after.displayName,
              type: 'Policy',
              modifiedProperties: diff(before, after),
            },
          ],
        });
      });
    },

    /** GET /policies/groupManagementPolicy. */
    async getGroupManagementPolicy(ctx: OperationContext): Promise<GroupManagementPolicy> {
      const tenantId = ctx.caller.tenantId;
      const decision = authorize(ctx.caller, 'groupManagementPolicy.read', await service.policyFacts(tenantId));
      if (!decision.allowed) throw denied(decision.reason);
      return readGroupManagementPolicy(deps.db, tenantId);
    },

    /** PATCH /policies/groupManagementPolicy: one transaction with its audit record. */
    async updateGroupManagementPolicy(ctx: OperationContext, patch: GroupManagementPolicyPatch): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const decision = authorize(ctx.caller, 'groupManagementPolicy.update', await service.policyFacts(tenantId));
      if (!decision.allowed) throw denied(decision.reason);
      await deps.db.transaction().execute(async (trx) => {
        await lock(trx, tenantId, [AUTHZ, GROUPS]);
        const before = await readGroupManagementPolicy(trx, tenantId);
        const stored: StoredGroupSettings = {
          selfServiceGroupManagementEnabled: patch.selfServiceGroupManagementEnabled ?? before.selfServiceGroupManagementEnabled,
          restrictGroupsFeaturesInMyGroups: patch.restrictGroupsFeaturesInMyGroups ?? before.restrictGroupsFeaturesInMyGroups,
          usersCanCreateMicrosoft365Groups: patch.usersCanCreateMicrosoft365Groups ?? before.usersCanCreateMicrosoft365Groups,
        };
        await save(trx, tenantId, GROUPS, stored);
        if (patch.usersCanCreateSecurityGroups !== undefined) {
          const authz = await readAuthorizationPolicy(trx, tenantId);
          authz.defaultUserRolePermissions.allowedToCreateSecurityGroups = patch.usersCanCreateSecurityGroups;
          await save(trx, tenantId, AUTHZ, authz);
        }
        const after = await readGroupManagementPolicy(trx, tenantId);
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Update group settings',
          category: 'GroupManagement',
          operationType: 'Update',
          targetResources: [
            {
              id: 'groupManagementPolicy',
              displayName: 'Group management policy',
              type: 'Policy',
              modifiedProperties: diff(before, after),
            },
          ],
        });
      });
    },
  };
  return service;
}

export type PoliciesService = ReturnType<typeof createPoliciesService>;
