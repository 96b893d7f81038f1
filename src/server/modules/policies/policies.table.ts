export interface PoliciesTable {
  tenant_id: string;
  name: string;
  value: string;
  updated_date_time: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface PoliciesTables {
  policies: PoliciesTable;
}
