export interface RoleAssignmentsTable {
  id: string;
  tenant_id: string;
  principal_id: string;
  role_definition_id: string;
  directory_scope_id: string;
  created_date_time: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface RolesTables {
  role_assignments: RoleAssignmentsTable;
}
