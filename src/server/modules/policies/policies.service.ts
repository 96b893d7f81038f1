import { z } from 'zod';
import type { Executor } from '../../db/index.js';
import { type AllowInvitesFrom, authorize, GuestRoleIds, type PolicyFacts } from '../../domain/authorization.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { badRequest, denied } from '../../domain/errors.js';
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

/**
 * Collaboration restrictions (entra-behaviour.md §4.3), shaped like Graph's beta
 * `b2bManagementPolicy`: `definition` holds one JSON string with
 * `B2BManagementPolicy.InvitationsAllowedAndBlockedDomainsPolicy.{AllowedDomains|BlockedDomains}`.
 * One list type at a time; a listed domain also covers its sub-domains.
 */
export interface B2bManagementPolicy {
  id: 'default';
  displayName: string;
  description: string;
  isOrganizationDefault: true;
  definition: string[];
  /** Portico's readable view of the same setting. */
  invitationDomains: { mode: 'allowAll' | 'allowList' | 'denyList'; domains: string[] };
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const domainList = z.array(z.string().trim().toLowerCase().regex(DOMAIN, 'must be a domain name such as contoso.com')).max(2000);

export const b2bPolicyPatch = z
  .object({
    displayName: z.string().max(256).optional(),
    description: z.string().max(1024).optional(),
    definition: z.array(z.string().max(25_000)).max(1).optional(),
    invitationDomains: z
      .object({ mode: z.enum(['allowAll', 'allowList', 'denyList']), domains: domainList.default([]) })
      .strict()
      .optional(),
    '@odata.type': z.string().optional(),
  })
  .strict();
export type B2bPolicyPatch = z.infer<typeof b2bPolicyPatch>;

type DomainSetting = B2bManagementPolicy['invitationDomains'];

function parseDefinition(def: string): DomainSetting {
  let parsed: unknown;
  try {
    parsed = JSON.parse(def);
  } catch {
    throw badRequest('definition must contain a JSON document.', 'definition');
  }
  const p = (parsed as { B2BManagementPolicy?: { InvitationsAllowedAndBlockedDomainsPolicy?: unknown } })?.B2BManagementPolicy
    ?.InvitationsAllowedAndBlockedDomainsPolicy as { AllowedDomains?: unknown; BlockedDomains?: unknown } | undefined;
  if (!p) return { mode: 'allowAll', domains: [] };
  const allowed = p.AllowedDomains === undefined ? undefined : domainList.safeParse(p.AllowedDomains);
  const blocked = p.BlockedDomains === undefined ? undefined : domainList.safeParse(p.BlockedDomains);
  if ((allowed && !allowed.success) || (blocked && !blocked.success)) {
    throw badRequest('AllowedDomains and BlockedDomains must be lists of domain names.', 'definition');
  }
  const a = allowed?.data ?? [];
  const b = blocked?.data ?? [];
  if (a.length && b.length) {
    throw badRequest('Use either AllowedDomains or BlockedDomains, not both: one list type applies at a time.', 'definition');
  }
  if (p.AllowedDomains !== undefined && b.length === 0) return { mode: 'allowList', domains: [...new Set(a)] };
  if (b.length) return { mode: 'denyList', domains: [...new Set(b)] };
  return { mode: 'allowAll', domains: [] };
}

const toDefinition = (d: DomainSetting): string =>
  JSON.stringify({
    B2BManagementPolicy: {
      InvitationsAllowedAndBlockedDomainsPolicy:
        d.mode === 'allowList' ? { AllowedDomains: d.domains } : d.mode === 'denyList' ? { BlockedDomains: d.domains } : {},
    },
  });

/** Does a listed domain cover the address's domain (itself or a sub-domain)? */
const covers = (listed: string, domain: string) => domain === listed || domain.endsWith(`.${listed}`);

/** Whether invitations to `email` are allowed by the setting; the message says why not. */
export function domainDecision(setting: DomainSetting, email: string): { allowed: true } | { allowed: false; reason: string } {
  const domain = (email.split('@')[1] ?? '').toLowerCase();
  if (setting.mode === 'allowAll') return { allowed: true };
  const listed = setting.domains.some((d) => covers(d, domain));
  if (setting.mode === 'denyList' ? !listed : listed) return { allowed: true };
  return {
    allowed: false,
    reason: `Invitations to the domain '${domain}' are blocked by your organization's collaboration restrictions.`,
  };
}

const AUTHZ = 'authorizationPolicy';
const B2B = 'b2bManagementPolicy';
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

