import { type Kysely, sql } from 'kysely';
import * as ddl from '../migration-helpers.js';

// Read models: views that let one unit read, in one query, data another unit owns, without its
// repository naming the other unit's tables (docs/architecture.md, "Read models"). Each view is
// declared in the *.table.ts of the unit that reads it; the owners of the base tables keep its
// columns working (PostgreSQL refuses to drop a column a view uses).

export async function up(db: Kysely<unknown>): Promise<void> {
  // Groups: the objects that can be members or owners (users and groups), for member listings
  // that filter, order and page across both kinds.
  await sql`
    create view directory_objects as
      select id, tenant_id, 'user' as object_type, display_name, mail, created_date_time from users
      union all
      select id, tenant_id, 'group' as object_type, display_name, mail, created_date_time from groups
  `.execute(db);
  // Applications: assignments with the current display names of principal and resource (read at
  // query time, never stale), for appRoleAssignedTo / appRoleAssignments listings.
  await ddl.createAppRoleAssignmentDetailsOf0006(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop view app_role_assignment_details`.execute(db);
  await sql`drop view directory_objects`.execute(db);
}
