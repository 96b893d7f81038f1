export interface OAuth2PermissionGrantsTable {
  id: string;
  tenant_id: string;
  /** Object id of the client application's service principal. */
  client_id: string;
  consent_type: string;
  principal_id: string | null;
  /** principal_id, or 'AllPrincipals' (unique per client, resource and principal). */
  principal_key: string;
  resource_id: string;
  scope: string;
  created_date_time: string;
}

/** Tables owned by this unit; only its repository queries them. */
export interface PermissionGrantsTables {
  oauth2_permission_grants: OAuth2PermissionGrantsTable;
}
