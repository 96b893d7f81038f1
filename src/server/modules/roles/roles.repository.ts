import type { Executor } from '../../db/index.js';
import { deleteTenantRows, rowById, tenantColumn } from '../../db/tenant-rows.js';
import type { ODataQuery } from '../../odata/query.js';
import { mappedPage } from '../../odata/rows-page.js';
import { roleAssignmentsResource } from './roles.query.js';
import type { RoleAssignmentsTable } from './roles.table.js';

export interface RoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  createdDateTime: string;
}

export const toRoleAssignment = (r: RoleAssignmentsTable): RoleAssignment => ({
  id: r.id,
  principalId: r.principal_id,
  roleDefinitionId: r.role_definition_id,
  directoryScopeId: r.directory_scope_id,
  createdDateTime: r.created_date_time,
});

/** Role template ids the principal holds at directory scope "/". */
export function listRoleIdsForPrincipal(db: Executor, tenantId: string, principalId: string): Promise<string[]> {
  const roles = db.selectFrom('role_assignments').select('role_definition_id');
  return tenantColumn(roles, tenantId, { principal_id: principalId, directory_scope_id: '/' }, 'role_definition_id');
}

export async function insertRoleAssignment(db: Executor, tenantId: string, a: RoleAssignment): Promise<void> {
  await db
    .insertInto('role_assignments')
    .values({
      id: a.id,
      tenant_id: tenantId,
      principal_id: a.principalId,
      role_definition_id: a.roleDefinitionId,
      directory_scope_id: a.directoryScopeId,
      created_date_time: a.createdDateTime,
    })
    .execute();
}

export async function deleteRoleAssignmentsOfPrincipal(db: Executor, tenantId: string, principalId: string): Promise<void> {
  await db.deleteFrom('role_assignments').where('tenant_id', '=', tenantId).where('principal_id', '=', principalId).execute();
}

export async function findRoleAssignment(db: Executor, tenantId: string, id: string): Promise<RoleAssignment | undefined> {
  const r = await rowById(db.selectFrom('role_assignments').selectAll(), tenantId, id);
  return r && toRoleAssignment(r);
}

/** One page of a tenant's role assignments in id (creation) order, with `$filter` and `$count`. */
export function listRoleAssignments(
  db: Executor,
  tenantId: string,
  q: ODataQuery,
): Promise<{ items: RoleAssignment[]; skiptoken?: string; count?: number }> {
  return mappedPage(
    db.selectFrom('role_assignments').where('tenant_id', '=', tenantId),
    roleAssignmentsResource,
    q,
    toRoleAssignment,
  );
}

/** Deletes one assignment; returns it, or undefined when it did not exist (or a concurrent request removed it). */
export async function deleteRoleAssignment(db: Executor, tenantId: string, id: string): Promise<RoleAssignment | undefined> {
  const found = await findRoleAssignment(db, tenantId, id);
  if (!found) return undefined;
  return (await deleteTenantRows(db.deleteFrom('role_assignments'), tenantId, { id: found.id })) ? found : undefined;
}

/** Principals holding a role at directory scope "/". */
export function listPrincipalsWithRole(db: Executor, tenantId: string, roleDefinitionId: string): Promise<string[]> {
  const principals = db.selectFrom('role_assignments').select('principal_id');
  return tenantColumn(principals, tenantId, { role_definition_id: roleDefinitionId }, 'principal_id');
}
