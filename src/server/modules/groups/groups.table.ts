export interface GroupsTable {
  id: string;
  tenant_id: string;
  display_name: string;
  description: string | null;
  mail_nickname: string;
  mail_nickname_lower: string;
  mail: string | null;
  mail_enabled: number;
  security_enabled: number;
  group_types: string;
  membership_rule: string | null;
  membership_rule_processing_state: string | null;
  on_premises_sync_enabled: number | null;
  visibility: string | null;
  is_assignable_to_role: number;
  /** 'open' | 'ownerApproval' | 'closed' (migration 0008). */
  join_policy: string;
  created_by_user_id: string | null;
  created_date_time: string;
  /** SCIM externalId (migration 0011); written only by setExternalId, never by the Graph row mapping. */
  external_id?: string | null;
}

export interface GroupMembersTable {
  tenant_id: string;
  group_id: string;
  member_id: string;
  member_type: 'user' | 'group' | 'servicePrincipal';
  created_date_time: string;
}

export interface GroupOwnersTable {
  tenant_id: string;
  group_id: string;
  owner_id: string;
  owner_type: 'user' | 'servicePrincipal';
  created_date_time: string;
}

/** Read model (view, migration 0006): users and groups as directory objects, for member listings. */
export interface DirectoryObjectsView {
  id: string;
  tenant_id: string;
  object_type: 'user' | 'group';
  display_name: string;
  mail: string | null;
  created_date_time: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface GroupsTables {
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_owners: GroupOwnersTable;
  directory_objects: DirectoryObjectsView;
}
