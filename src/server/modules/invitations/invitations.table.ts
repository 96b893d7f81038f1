export interface InvitationsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  invited_email: string;
  invited_email_lower: string;
  invited_user_type: string;
  invited_by_user_id: string | null;
  invited_by_app_id: string | null;
  invite_redirect_url: string;
  ticket_hash: string;
  status: 'PendingAcceptance' | 'Completed' | 'Revoked';
  send_invitation_message: number;
  message_body: string | null;
  message_language: string | null;
  cc_recipients: string;
  target_group_id: string | null;
  reset_redemption: number;
  created_date_time: string;
  redeemed_date_time: string | null;
}

export interface UserSponsorsTable {
  tenant_id: string;
  user_id: string;
  sponsor_id: string;
  created_date_time: string;
}

export interface InvitationUnsubscribesTable {
  tenant_id: string;
  email_lower: string;
  created_date_time: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface InvitationsTables {
  invitations: InvitationsTable;
  user_sponsors: UserSponsorsTable;
  invitation_unsubscribes: InvitationUnsubscribesTable;
}
