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

/**
 * A change of a user or group (delta queries), written with the audit record of the change. `seq`
 * is null until a reader stamps it (changes.repository.ts); member_* describe a membership change.
 */
export interface DirectoryChangesTable {
  id: string;
  tenant_id: string;
  object_type: 'user' | 'group';
  object_id: string;
  member_id: string | null;
  member_type: string | null;
  member_change: 'added' | 'removed' | null;
  created_date_time: string;
  seq: number | null;
}

export interface DirectoryChangeCountersTable {
  tenant_id: string;
  seq: number;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface AuditTables {
  directory_audits: DirectoryAuditsTable;
  directory_audit_targets: DirectoryAuditTargetsTable;
  directory_changes: DirectoryChangesTable;
  directory_change_counters: DirectoryChangeCountersTable;
}
