import { graph } from '../../api/graph';
import { and, quote } from '../../api/odata';

export interface AuditFilters {
  /** yyyy-mm-dd (local dates; the whole day is included). */
  from?: string;
  to?: string;
  activity?: string;
  initiatorId?: string;
  targetId?: string;
}

/** Start of a local calendar day as an ISO instant. */
const dayStart = (d: string) => new Date(`${d}T00:00:00`).toISOString();
/** Start of the following local day; the filter uses `le` on the last millisecond of `d`. */
const dayEnd = (d: string) => new Date(new Date(`${d}T00:00:00`).getTime() + 86_400_000 - 1).toISOString();

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `$filter` for GET /auditLogs/directoryAudits from the form's values. */
export function auditFilter(f: AuditFilters): string | undefined {
  return and(
    f.from && DATE.test(f.from) ? `activityDateTime ge ${dayStart(f.from)}` : undefined,
    f.to && DATE.test(f.to) ? `activityDateTime le ${dayEnd(f.to)}` : undefined,
    f.activity ? `activityDisplayName eq ${quote(f.activity)}` : undefined,
    f.initiatorId ? `initiatedBy/user/id eq ${quote(f.initiatorId)}` : undefined,
    f.targetId ? `targetResources/any(t: t/id eq ${quote(f.targetId)})` : undefined,
  );
}

/** The API returns the newest entries first. */
export const auditUrl = (f: AuditFilters, top = 25): string => graph.auditUrl(auditFilter(f), top);

/** Activity names Portico records (entra-behaviour.md §9.2), offered in the activity filter. */
export const KNOWN_ACTIVITIES = [
  'Add user',
  'Update user',
  'Delete user',
  'Disable account',
  'Enable account',
  'Add group',
  'Update group',
  'Delete group',
  'Add member to group',
  'Remove member from group',
  'Add owner to group',
  'Remove owner from group',
  'Add member to role',
  'Remove member from role',
  'Update authorization policy',
  'Update group settings',
  'Update organization',
  'Invite external user',
  'Redeem external user invite',
];
