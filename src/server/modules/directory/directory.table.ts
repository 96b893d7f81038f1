/**
 * A soft-deleted user or group (Graph's directory/deletedItems), kept 30 days. `snapshot` is JSON:
 * the object's row and relationships as the owning features captured them, handed back to them on
 * restore.
 */
export interface DeletedDirectoryObjectsTable {
  id: string;
  tenant_id: string;
  object_type: 'user' | 'group';
  display_name: string | null;
  user_principal_name: string | null;
  mail: string | null;
  deleted_date_time: string;
  snapshot: string;
}

/** Tables owned by this unit; only its repository queries them (db/types.ts assembles the database type). */
export interface DirectoryTables {
  deleted_directory_objects: DeletedDirectoryObjectsTable;
}
