export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface OidcTables {
  oidc_payloads: OidcPayloadsTable;
}
