export interface ServicePrincipalsTable {
  id: string;
  tenant_id: string;
  app_id: string;
  display_name: string;
  description: string | null;
  notes: string | null;
  homepage: string | null;
  login_url: string | null;
  logout_url: string | null;
  reply_urls: string;
  preferred_single_sign_on_mode: string | null;
  app_role_assignment_required: number;
  app_roles: string;
  tags: string;
  account_enabled: number;
  logo_url: string | null;
  service_principal_names: string;
  saml_relay_state: string | null;
  self_service_access: string;
  key_credentials: string;
  /** JSON SamlSettings (0005). */
  saml_settings: string;
  application_template_id: string | null;
  created_date_time: string;
}

export interface ServicePrincipalNamesTable {
  tenant_id: string;
  name_lower: string;
  service_principal_id: string;
}

export interface ServicePrincipalOwnersTable {
  tenant_id: string;
  service_principal_id: string;
  owner_id: string;
  created_date_time: string;
}

export interface ServicePrincipalPasswordsTable {
  key_id: string;
  tenant_id: string;
  service_principal_id: string;
  display_name: string | null;
  hint: string;
  secret_hash: string;
  start_date_time: string;
  end_date_time: string;
  created_date_time: string;
}

export interface AppRoleAssignmentsTable {
  id: string;
  tenant_id: string;
  resource_id: string;
  principal_id: string;
  principal_type: string;
  app_role_id: string;
  created_date_time: string;
}

/** Read model (view, migration 0006): assignments with the current names of principal and resource. */
export interface AppRoleAssignmentDetailsView extends AppRoleAssignmentsTable {
  principal_display_name: string | null;
  resource_display_name: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface ApplicationsTables {
  service_principals: ServicePrincipalsTable;
  service_principal_names: ServicePrincipalNamesTable;
  service_principal_owners: ServicePrincipalOwnersTable;
  service_principal_passwords: ServicePrincipalPasswordsTable;
  app_role_assignments: AppRoleAssignmentsTable;
  app_role_assignment_details: AppRoleAssignmentDetailsView;
}
