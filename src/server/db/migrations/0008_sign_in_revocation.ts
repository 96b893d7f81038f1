import type { Kysely } from 'kysely';
import * as ddl from '../migration-helpers.js';

// Revocation that works (security issue): when a user's sign-in sessions were last revoked, which
// oidc-provider artefacts belong to which account, and the grants whose tokens are revoked.
// Same portability rules as 0001: text ids and ISO-8601 UTC timestamps.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Graph's user.signInSessionsValidFromDateTime: tokens and sessions from before it are refused.
  await db.schema.alterTable('users').addColumn('sign_in_sessions_valid_from', 'text').execute();

  // The account an artefact (session, grant, code, token) belongs to, so that everything a user
  // holds can be revoked at once. Rows written before this migration have none; the
  // signInSessionsValidFromDateTime check still refuses them.
  await db.schema.alterTable('oidc_payloads').addColumn('account_id', 'text').execute();
  await ddl.createIndex(db, 'oidc_payloads_account_ix', 'oidc_payloads', ['account_id']);

  // Grants whose tokens are revoked (code replay, refresh-token reuse, sign-out, revoked sessions).
  // Access tokens are JWTs checked without the database, so each process keeps these rows in memory
  // and polls for new ones by `revoked_at`; a row is kept until every access token issued before
  // the revocation has expired (`expires_at`).
  await ddl.createTableWithKey(db, 'oidc_revoked_grants', ['tenant_id', 'grant_id'], {
    tenant_id: 'text not null',
    grant_id: 'text not null',
    revoked_at: 'text not null',
    expires_at: 'text not null',
  });
  await ddl.createIndex(db, 'oidc_revoked_grants_revoked_ix', 'oidc_revoked_grants', ['revoked_at']);
  await ddl.createIndex(db, 'oidc_revoked_grants_expires_ix', 'oidc_revoked_grants', ['expires_at']);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_revoked_grants').ifExists().execute();
  await db.schema.dropIndex('oidc_payloads_account_ix').execute();
  await db.schema.alterTable('oidc_payloads').dropColumn('account_id').execute();
  await db.schema.alterTable('users').dropColumn('sign_in_sessions_valid_from').execute();
}
