import type { Executor } from '../../db/index.js';
import type { AutomationClientsTable } from './clients.table.js';

export interface AutomationClient {
  clientId: string;
  tenantId: string;
  displayName: string;
  permissions: string[];
  createdDateTime: string;
}

const toClient = (r: AutomationClientsTable): AutomationClient & { secretHash: string } => ({
  clientId: r.id,
  tenantId: r.tenant_id,
  displayName: r.display_name,
  permissions: JSON.parse(r.permissions) as string[],
  createdDateTime: r.created_date_time,
  secretHash: r.secret_hash,
});

export async function insertClient(db: Executor, client: AutomationClient, secretHash: string): Promise<void> {
  await db
    .insertInto('automation_clients')
    .values({
      id: client.clientId,
      tenant_id: client.tenantId,
      display_name: client.displayName,
      secret_hash: secretHash,
      permissions: JSON.stringify(client.permissions),
      created_date_time: client.createdDateTime,
    })
    .execute();
}

/** By id, in any tenant (`tenantId` narrows it), with the stored secret hash. */
export async function findClientRow(
  db: Executor,
  clientId: string,
  tenantId?: string,
): Promise<(AutomationClient & { secretHash: string }) | undefined> {
  let q = db.selectFrom('automation_clients').selectAll().where('id', '=', clientId);
  if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
  const r = await q.executeTakeFirst();
  return r && toClient(r);
}
