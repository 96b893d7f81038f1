import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

// A user's manager (Graph's `manager` / `directReports`): another user of the same tenant (the
// service checks the tenant and refuses cycles). Deleting the manager's row (soft delete moves it
// to deletedItems) clears the reference, as Entra drops links to deleted objects. A column-level
// foreign key, because SQLite adds columns only with column constraints.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('manager_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await ddl.createIndex(db, 'users_manager_ix', 'users', ['tenant_id', 'manager_id']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_manager_ix').ifExists().execute();
  await db.schema.alterTable('users').dropColumn('manager_id').execute();
}
