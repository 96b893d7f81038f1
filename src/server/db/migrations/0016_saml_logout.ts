import type { Kysely } from 'kysely';

// SAML single logout: the SAML sessions the IdP issued (NameID + SessionIndex per assertion, and
// the browser session they belong to) and the logouts in progress that walk through them. Same
// portability rules as 0001: text ids, ISO-8601 UTC timestamps, integers for flags.

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per assertion issued: its SessionIndex, the NameID the application received and the
  // Portico browser session (oidc-provider's session uid) that signed the user in. A logout ends
  // every row of the browser session; `logout_id`/`logout_request_id` name the logout that sent
  // this application a LogoutRequest and the request's ID, so its LogoutResponse can be matched.
  await db.schema
    .createTable('saml_sessions')
    .addColumn('session_index', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('service_principal_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('name_id', 'text', (c) => c.notNull())
    .addColumn('name_id_format', 'text', (c) => c.notNull())
    .addColumn('sp_entity_id', 'text', (c) => c.notNull())
    .addColumn('browser_session', 'text')
    .addColumn('created_date_time', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('ended_date_time', 'text')
    .addColumn('logout_id', 'text')
    .addColumn('logout_request_id', 'text')
    .execute();
  await db.schema.createIndex('saml_sessions_browser_ix').on('saml_sessions').columns(['tenant_id', 'browser_session']).execute();
  await db.schema
    .createIndex('saml_sessions_principal_ix')
    .on('saml_sessions')
    .columns(['tenant_id', 'service_principal_id', 'name_id'])
    .execute();
  await db.schema.createIndex('saml_sessions_logout_request_ix').on('saml_sessions').column('logout_request_id').execute();
  await db.schema.createIndex('saml_sessions_expiry_ix').on('saml_sessions').column('expires_at').execute();

  // A logout in progress: who started it (an application's LogoutRequest, answered at the end, or
  // Portico's own sign-out, which continues at `return_to`), and whether every participant confirmed.
  await db.schema
    .createTable('saml_logouts')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('browser_session', 'text')
    .addColumn('return_to', 'text')
    .addColumn('initiator_sp_id', 'text')
    .addColumn('initiator_request_id', 'text')
    .addColumn('initiator_relay_state', 'text')
    .addColumn('initiator_binding', 'text')
    .addColumn('partial', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('saml_logouts_expiry_ix').on('saml_logouts').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('saml_logouts').ifExists().execute();
  await db.schema.dropTable('saml_sessions').ifExists().execute();
}
