import type { Kysely } from 'kysely';

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
  await db.schema.createIndex('oidc_payloads_account_ix').on('oidc_payloads').column('account_id').execute();

  // Grants whose tokens are revoked (code replay, refresh-token reuse, sign-out, revoked sessions).
  // Access tokens are JWTs checked without the database, so each process keeps these rows in memory
  // and polls for new ones by `revoked_at`; a row is kept until every access token issued before
  // the revocation has expired (`expires_at`).
  await db.schema
    .createTable('oidc_revoked_grants')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('oidc_revoked_grants_pk', ['tenant_id', 'grant_id'])
    .execute();
  await db.schema.createIndex('oidc_revoked_grants_revoked_ix').on('oidc_revoked_grants').column('revoked_at').execute();
  await db.schema.createIndex('oidc_revoked_grants_expires_ix').on('oidc_revoked_grants').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_revoked_grants').ifExists().execute();
  await db.schema.dropIndex('oidc_payloads_account_ix').execute();
  await db.schema.alterTable('oidc_payloads').dropColumn('account_id').execute();
  await db.schema.alterTable('users').dropColumn('sign_in_sessions_valid_from').execute();
}
