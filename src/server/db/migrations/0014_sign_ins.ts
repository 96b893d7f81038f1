import type { Kysely } from 'kysely';

// Sign-in log (Graph's auditLogs/signIns): one row per interactive or application sign-in attempt,
// success or failure, written by the sign-in code through a port (modules/signins).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sign_ins')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('user_principal_name', 'text')
    .addColumn('user_display_name', 'text')
    .addColumn('app_id', 'text')
    .addColumn('app_display_name', 'text')
    .addColumn('ip_address', 'text')
    .addColumn('client_app_used', 'text', (c) => c.notNull())
    .addColumn('is_interactive', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'integer', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('authentication_method', 'text')
    .addColumn('correlation_id', 'text')
    .execute();
  await db.schema.createIndex('sign_ins_time_ix').on('sign_ins').columns(['tenant_id', 'created_date_time', 'id']).execute();
  await db.schema.createIndex('sign_ins_user_ix').on('sign_ins').columns(['tenant_id', 'user_id']).execute();
  await db.schema.createIndex('sign_ins_app_ix').on('sign_ins').columns(['tenant_id', 'app_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_ins').ifExists().execute();
}
