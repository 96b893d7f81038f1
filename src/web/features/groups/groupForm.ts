/** The "New group" form of the admin center: checks and the Graph body it sends. */
import type { CreateGroupBody } from '../../../contracts/groups';

export type GroupTypeChoice = 'Security' | 'Microsoft 365';
export type MembershipChoice = 'Assigned' | 'Dynamic user';

export interface NewGroupValues {
  groupType: GroupTypeChoice;
  name: string;
  description: string;
  membershipType: MembershipChoice;
  /** Dynamic membership rule, e.g. (user.userType -eq "Guest"). */
  rule: string;
}

export type NewGroupErrors = Partial<Record<keyof NewGroupValues, string>>;

/**
 * A mail alias from the group name, within Graph's rules for mailNickname (ASCII, no spaces or
 * @ ( ) \ [ ] " ; : . < > ,; at most 64): "Ventes & Marketing (EU)" → "Ventes-Marketing-EU".
 * Falls back to "group" plus a few random characters when nothing usable is left.
 */
export function deriveMailNickname(name: string, random: () => string = () => Math.random().toString(36).slice(2, 8)): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x21-\x7e]+/g, '-')
    .replace(/[@()\\[\]";:.<>,&'`/?#%*+=!$^{}|~]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return ascii || `group-${random()}`;
}

export function validateNewGroup(v: NewGroupValues): NewGroupErrors {
  const e: NewGroupErrors = {};
  const name = v.name.trim();
  if (!name) e.name = 'Enter a group name.';
  else if (name.length > 256) e.name = 'Use at most 256 characters.';
  if (v.description.length > 1024) e.description = 'Use at most 1024 characters.';
  if (v.membershipType === 'Dynamic user') {
    const rule = v.rule.trim();
    if (!rule) e.rule = 'Enter the rule that decides who is a member, e.g. (user.userType -eq "Guest").';
    else if (rule.length > 3072) e.rule = 'Use at most 3072 characters.';
  }
  return e;
}

/** POST /groups body (entra-behaviour.md §6.1: group types on create). */
export function newGroupBody(v: NewGroupValues): CreateGroupBody {
  const m365 = v.groupType === 'Microsoft 365';
  const dynamic = v.membershipType === 'Dynamic user';
  const groupTypes = [...(m365 ? ['Unified'] : []), ...(dynamic ? ['DynamicMembership'] : [])];
  const description = v.description.trim();
  return {
    displayName: v.name.trim(),
    ...(description ? { description } : {}),
    mailNickname: deriveMailNickname(v.name.trim()),
    mailEnabled: m365,
    securityEnabled: true,
    groupTypes,
    ...(dynamic ? { membershipRule: v.rule.trim(), membershipRuleProcessingState: 'On' as const } : {}),
  };
}
