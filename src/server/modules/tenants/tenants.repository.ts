import { PostgresAdapter } from 'kysely';
import type { Executor } from '../../db/index.js';
import type { TenantsTable } from './tenants.table.js';

export interface Tenant {
  id: string;
  displayName: string;
  initialDomain: string;
  isDefault: boolean;
  privacyStatementUrl: string | null;
  privacyContactEmail: string | null;
  technicalNotificationMails: string[];
  createdDateTime: string;
}

export const toTenant = (r: TenantsTable): Tenant => ({
  id: r.id,
  displayName: r.display_name,
  initialDomain: r.initial_domain,
  isDefault: r.is_default === 1,
  privacyStatementUrl: r.privacy_statement_url,
  privacyContactEmail: r.privacy_contact_email,
  technicalNotificationMails: JSON.parse(r.technical_notification_mails) as string[],
  createdDateTime: r.created_date_time,
});

export async function findTenant(db: Executor, id: string): Promise<Tenant | undefined> {
  const r = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toTenant(r);
}

export async function findTenantByDomain(db: Executor, domain: string): Promise<Tenant | undefined> {
  const r = await db.selectFrom('tenants').selectAll().where('initial_domain', '=', domain.toLowerCase()).executeTakeFirst();
  return r && toTenant(r);
}

export async function findDefaultTenant(db: Executor): Promise<Tenant | undefined> {
  const r = await db
    .selectFrom('tenants')
    .selectAll()
    .where('is_default', '=', 1)
    .orderBy('created_date_time')
    .executeTakeFirst();
  return r && toTenant(r);
}

export async function insertTenant(db: Executor, t: Tenant): Promise<void> {
  await db
    .insertInto('tenants')
    .values({
      id: t.id,
      display_name: t.displayName,
      initial_domain: t.initialDomain,
      is_default: t.isDefault ? 1 : 0,
      privacy_statement_url: t.privacyStatementUrl,
      privacy_contact_email: t.privacyContactEmail,
      technical_notification_mails: JSON.stringify(t.technicalNotificationMails),
      created_date_time: t.createdDateTime,
    })
    .execute();
}

export async function updateTenant(
  db: Executor,
  id: string,
  patch: Partial<Pick<Tenant, 'displayName' | 'privacyStatementUrl' | 'privacyContactEmail' | 'technicalNotificationMails'>>,
): Promise<void> {
  const values: Partial<TenantsTable> = {};
  if (patch.displayName !== undefined) values.display_name = patch.displayName;
  if (patch.privacyStatementUrl !== undefined) values.privacy_statement_url = patch.privacyStatementUrl;
  if (patch.privacyContactEmail !== undefined) values.privacy_contact_email = patch.privacyContactEmail;
  if (patch.technicalNotificationMails !== undefined)
    values.technical_notification_mails = JSON.stringify(patch.technicalNotificationMails);
  if (Object.keys(values).length === 0) return;
  await db.updateTable('tenants').set(values).where('id', '=', id).execute();
}

/**
 * Takes the tenant row's lock for the rest of the transaction (a no-op update): serialises
 * tenant-wide invariants such as "at least one Global Administrator" across concurrent
 * transactions on PostgreSQL; SQLite serialises writers already.
 */
/**
 * Takes a shared lock on the tenant row for the rest of `trx` (PostgreSQL `for share`): many such
 * transactions run together, but not alongside one that holds `lockTenantRow`. SQLite serialises
 * writers already.
 */
export async function shareLockTenantRow(trx: Executor, id: string): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await trx.selectFrom('tenants').select('id').where('id', '=', id).forShare().execute();
}

export async function lockTenantRow(trx: Executor, id: string): Promise<void> {
  await trx
    .updateTable('tenants')
    .set((eb) => ({ display_name: eb.ref('display_name') }))
    .where('id', '=', id)
    .execute();
}