  async function readB2b(db: Executor, tenantId: string): Promise<B2bManagementPolicy> {
    const stored = await load<{ displayName?: string; description?: string; invitationDomains?: DomainSetting }>(
      db,
      tenantId,
      B2B,
    );
    const invitationDomains = stored?.invitationDomains ?? { mode: 'allowAll' as const, domains: [] };
    return {
      id: 'default',
      displayName: stored?.displayName ?? 'B2B management policy',
      description: stored?.description ?? 'Collaboration restrictions: domains invitations may be sent to.',
      isOrganizationDefault: true,
      definition: [toDefinition(invitationDomains)],
      invitationDomains,
    };
  }

  const service = {
    /** Internal: is inviting this address allowed by the collaboration restrictions? */
    async invitationDomainDecision(tenantId: string, email: string, db: Executor = deps.db) {
      return domainDecision((await readB2b(db, tenantId)).invitationDomains, email);
    },

    /** GET /policies/b2bManagementPolicies/default. */
    async getB2bManagementPolicy(ctx: OperationContext): Promise<B2bManagementPolicy> {
      const decision = authorize(ctx.caller, 'b2bPolicy.read', await service.policyFacts(ctx.caller.tenantId));
      if (!decision.allowed) throw denied(decision.reason);
      return readB2b(deps.db, ctx.caller.tenantId);
    },

    /**
     * PATCH /policies/b2bManagementPolicies/default with `definition` (Graph form) or
     * `invitationDomains` (Portico form). Switching list type discards the other list, as in Entra.
     */
    async updateB2bManagementPolicy(ctx: OperationContext, patch: B2bPolicyPatch): Promise<void> {
      const tenantId = ctx.caller.tenantId;
      const decision = authorize(ctx.caller, 'b2bPolicy.update', await service.policyFacts(tenantId));
      if (!decision.allowed) throw denied(decision.reason);
      if (patch.definition && patch.invitationDomains) {
        throw badRequest('Send either definition or invitationDomains, not both.');
      }
      let domains: DomainSetting | undefined = patch.invitationDomains
        ? { mode: patch.invitationDomains.mode, domains: [...new Set(patch.invitationDomains.domains)] }
        : patch.definition?.[0] !== undefined
          ? parseDefinition(patch.definition[0])
          : undefined;
      if (domains && domains.mode === 'allowAll') domains = { mode: 'allowAll', domains: [] };
      if (domains && domains.mode !== 'allowAll' && domains.domains.length === 0) {
        throw badRequest('Add at least one domain to the list, or choose to allow invitations to any domain.');
      }
      await deps.db.transaction().execute(async (trx) => {
        const before = await readB2b(trx, tenantId);
        const after = {
          displayName: patch.displayName ?? before.displayName,
          description: patch.description ?? before.description,
          invitationDomains: domains ?? before.invitationDomains,
        };
        if (JSON.stringify(after).length > 25_000) throw badRequest('The policy is larger than 25,000 characters.');
        await save(trx, tenantId, B2B, after);
        await deps.audit.record(trx, ctx, {
          activityDisplayName: 'Update policy',
          category: 'Policy',
          operationType: 'Update',
          targetResources: [
            {
              id: 'b2bManagementPolicy',
              displayName: after.displayName,
              type: 'Policy',
              modifiedProperties: diff(before.invitationDomains, after.invitationDomains),
            },
          ],
        });
      });
    },

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
