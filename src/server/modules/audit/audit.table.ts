export interface DirectoryAuditsTable {
  id: string;
  tenant_id: string;
  activity_date_time: string;
  activity_display_name: string;
  category: string;
  correlation_id: string;
  logged_by_service: string;
  operation_type: string;
  result: string;
  result_reason: string;
  initiated_by: string;
  initiator_user_id: string | null;
  initiator_app_id: string | null;
  target_resources: string;
  additional_details: string;
}

export interface DirectoryAuditTargetsTable {
  audit_id: string;
  tenant_id: string;
  target_id: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface AuditTables {
  directory_audits: DirectoryAuditsTable;
  directory_audit_targets: DirectoryAuditTargetsTable;
}
