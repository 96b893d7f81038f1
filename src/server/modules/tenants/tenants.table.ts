export interface TenantsTable {
  id: string;
  display_name: string;
  initial_domain: string;
  is_default: number;
  privacy_statement_url: string | null;
  privacy_contact_email: string | null;
  technical_notification_mails: string;
  created_date_time: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface TenantsTables {
  tenants: TenantsTable;
}
