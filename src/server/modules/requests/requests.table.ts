/** Requests for access to an application (My Apps → Request new apps), migration 0008. */
export interface AppAccessRequestsTable {
  id: string;
  tenant_id: string;
  service_principal_id: string;
  app_id: string;
  app_display_name: string;
  requester_id: string;
  requester_display_name: string;
  requester_user_principal_name: string | null;
  justification: string;
  group_id: string;
  app_role_id: string;
  require_approval: number;
  /** 'pending' | 'approved' | 'denied' | 'canceled' | 'failed' */
  status: string;
  created_date_time: string;
  decided_by_id: string | null;
  decided_by_display_name: string | null;
  decided_date_time: string | null;
  decision_reason: string | null;
}

/** Requests to join a group (My Groups → Join group / Request to join), migration 0008. */
export interface GroupJoinRequestsTable {
  id: string;
  tenant_id: string;
  group_id: string;
  group_display_name: string;
  requester_id: string;
  requester_display_name: string;
  requester_user_principal_name: string | null;
  justification: string | null;
  /** 'pending' | 'approved' | 'rejected' | 'canceled' | 'failed' */
  status: string;
  created_date_time: string;
  decided_by_id: string | null;
  decided_by_display_name: string | null;
  decided_date_time: string | null;
  decision_reason: string | null;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface RequestsTables {
  app_access_requests: AppAccessRequestsTable;
  group_join_requests: GroupJoinRequestsTable;
}
