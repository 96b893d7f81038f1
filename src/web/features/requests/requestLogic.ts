/** Pure helpers of the self-service pages: requests, join policies, approvals (tested in requestLogic.test.ts). */
import type { Group, GroupJoinPolicy } from '../../../contracts/groups';
import type {
  AppAccessRequestStatus,
  GroupJoinRequestStatus,
  PendingApprovals,
  RequestableApp,
} from '../../../contracts/requests';
import { REQUEST_LIMITS } from '../../../contracts/requests';

export { REQUEST_LIMITS };

type Status = AppAccessRequestStatus | GroupJoinRequestStatus;

const STATUS_BADGES: Record<Status, { label: string; color: string }> = {
  pending: { label: 'Pending', color: 'yellow' },
  approved: { label: 'Approved', color: 'green' },
  denied: { label: 'Denied', color: 'red' },
  rejected: { label: 'Rejected', color: 'red' },
  canceled: { label: 'Canceled', color: 'gray' },
  failed: { label: 'Failed', color: 'orange' },
};

/** How a request's status reads, and its badge colour. */
export function statusBadge(status: Status): { label: string; color: string } {
  return STATUS_BADGES[status];
}

/** The choices of "Membership requests" (a group's join policy), in the words of My Groups. */
export const JOIN_POLICY_OPTIONS: readonly { value: GroupJoinPolicy; label: string; description: string }[] = [
  { value: 'open', label: 'Open', description: 'Anyone in the organization can join at once.' },
  {
    value: 'ownerApproval',
    label: 'Owner approval',
    description: 'People ask to join; an owner approves or rejects each request.',
  },
  { value: 'closed', label: 'Closed', description: 'No requests: owners add members.' },
];

export const joinPolicyLabel = (p: GroupJoinPolicy): string => JOIN_POLICY_OPTIONS.find((o) => o.value === p)?.label ?? p;

/** What someone may do about joining a group, as My Groups shows it. */
export type JoinState = 'member' | 'pending' | 'join' | 'request' | 'closed' | 'rule';

export function joinState(
  g: Pick<Group, 'groupTypes' | 'onPremisesSyncEnabled' | 'joinPolicy'>,
  isMember: boolean,
  hasPendingRequest: boolean,
): JoinState {
  if (isMember) return 'member';
  if (g.groupTypes.includes('DynamicMembership') || g.onPremisesSyncEnabled === true) return 'rule';
  if (hasPendingRequest) return 'pending';
  if (g.joinPolicy === 'open') return 'join';
  if (g.joinPolicy === 'ownerApproval') return 'request';
  return 'closed';
}

/** The button (or note) for a join state. */
export const JOIN_LABELS: Record<JoinState, string> = {
  member: "You're a member",
  pending: 'Request pending',
  join: 'Join group',
  request: 'Request to join',
  closed: 'Owners add members',
  rule: 'Membership is decided by a rule',
};

/** What the catalogue offers for an app: request it, wait, or use it. */
export function appOffer(app: Pick<RequestableApp, 'hasAccess' | 'pendingRequestId'>): 'open' | 'pending' | 'request' {
  if (app.hasAccess) return 'open';
  if (app.pendingRequestId) return 'pending';
  return 'request';
}

/** Why a justification or reason can't be sent, or undefined when it can. */
export function textProblem(text: string, what: string, required: boolean, max: number): string | undefined {
  const t = text.trim();
  if (required && !t) return `Enter ${what}.`;
  if (t.length > max) return `${what[0]?.toUpperCase()}${what.slice(1)} can have at most ${max} characters.`;
  return undefined;
}

/** Everything waiting for a decision (the badge in My Apps). */
export const pendingTotal = (p: PendingApprovals | undefined): number => (p ? p.appAccessRequests + p.groupJoinRequests : 0);

/** The pending count of one application, when the user decides its requests. */
export const pendingForApp = (p: PendingApprovals | undefined, appId: string): number | undefined =>
  p?.applications.find((a) => a.id === appId)?.pendingCount;

/** A mail nickname for a group made in My Groups: the ASCII letters and digits of its name and a random suffix. */
export function mailNicknameFor(displayName: string, random: string): string {
  const base = displayName
    .normalize('NFD')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 40);
  return `${base || 'group'}-${random.replace(/[^A-Za-z0-9]/g, '').slice(0, 8)}`;
}
