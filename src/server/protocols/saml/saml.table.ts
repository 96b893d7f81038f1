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

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface SamlTables {
  saml_signing_certificates: SamlSigningCertificatesTable;
  saml_request_ids: SamlRequestIdsTable;
}
