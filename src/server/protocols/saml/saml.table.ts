export interface SamlSigningCertificatesTable {
  key_id: string;
  tenant_id: string;
  service_principal_id: string | null;
  initial_for_tenant: string | null;
  display_name: string;
  certificate_pem: string;
  private_key_pem: string;
  thumbprint: string;
  start_date_time: string;
  end_date_time: string;
  created_date_time: string;
}

export interface SamlRequestIdsTable {
  tenant_id: string;
  service_principal_id: string;
  request_id: string;
  expires_at: string;
}

/** An assertion issued (SessionIndex, NameID) and the browser session it belongs to (single logout). */
export interface SamlSessionsTable {
  session_index: string;
  tenant_id: string;
  service_principal_id: string;
  user_id: string;
  name_id: string;
  name_id_format: string;
  sp_entity_id: string;
  browser_session: string | null;
  created_date_time: string;
  expires_at: string;
  ended_date_time: string | null;
  logout_id: string | null;
  logout_request_id: string | null;
}

/** A single logout in progress (see logout.ts). */
export interface SamlLogoutsTable {
  id: string;
  tenant_id: string;
  browser_session: string | null;
  return_to: string | null;
  initiator_sp_id: string | null;
  initiator_request_id: string | null;
  initiator_relay_state: string | null;
  initiator_binding: string | null;
  partial: number;
  expires_at: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface SamlTables {
  saml_signing_certificates: SamlSigningCertificatesTable;
  saml_request_ids: SamlRequestIdsTable;
  saml_sessions: SamlSessionsTable;
  saml_logouts: SamlLogoutsTable;
}
