/**
 * "Why does this person have access?" (Portico extension, beyond Entra): every path from a user to
 * an enterprise application, how each link of it came to be, and the sign-in verdict.
 *
 * `GET /v1.0/servicePrincipals/{id}/accessExplanation(userId='{id|userPrincipalName}')` and, for
 * the signed-in user, `GET /v1.0/me/accessExplanation(servicePrincipalId='{id}')`.
 */

/** Why the verdict is what it is: the reasons of the sign-in decision, plus the two ways in. */
export type AccessVerdictReason =
  /** Assigned directly or through a group the user is a direct member of. */
  | 'assigned'
  /** The application does not require assignment: every enabled user of the tenant may sign in. */
  | 'assignmentNotRequired'
  | 'notAssigned'
  | 'applicationDisabled'
  | 'userDisabled'
  /** A guest who has not redeemed their invitation yet. */
  | 'invitationPending';

/** A person (or the rule engine, an application…) who did something. */
export interface AccessActor {
  /** User id, or null for the system (dynamic membership rules) and applications. */
  id: string | null;
  displayName: string | null;
  userPrincipalName?: string | null;
}

/**
 * How a member came into a group:
 * - `added`: an owner or administrator added them (`by`);
 * - `dynamicRule`: the group's membership rule selects them (`membershipRule`);
 * - `joined`: they joined an open group themselves (My Groups → Join group);
 * - `joinRequest`: an owner approved their request to join (`by`, `requestId`, `justification`);
 * - `accessRequest`: their request for an application was granted, by an approver (`by`) or at once
 *   when the application needs no approval (`requestId`, `justification`);
 * - `invitation`: they were invited as a guest straight into the group (`by`, `invitationId`);
 * - `unknown`: no record says (a membership older than the audit log, or written by the system).
 */
export type MembershipOrigin = 'added' | 'dynamicRule' | 'joined' | 'joinRequest' | 'accessRequest' | 'invitation' | 'unknown';

/** One link of a path: `memberId` is a direct member of `group`. */
export interface MembershipStep {
  memberId: string;
  memberDisplayName: string | null;
  group: { id: string; displayName: string; membershipType: 'assigned' | 'dynamic' };
  origin: MembershipOrigin;
  /** When the membership began (the latest time it was added). */
  dateTime: string;
  by: AccessActor | null;
  membershipRule?: string | null;
  requestId?: string | null;
  invitationId?: string | null;
  justification?: string | null;
}

/** An assignment of the application to the user or to a group. */
export interface AssignmentInfo {
  assignmentPrincipalId: string;
  appRoleId: string;
  /** "Default Access" for the default role. */
  appRoleDisplayName: string;
  appRoleValue: string | null;
  /** When it was assigned, and by whom (from the audit log; null when no record says). */
  assignedDateTime: string;
  assignedBy: AccessActor | null;
}

/** One way from the user to the application. */
export type AccessPath =
  | ({ kind: 'direct'; counts: true; explanation: string } & AssignmentInfo)
  | ({
      kind: 'group';
      /** Whether this path grants access: only DIRECT members of an assigned group get the application. */
      counts: boolean;
      /** The assigned group (the last step's group). */
      groupId: string;
      groupDisplayName: string;
      /** From the user's own membership up to the assigned group; more than one step = nested. */
      memberships: MembershipStep[];
      explanation: string;
    } & AssignmentInfo);

export interface AccessExplanation {
  servicePrincipalId: string;
  appDisplayName: string;
  appRoleAssignmentRequired: boolean;
  user: {
    id: string;
    displayName: string;
    userPrincipalName: string;
    userType: 'Member' | 'Guest';
    accountEnabled: boolean;
    externalUserState: string | null;
    /** For guests: the latest invitation (who invited them, when, and whether it was redeemed). */
    invitation: {
      id: string;
      invitedDateTime: string;
      invitedBy: AccessActor | null;
      status: 'PendingAcceptance' | 'Completed' | 'Revoked';
      redeemedDateTime: string | null;
    } | null;
  };
  /** The same decision single sign-on (OIDC, SAML, My Apps links) takes right now. */
  hasAccess: boolean;
  reason: AccessVerdictReason;
  /** The verdict in plain words. */
  reasonText: string;
  /** Every path found, counting ones first. */
  paths: AccessPath[];
  /** Things people often assume that do not grant access here (administrator roles, nested groups…). */
  notes: string[];
}
