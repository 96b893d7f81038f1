import { type Kysely, sql } from 'kysely';

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
  await sql`
    create view app_role_assignment_details as
      select a.id, a.tenant_id, a.resource_id, a.principal_id, a.principal_type, a.app_role_id, a.created_date_time,
        coalesce(u.display_name, g.display_name) as principal_display_name,
        sp.display_name as resource_display_name
      from app_role_assignments a
      inner join service_principals sp on sp.id = a.resource_id
      left join users u on u.id = a.principal_id and a.principal_type = 'User'
      left join groups g on g.id = a.principal_id and a.principal_type = 'Group'
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop view app_role_assignment_details`.execute(db);
  await sql`drop view directory_objects`.execute(db);
}
