import { z } from 'zod';
import { displayString } from './common.js';
import type { User } from './users.js';

/**
 * Invited addresses follow Entra's rules (GD invitation.md): none of ~ ! # $ % ^ & * ( ) + = [ ] { } \ / | ; : " < > ? ,
 * in the local part; `.` and `-` not at its start or end; `_` anywhere; no plus-addressing.
 */
const LOCAL = /^[A-Za-z0-9_'](?:[A-Za-z0-9_.'-]*[A-Za-z0-9_'])?$/;
const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function invitedEmailProblem(address: string): string | undefined {
  if (address.length > 254) return 'The e-mail address must be at most 254 characters.';
  if (/[\u0000-\u001f\u007f\s]/.test(address)) return 'The e-mail address must not contain spaces or control characters.';
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.indexOf('@') !== at) return 'The e-mail address must contain exactly one @.';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64) return 'The part before @ must be at most 64 characters.';
  if (local.includes('+')) return 'Plus-addressing (name+tag@domain) is not supported for invitations.';
  if (!LOCAL.test(local) || local.includes('..'))
    return 'The part before @ may contain letters, digits, _ and \' anywhere and . or - inside; ~ ! # $ % ^ & * ( ) + = [ ] { } \\ / | ; : " < > ? , are not allowed.';
  if (!DOMAIN.test(domain)) return 'The domain of the e-mail address is not valid.';
  return undefined;
}

export const invitedEmailAddress = z
  .string()
  .trim()
  .superRefine((s, ctx) => {
    const p = invitedEmailProblem(s);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

const recipient = z
  .object({
    emailAddress: z.object({ name: z.string().max(256).nullable().optional(), address: invitedEmailAddress }).strict(),
  })
  .strict();

/** Welcome messages are plain text; Entra doesn't document a cap, we keep 4,000 characters. */
export const WELCOME_MESSAGE_MAX = 4000;

export const invitationBody = z
  .object({
    invitedUserEmailAddress: invitedEmailAddress,
    inviteRedirectUrl: z.url({ protocol: /^https?$/, message: 'inviteRedirectUrl must be an http(s) URL' }).max(2048),
    invitedUserDisplayName: displayString(256).optional(),
    invitedUserType: z.enum(['Guest', 'Member']).optional(),
    sendInvitationMessage: z.boolean().optional(),
    invitedUserMessageInfo: z
      .object({
        customizedMessageBody: z
          .string()
          .max(WELCOME_MESSAGE_MAX, `customizedMessageBody must be at most ${WELCOME_MESSAGE_MAX} characters`)
          .nullable()
          .optional(),
        messageLanguage: z
          .string()
          .regex(/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'messageLanguage must be an ISO 639 language tag such as en-US')
          .nullable()
          .optional(),
        ccRecipients: z.array(recipient).max(1, 'Only one ccRecipient is supported.').optional(),
      })
      .strict()
      .optional(),
    invitedUser: z
      .object({ id: z.string().uuid('invitedUser.id must be a GUID') })
      .passthrough()
      .optional(),
    resetRedemption: z.boolean().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.resetRedemption && !b.invitedUser) {
      ctx.addIssue({
        code: 'custom',
        path: ['invitedUser'],
        message: 'invitedUser.id is required when resetRedemption is true.',
      });
    }
  });
export type InvitationBody = z.infer<typeof invitationBody>;

/** The Graph `invitation` resource as returned by POST /invitations. */
export interface Invitation {
  id: string;
  inviteRedeemUrl: string;
  invitedUserDisplayName: string | null;
  invitedUserEmailAddress: string;
  invitedUserType: 'Guest' | 'Member';
  inviteRedirectUrl: string;
  sendInvitationMessage: boolean;
  resetRedemption: boolean;
  status: 'PendingAcceptance' | 'Completed';
  invitedUserMessageInfo: {
    customizedMessageBody: string | null;
    messageLanguage: string | null;
    ccRecipients: { emailAddress: { name: string | null; address: string } }[];
  };
  invitedUser: { id: string };
  invitedUserSponsors: { id: string }[];
}

/**
 * Body of My Groups' "Add members", `POST /groups/{id}/members/add` (Portico extension): a directory
 * user, or an e-mail address to invite as a guest with an optional welcome message (at most
 * WELCOME_MESSAGE_MAX characters). The server validates it (invitations.routes.ts).
 */
export type MyGroupsAddBody =
  | { userId: string }
  | { emailAddress: string; displayName?: string; welcomeMessage?: string; messageLanguage?: string };

/** Answer of `POST /groups/{id}/members/add`: `invitation` only when the address was invited. */
export interface MyGroupsAddResult {
  status: 'added' | 'invited';
  user: User;
  invitation?: Invitation;
}

/** Someone who can help a person who may not invite guests: they invite, or they can grant the right. */
export interface InviteHelper {
  id: string;
  displayName: string;
  mail: string | null;
  /** The directory role that lets them help ("Guest Inviter", "User Administrator", "Global Administrator"). */
  role: string;
}

/**
 * Answer of `GET /groups/{id}/members/addOptions` (Portico extension): what My Groups' "Add
 * members" will allow the signed-in user, asked before they type: adding people from the
 * directory, inviting guests by e-mail, and — when not — why, and whom to ask.
 */
export interface MyGroupsAddOptions {
  canAddMembers: boolean;
  addMembersBlockedReason: string | null;
  canInviteGuests: boolean;
  inviteGuestsBlockedReason: string | null;
  /** Catalogue code of the refusal (`invitation_setting_denied`, `authorization_denied`, `group_dynamic_membership`…). */
  inviteGuestsBlockedCode: string | null;
  /** When guests cannot be invited: people who can invite them, or change the setting (at most 5). */
  whoCanHelp: InviteHelper[];
}
