import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

// Sign-in log (Graph's auditLogs/signIns): one row per interactive or application sign-in attempt,
// success or failure, written by the sign-in code through a port (modules/signins).

export async function up(db: Kysely<unknown>): Promise<void> {
  await ddl.createTable(db, 'sign_ins', {
    ...ddl.TENANT_RECORD,
    created_date_time: 'text not null',
    user_id: 'text',
    user_principal_name: 'text',
    user_display_name: 'text',
    app_id: 'text',
    app_display_name: 'text',
    ip_address: 'text',
    client_app_used: 'text not null',
    is_interactive: 'integer not null',
    error_code: 'integer not null',
    failure_reason: 'text',
    authentication_method: 'text',
    correlation_id: 'text',
  });
  await ddl.createIndex(db, 'sign_ins_time_ix', 'sign_ins', ['tenant_id', 'created_date_time', 'id']);
  await ddl.createIndex(db, 'sign_ins_user_ix', 'sign_ins', ['tenant_id', 'user_id']);
  await ddl.createIndex(db, 'sign_ins_app_ix', 'sign_ins', ['tenant_id', 'app_id']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_ins').ifExists().execute();
}
