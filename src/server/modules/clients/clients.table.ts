export interface AutomationClientsTable {
  id: string;
  tenant_id: string;
  display_name: string;
  secret_hash: string;
  permissions: string;
  created_date_time: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface ClientsTables {
  automation_clients: AutomationClientsTable;
}
