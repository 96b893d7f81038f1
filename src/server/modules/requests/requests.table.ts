/** The columns both request tables share: who asked, when, and the decision (migration 0008). */
interface RequestColumns {
  id: string;
  tenant_id: string;
  requester_id: string;
  requester_display_name: string;
  requester_user_principal_name: string | null;
  created_date_time: string;
  decided_by_id: string | null;
  decided_by_display_name: string | null;
  decided_date_time: string | null;
  decision_reason: string | null;
}

/** Requests for access to an application (My Apps → Request new apps), migration 0008. */
export interface AppAccessRequestsTable extends RequestColumns {
  service_principal_id: string;
  app_id: string;
  app_display_name: string;
  justification: string;
  group_id: string;
  app_role_id: string;
  require_approval: number;
  /** 'pending' | 'approved' | 'denied' | 'canceled' | 'failed' */
  status: string;
}

/** Requests to join a group (My Groups → Join group / Request to join), migration 0008. */
export interface GroupJoinRequestsTable extends RequestColumns {
  group_id: string;
  group_display_name: string;
  justification: string | null;
  /** 'pending' | 'approved' | 'rejected' | 'canceled' | 'failed' */
  status: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface RequestsTables {
  app_access_requests: AppAccessRequestsTable;
  group_join_requests: GroupJoinRequestsTable;
}
