export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: string | null;
  consumed_at: string | null;
  /** The account (user id) of sessions, grants, codes and tokens; null for other artefacts. */
  account_id: string | null;
}

/** A grant whose tokens are revoked, kept until the access tokens issued before it have expired. */
export interface OidcRevokedGrantsTable {
  tenant_id: string;
  grant_id: string;
  revoked_at: string;
  expires_at: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface OidcTables {
  oidc_payloads: OidcPayloadsTable;
  oidc_revoked_grants: OidcRevokedGrantsTable;
}
