import {
  type AuthorizationPolicy,
  type AuthorizationPolicyPatch,
  type B2bManagementPolicy,
  type B2bPolicyPatch,
  domainList,
  type GroupManagementPolicy,
  type GroupManagementPolicyPatch,
} from '../../../contracts/policies.js';
import type { Executor } from '../../db/index.js';
import { GuestRoleIds, type PolicyFacts } from '../../domain/authorization.js';
import type { Clock } from '../../domain/clock.js';
import type { OperationContext } from '../../domain/context.js';
import { invalid } from '../../domain/errors.js';
import { Access } from '../access/access.js';
import type { AuditService } from '../audit/audit.service.js';
import { findPolicyDocument, lockPolicyDocuments, savePolicyDocument } from './policies.repository.js';

export type {
  AuthorizationPolicy,
  AuthorizationPolicyPatch,
  B2bManagementPolicy,
  B2bPolicyPatch,
  GroupManagementPolicy,
  GroupManagementPolicyPatch,
} from '../../../contracts/policies.js';

type DomainSetting = B2bManagementPolicy['invitationDomains'];

function parseDefinition(def: string): DomainSetting {
  let parsed: unknown;
  try {
    parsed = JSON.parse(def);
  } catch {
    throw invalid('b2b_policy_definition_invalid', 'definition must contain a JSON document.', 'definition');
  }
  const p = (parsed as { B2BManagementPolicy?: { InvitationsAllowedAndBlockedDomainsPolicy?: unknown } })?.B2BManagementPolicy
    ?.InvitationsAllowedAndBlockedDomainsPolicy as { AllowedDomains?: unknown; BlockedDomains?: unknown } | undefined;
  if (!p) return { mode: 'allowAll', domains: [] };
  const allowed = p.AllowedDomains === undefined ? undefined : domainList.safeParse(p.AllowedDomains);
  const blocked = p.BlockedDomains === undefined ? undefined : domainList.safeParse(p.BlockedDomains);
  if ((allowed && !allowed.success) || (blocked && !blocked.success)) {
    throw invalid(
      'b2b_policy_definition_invalid',
      'AllowedDomains and BlockedDomains must be lists of domain names.',
      'definition',
    );
  }
  const a = allowed?.data ?? [];
  const b = blocked?.data ?? [];
  if (a.length && b.length) {
    throw invalid('b2b_policy_conflicting_lists', undefined, 'definition');
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

/**
 * Whether an invitation may send the guest to `url` after redemption: Portico's own origin always;
 * otherwise any host when the list is empty (Graph), else a listed host (`*.contoso.com` covers
 * the sub-domains of contoso.com). The message says why not.
 */
function redirectDecision(
  allowedHosts: readonly string[],
  url: string,
  ownOrigin: string,
): { allowed: true } | { allowed: false; reason: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { allowed: false, reason: 'The redirect URL is not a valid URL.' };
  }
  if (parsed.origin === new URL(ownOrigin).origin || allowedHosts.length === 0) return { allowed: true };
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  const listed = allowedHosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : host === h));
  if (listed) return { allowed: true };
  return {
    allowed: false,
    reason: `The redirect URL's host '${host}' is not one of the hosts your organization allows invitations to redirect to.`,
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

/** How long another instance's policy change can take to reach this process's authorization decisions. */
const POLICY_FACTS_TTL_MS = 2000;

export interface PoliciesDeps {
  db: Executor;
  clock: Clock;
  audit: AuditService;
}

/**
 * Tenant policies: Graph's authorizationPolicy, Portico's groupManagementPolicy (Entra's Groups →
 * General settings) and the collaboration restrictions (b2bManagementPolicy). Also the source of
 * the policy facts every authorization decision needs (`access`).
 */
export class PoliciesService {
  /** The shared authorization step, built on this service's policy facts. */
  readonly access: Access;

  private readonly factsCache = new Map<string, { at: number; facts: Promise<PolicyFacts> }>();

  constructor(private readonly deps: PoliciesDeps) {
    this.access = new Access((tenantId) => this.policyFacts(tenantId));
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private async readAuthorizationPolicy(db: Executor, tenantId: string): Promise<AuthorizationPolicy> {
    const stored = await findPolicyDocument<Partial<AuthorizationPolicy>>(db, tenantId, AUTHZ);
    const d = defaultAuthorizationPolicy();
    return {
      ...d,
      ...stored,
      id: 'authorizationPolicy',
      defaultUserRolePermissions: { ...d.defaultUserRolePermissions, ...stored?.defaultUserRolePermissions },
    };
  }

  private async readGroupManagementPolicy(db: Executor, tenantId: string): Promise<GroupManagementPolicy> {
    const stored = {
      ...defaultGroupSettings(),
      ...(await findPolicyDocument<Partial<StoredGroupSettings>>(db, tenantId, GROUPS)),
    };
    const authz = await this.readAuthorizationPolicy(db, tenantId);
    return {
      id: 'groupManagementPolicy',
      selfServiceGroupManagementEnabled: stored.selfServiceGroupManagementEnabled,
      restrictGroupsFeaturesInMyGroups: stored.restrictGroupsFeaturesInMyGroups,
      usersCanCreateSecurityGroups: authz.defaultUserRolePermissions.allowedToCreateSecurityGroups,
      usersCanCreateMicrosoft365Groups: stored.usersCanCreateMicrosoft365Groups,
    };
  }

  private async readB2b(db: Executor, tenantId: string): Promise<B2bManagementPolicy> {
    const stored = await findPolicyDocument<{
      displayName?: string;
      description?: string;
      invitationDomains?: DomainSetting;
      allowedRedirectHosts?: string[];
    }>(db, tenantId, B2B);
    const invitationDomains = stored?.invitationDomains ?? { mode: 'allowAll' as const, domains: [] };
    return {
      id: 'default',
      displayName: stored?.displayName ?? 'B2B management policy',
      description: stored?.description ?? 'Collaboration restrictions: domains invitations may be sent to.',
      isOrganizationDefault: true,
      definition: [toDefinition(invitationDomains)],
      invitationDomains,
      allowedRedirectHosts: stored?.allowedRedirectHosts ?? [],
    };
  }

  /** Internal: is inviting this address allowed by the collaboration restrictions? */
  async invitationDomainDecision(tenantId: string, email: string, db: Executor = this.deps.db) {
    return domainDecision((await this.readB2b(db, tenantId)).invitationDomains, email);
  }

  /**
   * Internal: may an invitation redirect to `url` after redemption (`allowedRedirectHosts`;
   * `ownOrigin`, Portico's public URL, always may)?
   */
  async invitationRedirectDecision(tenantId: string, url: string, ownOrigin: string, db: Executor = this.deps.db) {
    return redirectDecision((await this.readB2b(db, tenantId)).allowedRedirectHosts, url, ownOrigin);
  }

  /**
   * The facts the authorization module needs. No authorization: internal use by services. Read on
   * almost every authorized action, so outside a transaction they come from a per-process cache:
   * this process's own policy writes drop it at once, another instance's are seen within
   * {@link POLICY_FACTS_TTL_MS} (as revoked grants are). Inside a transaction (`db` given) they are
   * read from the database, consistent with the rest of the transaction.
   */
  async policyFacts(tenantId: string, db: Executor = this.deps.db): Promise<PolicyFacts> {
    if (db !== this.deps.db) return this.readPolicyFacts(db, tenantId);
    const cached = this.factsCache.get(tenantId);
    if (cached && performance.now() - cached.at < POLICY_FACTS_TTL_MS) return cached.facts;
    const facts = this.readPolicyFacts(db, tenantId);
    this.factsCache.set(tenantId, { at: performance.now(), facts });
    facts.catch(() => this.factsCache.delete(tenantId));
    return facts;
  }

  private async readPolicyFacts(db: Executor, tenantId: string): Promise<PolicyFacts> {
    const p = await this.readAuthorizationPolicy(db, tenantId);
    return {
      guestUserRoleId: p.guestUserRoleId,
      allowInvitesFrom: p.allowInvitesFrom,
      allowedToCreateSecurityGroups: p.defaultUserRolePermissions.allowedToCreateSecurityGroups,
    };
  }

  /** Internal read of the group-management settings (no authorization). */
  groupSettings(tenantId: string, db: Executor = this.deps.db): Promise<GroupManagementPolicy> {
    return this.readGroupManagementPolicy(db, tenantId);
  }

  /** GET /policies/b2bManagementPolicies/default. */
  async getB2bManagementPolicy(ctx: OperationContext): Promise<B2bManagementPolicy> {
    await this.access.require(ctx, 'b2bPolicy.read');
    return this.readB2b(this.deps.db, ctx.caller.tenantId);
  }

  /**
   * PATCH /policies/b2bManagementPolicies/default with `definition` (Graph form) or
   * `invitationDomains` (Portico form), and/or `allowedRedirectHosts` (Portico extension).
   * Switching list type discards the other list, as in Entra. Global Administrators; one
   * transaction with "Update policy".
   */
  async updateB2bManagementPolicy(ctx: OperationContext, patch: B2bPolicyPatch): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    await this.access.require(ctx, 'b2bPolicy.update');
    if (patch.definition && patch.invitationDomains) throw invalid('b2b_policy_conflicting_forms');
    let domains: DomainSetting | undefined = patch.invitationDomains
      ? { mode: patch.invitationDomains.mode, domains: [...new Set(patch.invitationDomains.domains)] }
      : patch.definition?.[0] !== undefined
        ? parseDefinition(patch.definition[0])
        : undefined;
    if (domains && domains.mode === 'allowAll') domains = { mode: 'allowAll', domains: [] };
    if (domains && domains.mode !== 'allowAll' && domains.domains.length === 0) throw invalid('b2b_policy_domain_list_empty');
    await this.writeDocuments(tenantId, [B2B], async (trx) => {
      const before = await this.readB2b(trx, tenantId);
      const after = {
        displayName: patch.displayName ?? before.displayName,
        description: patch.description ?? before.description,
        invitationDomains: domains ?? before.invitationDomains,
        allowedRedirectHosts: patch.allowedRedirectHosts ?? before.allowedRedirectHosts,
      };
      if (JSON.stringify(after).length > 25_000) throw invalid('b2b_policy_too_large');
      await savePolicyDocument(trx, tenantId, B2B, after, this.now());
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Update policy',
        category: 'Policy',
        operationType: 'Update',
        targetResources: [
          {
            id: 'b2bManagementPolicy',
            displayName: after.displayName,
            type: 'Policy',
            modifiedProperties: [
              ...diff(before.invitationDomains, after.invitationDomains),
              ...diff(
                { allowedRedirectHosts: before.allowedRedirectHosts },
                { allowedRedirectHosts: after.allowedRedirectHosts },
              ),
            ],
          },
        ],
      });
    });
  }

  /** GET /policies/authorizationPolicy. */
  async getAuthorizationPolicy(ctx: OperationContext): Promise<AuthorizationPolicy> {
    await this.access.require(ctx, 'authorizationPolicy.read');
    return this.readAuthorizationPolicy(this.deps.db, ctx.caller.tenantId);
  }

  /** PATCH /policies/authorizationPolicy: one transaction with its audit record. */
  async updateAuthorizationPolicy(ctx: OperationContext, patch: AuthorizationPolicyPatch): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    await this.access.require(ctx, 'authorizationPolicy.update');
    await this.writeDocuments(tenantId, [AUTHZ], async (trx) => {
      const before = await this.readAuthorizationPolicy(trx, tenantId);
      const after: AuthorizationPolicy = {
        ...before,
        ...patch,
        id: 'authorizationPolicy',
        defaultUserRolePermissions: { ...before.defaultUserRolePermissions, ...patch.defaultUserRolePermissions },
      } as AuthorizationPolicy;
      await savePolicyDocument(trx, tenantId, AUTHZ, after, this.now());
      await this.deps.audit.record(trx, ctx, {
        activityDisplayName: 'Update authorization policy',
        category: 'AuthorizationPolicy',
        operationType: 'Update',
        targetResources: [
          { id: 'authorizationPolicy', displayName: after.displayName, type: 'Policy', modifiedProperties: diff(before, after) },
        ],
      });
    });
  }

  /** GET /policies/groupManagementPolicy. */
  async getGroupManagementPolicy(ctx: OperationContext): Promise<GroupManagementPolicy> {
    await this.access.require(ctx, 'groupManagementPolicy.read');
    return this.readGroupManagementPolicy(this.deps.db, ctx.caller.tenantId);
  }

  /** PATCH /policies/groupManagementPolicy: one transaction with its audit record. */
  async updateGroupManagementPolicy(ctx: OperationContext, patch: GroupManagementPolicyPatch): Promise<void> {
    const tenantId = ctx.caller.tenantId;
    await this.access.require(ctx, 'groupManagementPolicy.update');
    await this.writeDocuments(tenantId, [AUTHZ, GROUPS], async (trx) => {
      const before = await this.readGroupManagementPolicy(trx, tenantId);
      const stored: StoredGroupSettings = {
        selfServiceGroupManagementEnabled: patch.selfServiceGroupManagementEnabled ?? before.selfServiceGroupManagementEnabled,
        restrictGroupsFeaturesInMyGroups: patch.restrictGroupsFeaturesInMyGroups ?? before.restrictGroupsFeaturesInMyGroups,
        usersCanCreateMicrosoft365Groups: patch.usersCanCreateMicrosoft365Groups ?? before.usersCanCreateMicrosoft365Groups,
      };
      await savePolicyDocument(trx, tenantId, GROUPS, stored, this.now());
      if (patch.usersCanCreateSecurityGroups !== undefined) {
        const authz = await this.readAuthorizationPolicy(trx, tenantId);
        authz.defaultUserRolePermissions.allowedToCreateSecurityGroups = patch.usersCanCreateSecurityGroups;
        await savePolicyDocument(trx, tenantId, AUTHZ, authz, this.now());
      }
      const after = await this.readGroupManagementPolicy(trx, tenantId);
      await this.deps.audit.record(trx, ctx, {
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
  }

  /**
   * One transaction over the locked documents `names` of the tenant. The cached policy facts are
   * dropped before and after: a read racing with the write cannot keep the old facts.
   */
  private async writeDocuments(
    tenantId: string,
    names: readonly string[],
    write: (trx: Executor) => Promise<void>,
  ): Promise<void> {
    this.factsCache.delete(tenantId);
    await this.deps.db.transaction().execute(async (trx) => {
      await lockPolicyDocuments(trx, tenantId, names, this.now());
      await write(trx);
    });
    this.factsCache.delete(tenantId);
  }
}
