import { z } from 'zod';
import { optionalText, requiredDisplayString, requiredString } from './common.js';

/**
 * Self-service requests (Portico's own resources: Entra has no public API for them,
 * entra-behaviour.md §6.6, §7.4, §11.4): a user asks for access to an application
 * (`appAccessRequest`, My Apps → Request new apps) or to join a group (`groupJoinRequest`,
 * My Groups → Request to join). Approvers (apps) or owners (groups) approve or deny.
 */

/** `pending` → `approved` | `denied` | `canceled`; `failed` when the app or group changed before the decision. */
export type AppAccessRequestStatus = 'pending' | 'approved' | 'denied' | 'canceled' | 'failed';

/** `pending` → `approved` | `rejected` | `canceled`; `failed` when the group changed before the decision. */
export type GroupJoinRequestStatus = 'pending' | 'approved' | 'rejected' | 'canceled' | 'failed';

/** Limits of the free-text fields (characters). */
export const REQUEST_LIMITS = { justification: 1000, reason: 1000 } as const;

/** The people a request names: display names are kept as they were when the request was made or decided. */
interface RequestParties {
  requesterId: string;
  requesterDisplayName: string;
  requesterUserPrincipalName: string | null;
  /** Who approved, denied or canceled (null while pending, and for requests granted without approval). */
  decidedById: string | null;
  decidedByDisplayName: string | null;
  decidedDateTime: string | null;
  /** The approver's or owner's reason; for `failed`, why the request could not be granted. */
  decisionReason: string | null;
  createdDateTime: string;
}

/** `GET /appAccessRequests/{id}`: a request for access to an application. */
export interface AppAccessRequest extends RequestParties {
  id: string;
  status: AppAccessRequestStatus;
  servicePrincipalId: string;
  appId: string;
  appDisplayName: string;
  /** Business justification given by the requester. */
  justification: string;
  /** The self-service group and role of the application when the request was made. */
  groupId: string;
  appRoleId: string;
  /** Whether the request needed an approver's decision (else it was granted at once). */
  requireApproval: boolean;
}

/** `GET /groupJoinRequests/{id}`: a request to join a group. */
export interface GroupJoinRequest extends RequestParties {
  id: string;
  status: GroupJoinRequestStatus;
  groupId: string;
  groupDisplayName: string;
  justification: string | null;
}

/** `GET /me/requestableApps`: an application the signed-in user may request in My Apps. */
export interface RequestableApp {
  /** Object id of the service principal. */
  id: string;
  appId: string;
  displayName: string;
  description: string | null;
  logoUrl: string | null;
  requireApproval: boolean;
  /** The user is already assigned (directly or through a group). */
  hasAccess: boolean;
  /** The user's pending request for it, if any. */
  pendingRequestId: string | null;
}

/** One application or group with requests the signed-in user decides. */
export interface PendingApprovalTarget {
  id: string;
  displayName: string;
  pendingCount: number;
}

/**
 * `GET /me/pendingApprovals`: what waits for the signed-in user's decision — the badge in My Apps.
 * `applications` lists every application the user approves for or owns that takes requests (also
 * with nothing pending); `groups` the owned groups with pending join requests.
 */
export interface PendingApprovals {
  appAccessRequests: number;
  groupJoinRequests: number;
  applications: PendingApprovalTarget[];
  groups: PendingApprovalTarget[];
}

// ---------------------------------------------------------------------------------------------
// Request bodies

const text = (max: number) =>
  requiredString()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'must not contain control characters');

/** `POST /servicePrincipals/{id}/accessRequests`. */
export const createAppAccessRequestBody = z.object({ justification: text(REQUEST_LIMITS.justification) }).strict();
export type CreateAppAccessRequestBody = z.infer<typeof createAppAccessRequestBody>;

/** `POST /groups/{id}/joinRequests`: the justification is optional (an open group is joined at once). */
export const createGroupJoinRequestBody = z.object({ justification: optionalText(REQUEST_LIMITS.justification) }).strict();
export type CreateGroupJoinRequestBody = z.infer<typeof createGroupJoinRequestBody>;

/** `POST …/approve` (and `…/cancel`): an optional reason. */
export const approveRequestBody = z
  .object({ reason: optionalText(REQUEST_LIMITS.reason) })
  .strict()
  .nullish();
export type ApproveRequestBody = z.infer<typeof approveRequestBody>;

/** `POST /appAccessRequests/{id}/deny` and `/groupJoinRequests/{id}/reject`: the reason is required. */
export const denyRequestBody = z.object({ reason: text(REQUEST_LIMITS.reason) }).strict();
export type DenyRequestBody = z.infer<typeof denyRequestBody>;

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * `POST /servicePrincipals/{id}/selfServiceGroup` (Portico extension): creates an Assigned security
 * group whose owners are the application's approvers and makes it the self-service group.
 * `approverIds` (optional) sets the approvers at the same time; without it the saved ones own it.
 */
export const createSelfServiceGroupBody = z
  .object({
    displayName: requiredDisplayString(256),
    description: optionalText(1024),
    approverIds: z
      .array(
        z
          .string()
          .regex(GUID, 'must be a GUID')
          .transform((s) => s.toLowerCase()),
      )
      .max(10, 'must have at most 10 approvers')
      .optional(),
  })
  .strict();
export type CreateSelfServiceGroupBody = z.infer<typeof createSelfServiceGroupBody>;
