/**
 * Small pure helpers behind the invitation screens: recognising an e-mail address typed into a
 * people search, reading a list of domains typed one per line, and the wording of results.
 * The server validates everything again and is the authority; these only guide the person typing.
 */
import type { User } from '../../api/graph';

export { WELCOME_MESSAGE_MAX } from '../../../contracts/invitations';

/** At most this many groups can be picked on the Invite external user page. */
export const MAX_INVITE_GROUPS = 20;

const EMAIL_SHAPE = /^[^\s@]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * Does this search text look like an e-mail address (something@domain.tld, no spaces)? A search
 * for "ali" or "alice@" does not; "alice@fabrikam.com" does.
 */
export function looksLikeEmail(text: string): boolean {
  const t = text.trim();
  return t.length <= 254 && EMAIL_SHAPE.test(t);
}

/**
 * Why the server would refuse to invite this address, or undefined. Follows `invitedEmailProblem`
 * in src/contracts/invitations.ts, worded for someone typing: an empty box asks for an address, and
 * the list of forbidden characters is left out.
 */
export function emailProblem(address: string): string | undefined {
  const a = address.trim();
  if (!a) return 'Enter an e-mail address.';
  if (a.length > 254) return 'The e-mail address must be at most 254 characters.';
  if (/[\u0000-\u001f\u007f\s]/.test(a)) return 'The e-mail address must not contain spaces or control characters.';
  const at = a.lastIndexOf('@');
  if (at <= 0 || a.indexOf('@') !== at) return 'The e-mail address must contain exactly one @.';
  const local = a.slice(0, at);
  if (local.length > 64) return 'The part before @ must be at most 64 characters.';
  if (local.includes('+')) return 'Plus-addressing (name+tag@domain) is not supported for invitations.';
  if (!/^[A-Za-z0-9_'](?:[A-Za-z0-9_.'-]*[A-Za-z0-9_'])?$/.test(local) || local.includes('..'))
    return "The part before @ may contain letters, digits, _ and ' anywhere and . or - inside.";
  if (!looksLikeEmail(a)) return 'The domain of the e-mail address is not valid.';
  return undefined;
}

/** Does this directory user already own the address (as mail, sign-in name or other address)? */
export function userHasAddress(u: Pick<User, 'mail' | 'userPrincipalName'> & { otherMails?: string[] }, address: string) {
  const a = address.trim().toLowerCase();
  return (
    u.mail?.toLowerCase() === a ||
    u.userPrincipalName.toLowerCase() === a ||
    (u.otherMails ?? []).some((m) => m.toLowerCase() === a)
  );
}

/**
 * The address to offer "Invite <address> as a guest" for, given what was typed and the directory
 * users the search found: only an e-mail address that no found user already has.
 */
export function inviteCandidate(term: string, results: readonly User[] | undefined): string | undefined {
  const t = term.trim();
  if (!looksLikeEmail(t)) return undefined;
  if ((results ?? []).some((u) => userHasAddress(u, t))) return undefined;
  return t;
}

/** A friendly default display name for an invited address: "alice.smith@x" → "alice.smith". */
const _localPart = (address: string): string => address.trim().split('@')[0] ?? address;

export interface ParsedDomains {
  /** Valid, lower-cased, without duplicates, in the order typed. */
  domains: string[];
  /** Entries that are not domain names, as typed. */
  invalid: string[];
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Reads the domains textarea of Collaboration restrictions: one domain per line (commas, semicolons
 * and spaces also separate), case-insensitive; a leading "@" or "*." is dropped (a listed domain
 * covers its sub-domains anyway); blank lines are ignored.
 */
export function parseDomains(text: string): ParsedDomains {
  const domains: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const entry = raw.trim();
    if (!entry) continue;
    const d = entry
      .toLowerCase()
      .replace(/^(\*\.|@)/, '')
      .replace(/\.$/, '');
    if (!DOMAIN.test(d)) invalid.push(entry);
    else if (!domains.includes(d)) domains.push(d);
  }
  return { domains, invalid };
}

/** The notification after My Groups' Add members, for one person. */
export function addedMessage(status: 'added' | 'invited', who: string, groupName: string): string {
  return status === 'invited'
    ? `Invitation sent to ${who}; they were added to ${groupName} as a guest.`
    : `${who} was added to ${groupName}.`;
}

/** Invitation state in Entra's words. */
export function invitationStateLabel(state: User['externalUserState']): string {
  switch (state) {
    case 'PendingAcceptance':
      return 'Pending acceptance';
    case 'Accepted':
      return 'Accepted';
    default:
      return '—';
  }
}
