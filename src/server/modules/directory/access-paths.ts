import type {
  AccessActor,
  AccessPath,
  AccessVerdictReason,
  AssignmentInfo,
  MembershipOrigin,
  MembershipStep,
} from '../../../contracts/access-explanation.js';
import { DEFAULT_APP_ROLE_ID, type ServicePrincipal } from '../../../contracts/applications.js';
import type { Group } from '../../../contracts/groups.js';
import type { SignOnRefusal } from '../applications/sign-on.js';
import type { DirectoryAudit } from '../audit/audit.service.js';
import { isDynamic } from '../groups/group-rules.js';

/**
 * The pure half of "Why does this person have access?": walking the membership graph from a user
 * up to the groups assigned to an application, and telling in words how each link came to be
 * from the audit records of the requests that made it. No I/O.
 */

/** A direct membership (as groups.repository reads it). */
export interface Edge {
  groupId: string;
  memberId: string;
  createdDateTime: string;
}

/** An assignment of the application (as applications.repository reads it). */
export interface Assignment {
  appRoleId: string;
  principalId: string;
  principalType: string;
  createdDateTime: string;
}

/** Paths are reported up to this many, and this deep (membership cycles are refused on write). */
export const MAX_PATHS = 50;
const MAX_DEPTH = 16;

export const ADD_MEMBER = 'Add member to group';
export const ASSIGN_USER = 'Add app role assignment grant to user';
export const ASSIGN_GROUP = 'Add app role assignment to group';
const INVITES = [
  'Invite external user',
  'Invite external user with reset invitation status',
  'Invite internal user to B2B collaboration',
];
const APPROVE_JOIN = 'Approve a pending request to join a group';
const REQUEST_APP = 'Request access to an application';
const APPROVE_APP = 'Approve a pending request to access an application';
/** What else a request that added a member may have done: the reason it added them. */
export const ORIGIN_ACTIVITIES = [...INVITES, APPROVE_JOIN, REQUEST_APP, APPROVE_APP];

/**
 * Every simple path of memberships from `userId` to a group in `assigned` (member → group edges),
 * at most MAX_PATHS. A path may pass through one assigned group on its way to another.
 */
export function membershipPaths(userId: string, edges: readonly Edge[], assigned: ReadonlySet<string>): Edge[][] {
  const up = new Map<string, Edge[]>();
  for (const e of edges) up.set(e.memberId, [...(up.get(e.memberId) ?? []), e]);
  const out: Edge[][] = [];
  const walk = (node: string, path: Edge[], seen: Set<string>) => {
    if (out.length >= MAX_PATHS || path.length >= MAX_DEPTH) return;
    for (const e of up.get(node) ?? []) {
      if (seen.has(e.groupId)) continue;
      const next = [...path, e];
      if (assigned.has(e.groupId) && out.length < MAX_PATHS) out.push(next);
      seen.add(e.groupId);
      walk(e.groupId, next, seen);
      seen.delete(e.groupId);
    }
  };
  walk(userId, [], new Set([userId]));
  // Counting (one-step) paths first, then by length.
  return out.sort((a, b) => a.length - b.length);
}

const detail = (a: DirectoryAudit, key: string): string | null =>
  a.additionalDetails.find((d) => d.key.toLowerCase() === key.toLowerCase())?.value ?? null;

export const actorOf = (a: DirectoryAudit): AccessActor | null => {
  const u = a.initiatedBy.user;
  if (u) return { id: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName };
  const app = a.initiatedBy.app;
  return app ? { id: null, displayName: app.displayName } : null;
};

/** The reason a request that added a member did so, from the other records it wrote. */
function originFromSiblings(
  memberId: string,
  siblings: readonly DirectoryAudit[],
): Pick<MembershipStep, 'origin' | 'by' | 'requestId' | 'invitationId' | 'justification'> | undefined {
  const mine = siblings.filter((s) => s.targetResources.some((t) => t.id === memberId));
  const pick = (names: readonly string[]) => mine.find((s) => names.includes(s.activityDisplayName));
  const invite = pick(INVITES);
  if (invite) return { origin: 'invitation', by: actorOf(invite), invitationId: detail(invite, 'invitationId') };
  const join = pick([APPROVE_JOIN]);
  if (join) {
    return {
      origin: 'joinRequest',
      by: actorOf(join),
      requestId: detail(join, 'RequestId'),
      justification: detail(join, 'Justification'),
    };
  }
  const app = pick([APPROVE_APP]) ?? pick([REQUEST_APP]);
  if (app) {
    // Granted at once (no approval needed): the requester's own request is the record; nobody decided.
    const approved = app.activityDisplayName === APPROVE_APP;
    return {
      origin: 'accessRequest',
      by: approved ? actorOf(app) : null,
      requestId: detail(app, 'RequestId'),
      justification: detail(app, 'Justification'),
    };
  }
  return undefined;
}

