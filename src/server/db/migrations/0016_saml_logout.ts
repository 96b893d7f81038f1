import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

// SAML single logout: the SAML sessions the IdP issued (NameID + SessionIndex per assertion, and
// the browser session they belong to) and the logouts in progress that walk through them. Same
// portability rules as 0001: text ids, ISO-8601 UTC timestamps, integers for flags.

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per assertion issued: its SessionIndex, the NameID the application received and the
  // Portico browser session (oidc-provider's session uid) that signed the user in. A logout ends
  // every row of the browser session; `logout_id`/`logout_request_id` name the logout that sent
  // this application a LogoutRequest and the request's ID, so its LogoutResponse can be matched.
  await ddl.createTable(db, 'saml_sessions', {
    session_index: 'text primary key not null',
    tenant_id: 'text not null',
    service_principal_id: 'text not null',
    user_id: 'text not null',
    name_id: 'text not null',
    name_id_format: 'text not null',
    sp_entity_id: 'text not null',
    browser_session: 'text',
    created_date_time: 'text not null',
    expires_at: 'text not null',
    ended_date_time: 'text',
    logout_id: 'text',
    logout_request_id: 'text',
  });
  await ddl.createIndex(db, 'saml_sessions_browser_ix', 'saml_sessions', ['tenant_id', 'browser_session']);
  await ddl.createIndex(db, 'saml_sessions_principal_ix', 'saml_sessions', ['tenant_id', 'service_principal_id', 'name_id']);
  await ddl.createIndex(db, 'saml_sessions_logout_request_ix', 'saml_sessions', ['logout_request_id']);
  await ddl.createIndex(db, 'saml_sessions_expiry_ix', 'saml_sessions', ['expires_at']);

  // A logout in progress: who started it (an application's LogoutRequest, answered at the end, or
  // Portico's own sign-out, which continues at `return_to`), and whether every participant confirmed.
  await ddl.createTable(db, 'saml_logouts', {
    ...ddl.TENANT_RECORD,
    browser_session: 'text',
    return_to: 'text',
    initiator_sp_id: 'text',
    initiator_request_id: 'text',
    initiator_relay_state: 'text',
    initiator_binding: 'text',
    partial: 'integer not null default 0',
    expires_at: 'text not null',
  });
  await ddl.createIndex(db, 'saml_logouts_expiry_ix', 'saml_logouts', ['expires_at']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await ddl.dropTables(db, ['saml_logouts', 'saml_sessions']);
}
