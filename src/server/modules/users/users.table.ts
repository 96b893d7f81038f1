export interface UsersTable {
  id: string;
  tenant_id: string;
  display_name: string;
  given_name: string | null;
  surname: string | null;
  mail: string | null;
  mail_lower: string | null;
  other_mails: string;
  user_principal_name: string;
  upn_lower: string;
  user_type: string;
  account_enabled: number;
  creation_type: string | null;
  external_user_state: string | null;
  external_user_state_change_date_time: string | null;
  identities: string;
  department: string | null;
  job_title: string | null;
  company_name: string | null;
  preferred_language: string | null;
  country: string | null;
  city: string | null;
  password_hash: string | null;
  created_date_time: string;
  /** Graph's signInSessionsValidFromDateTime; written only by `setSignInSessionsValidFrom`. */
  sign_in_sessions_valid_from: string | null;
  /** SCIM externalId (migration 0011); written only by setExternalId, never by the Graph row mapping. */
  external_id?: string | null;
  /** The user's manager (migration 0020); written only by setManager, never by the Graph row mapping. */
  manager_id?: string | null;
}

/** A user's otherMails, lower-cased, one row each (migration 0010): the index behind address lookups. */
export interface UserOtherMailsTable {
  tenant_id: string;
  address_lower: string;
  user_id: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface UsersTables {
  users: UsersTable;
  user_other_mails: UserOtherMailsTable;
}
