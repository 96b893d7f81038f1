export interface SignInsTable {
  id: string;
  tenant_id: string;
  created_date_time: string;
  user_id: string | null;
  user_principal_name: string | null;
  user_display_name: string | null;
  app_id: string | null;
  app_display_name: string | null;
  ip_address: string | null;
  client_app_used: string;
  is_interactive: number;
  error_code: number;
  failure_reason: string | null;
  authentication_method: string | null;
  correlation_id: string | null;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface SignInsTables {
  sign_ins: SignInsTable;
}