/** How `edge` came to be: the rule of a dynamic group, else the latest "Add member to group" and its request. */
export function describeMembership(
  edge: Edge,
  group: Group | undefined,
  memberDisplayName: string | null,
  added: DirectoryAudit | undefined,
  siblingsOf: (correlationId: string) => readonly DirectoryAudit[],
): MembershipStep {
  const base = {
    memberId: edge.memberId,
    memberDisplayName,
    group: {
      id: edge.groupId,
      displayName: group?.displayName ?? edge.groupId,
      membershipType: group && isDynamic(group) ? ('dynamic' as const) : ('assigned' as const),
    },
    dateTime: added?.activityDateTime ?? edge.createdDateTime,
  };
  if (group && isDynamic(group)) {
    return {
      ...base,
      origin: 'dynamicRule',
      by: { id: null, displayName: 'Dynamic membership rules' },
      membershipRule: group.membershipRule,
    };
  }
  if (!added) return { ...base, origin: 'unknown', by: null };
  const why = originFromSiblings(edge.memberId, siblingsOf(added.correlationId));
  if (why) return { ...base, ...why };
  const by = actorOf(added);
  const origin: MembershipOrigin = by?.id === edge.memberId ? 'joined' : 'added';
  return { ...base, origin, by };
}

/** The assignment's role and who made it (the latest matching audit record). */
export function describeAssignment(sp: ServicePrincipal, a: Assignment, audits: readonly DirectoryAudit[]): AssignmentInfo {
  const role = sp.appRoles.find((r) => r.id === a.appRoleId);
  const record = audits.find((x) =>
    x.targetResources.some((t) =>
      t.modifiedProperties.some((p) => p.displayName === 'AppRole.Id' && p.newValue === JSON.stringify(a.appRoleId)),
    ),
  );
  return {
    assignmentPrincipalId: a.principalId,
    appRoleId: a.appRoleId,
    appRoleDisplayName: a.appRoleId === DEFAULT_APP_ROLE_ID ? 'Default Access' : (role?.displayName ?? a.appRoleId),
    appRoleValue: role?.value ?? null,
    assignedDateTime: record?.activityDateTime ?? a.createdDateTime,
    assignedBy: record ? actorOf(record) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Words

const day = (iso: string) => iso.slice(0, 10);
const byWhom = (a: AccessActor | null) => (a?.displayName ? ` by ${a.displayName}` : '');

/** One membership in words: "added by Olive on 2026-12-07", "approved join request"… */
export function membershipWords(s: MembershipStep): string {
  const when = ` on ${day(s.dateTime)}`;
  switch (s.origin) {
    case 'dynamicRule':
      return `selected by the group's dynamic membership rule (${s.membershipRule ?? ''})`;
    case 'joined':
      return `joined the open group themselves${when}`;
    case 'joinRequest':
      return `request to join approved${byWhom(s.by)}${when}`;
    case 'accessRequest':
      return s.by
        ? `access request approved${byWhom(s.by)}${when}`
        : `access request granted at once (no approval needed)${when}`;
    case 'invitation':
      return `invited as a guest into the group${byWhom(s.by)}${when}`;
    case 'added':
      return `added${byWhom(s.by)}${when}`;
    case 'unknown':
      return `member since ${day(s.dateTime)} (no record of who added them)`;
  }
}

export function pathWords(p: AccessPath): string {
  const role = `${p.appRoleDisplayName}, assigned on ${day(p.assignedDateTime)}${byWhom(p.assignedBy)}`;
  if (p.kind === 'direct') return `Assigned directly (${role}).`;
  const [first, ...rest] = p.memberships;
  if (!first) return '';
  const own = `Member of ${first.group.displayName} (${membershipWords(first)})`;
  if (rest.length === 0) return `${own}, which is assigned (${role}).`;
  const chain = rest.map((s) => `${s.group.displayName} (${membershipWords(s)})`).join(', which is in ');
  return `${own}, which is in ${chain}, which is assigned (${role}). This path does not count: only direct members of an assigned group get access, nested groups do not pass it on.`;
}

const REFUSALS: Record<Exclude<SignOnRefusal, 'application_not_found'>, AccessVerdictReason> = {
  application_disabled: 'applicationDisabled',
  user_disabled: 'userDisabled',
  invitation_pending: 'invitationPending',
  not_assigned: 'notAssigned',
};

/** The verdict's reason: the sign-in decision's refusal, or how it allows. */
export function verdictReason(refusal: SignOnRefusal | undefined, counting: boolean): AccessVerdictReason {
  if (refusal === undefined) return counting ? 'assigned' : 'assignmentNotRequired';
  return refusal === 'application_not_found' ? 'notAssigned' : REFUSALS[refusal];
}

export function verdictWords(
  reason: AccessVerdictReason,
  userName: string,
  appName: string,
  paths: readonly AccessPath[],
): string {
  const first = paths.find((p) => p.counts);
  switch (reason) {
    case 'assigned':
      return first?.kind === 'group'
        ? `${userName} can sign in to ${appName}: they are a direct member of ${first.groupDisplayName}, which is assigned to it.`
        : `${userName} can sign in to ${appName}: they are assigned to it directly.`;
    case 'assignmentNotRequired':
      return `${userName} can sign in to ${appName}: it does not require assignment, so every enabled account of the organization can.`;
    case 'notAssigned':
      return paths.length
        ? `${userName} cannot sign in to ${appName}: it requires assignment, and ${userName} reaches it only through nested groups, which do not count.`
        : `${userName} cannot sign in to ${appName}: it requires assignment, and ${userName} is not assigned, directly or as a member of an assigned group.`;
    case 'applicationDisabled':
      return `Nobody can sign in to ${appName}: the application is disabled.`;
    case 'userDisabled':
      return `${userName} cannot sign in: their account is disabled.`;
    case 'invitationPending':
      return `${userName} cannot sign in yet: they have not accepted their invitation.`;
  }
}
