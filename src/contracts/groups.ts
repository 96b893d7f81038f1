import { z } from 'zod';
import { displayString, optionalText, requiredDisplayString, requiredString } from './common.js';
import type { User } from './users.js';

export type GroupVisibility = 'Public' | 'Private' | 'Hiddenmembership';
export type MembershipRuleProcessingState = 'On' | 'Paused';

/**
 * Portico extension (Graph has no such property; entra-behaviour.md §6.5–§6.6): how people join
 * the group in My Groups. `open`: anyone in the organization joins at once (Entra's Public);
 * `ownerApproval`: a request that an owner approves or rejects (Entra's Private); `closed`: no
 * requests, owners add members. Dynamic and synced groups are always `closed`.
 */
export type GroupJoinPolicy = 'open' | 'ownerApproval' | 'closed';
export const groupJoinPolicies = ['open', 'ownerApproval', 'closed'] as const;

/** The Graph `group` resource as Portico returns it (entra-behaviour.md §6.1). */
export interface Group {
  id: string;
  displayName: string;
  description: string | null;
  mailNickname: string;
  mail: string | null;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: string[];
  membershipRule: string | null;
  membershipRuleProcessingState: MembershipRuleProcessingState | null;
  onPremisesSyncEnabled: boolean | null;
  visibility: GroupVisibility | null;
  isAssignableToRole: boolean;
  /** Portico extension: see GroupJoinPolicy. */
  joinPolicy: GroupJoinPolicy;
  createdDateTime: string;
}

/** Items of directoryObject collections (members, owners, memberOf…): the object plus its type. */
export type DirectoryObject =
  | ({ '@odata.type': '#microsoft.graph.user' } & User)
  | ({ '@odata.type': '#microsoft.graph.group' } & Group);

/** Graph's limit on `members@odata.bind` / `owners@odata.bind` in one create or update call. */
export const MAX_BIND_REFERENCES = 20;

// Graph: ASCII 0–127 except @ ( ) \ [ ] " ; : . < > , and space (entra-behaviour.md §6.1).
// Control characters are excluded too: they are never meaningful in a mail alias.
const MAIL_NICKNAME = /^[\x21-\x7e]+$/;
const MAIL_NICKNAME_FORBIDDEN = /[@()\\[\]";:.<>,]/;

export const mailNickname = requiredString()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .refine((s) => MAIL_NICKNAME.test(s) && !MAIL_NICKNAME_FORBIDDEN.test(s), {
    message: 'may contain only ASCII characters except @ ( ) \\ [ ] " ; : . < > , and space',
  });

const requiredBoolean = z.boolean({ error: (i) => (i.input === undefined ? 'is required' : 'must be true or false') });

const bindList = z.array(z.string().min(1).max(2048)).max(1000);

const visibility = z.enum(['Public', 'Private', 'Hiddenmembership'], {
  error: "must be 'Public', 'Private' or 'Hiddenmembership'",
});
const processingState = z.enum(['On', 'Paused'], { error: "must be 'On' or 'Paused'" });
const groupTypes = z.array(z.string().max(64)).max(4);
const joinPolicy = z.enum(groupJoinPolicies, { error: "must be 'open', 'ownerApproval' or 'closed'" });
const membershipRule = z.string().min(1, 'must not be empty').max(3072, 'must be at most 3072 characters').nullable();

/** The rule fields of a group body, the same on create and update. */
const ruleFields = {
  groupTypes: groupTypes.optional(),
  membershipRule: membershipRule.optional(),
  membershipRuleProcessingState: processingState.optional(),
};
/** The flags that follow `visibility` in a group body, the same on create and update. */
const flagFields = {
  isAssignableToRole: z.boolean().optional(),
  onPremisesSyncEnabled: z.boolean().nullable().optional(),
  joinPolicy: joinPolicy.optional(),
};

export const createGroupBody = z
  .object({
    displayName: requiredDisplayString(256),
    description: optionalText(1024),
    mailNickname,
    mailEnabled: requiredBoolean,
    securityEnabled: requiredBoolean,
    ...ruleFields,
    visibility: visibility.nullable().optional(),
    ...flagFields,
    'owners@odata.bind': bindList.optional(),
    'members@odata.bind': bindList.optional(),
  })
  .strict();
export type CreateGroupBody = z.infer<typeof createGroupBody>;

export const updateGroupBody = z
  .object({
    displayName: displayString(256).optional(),
    description: optionalText(1024),
    mailNickname: mailNickname.optional(),
    mailEnabled: z.boolean().optional(),
    securityEnabled: z.boolean().optional(),
    ...ruleFields,
    visibility: visibility.optional(),
    // isAssignableToRole and onPremisesSyncEnabled are accepted so that the service can refuse them with a message that says why.
    ...flagFields,
    'members@odata.bind': bindList.optional(),
    'owners@odata.bind': bindList.optional(),
  })
  .strict();
export type UpdateGroupBody = z.infer<typeof updateGroupBody>;
