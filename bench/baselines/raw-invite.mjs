// Baseline of P2: what POST /v1.0/invitations must write, done with the raw driver over Portico's
// own schema — the address lookup by its unique indexes, then the guest user, the invitation, the
// unsubscribe check, the outbox mail and the audit entry with its target, in one transaction —
// behind a bare Fastify route. SQLite (better-sqlite3, statements prepared once) or PostgreSQL
// (`pg`, a pool of 10). Env: PORT, DB_KIND (sqlite|postgres), SQLITE_FILE or DATABASE_URL, TENANT_ID.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import Fastify from 'fastify';

const tenantId = process.env.TENANT_ID;
const kind = process.env.DB_KIND;
const html = `<html><body>${'<p>You have been invited to collaborate. Accept the invitation to get started.</p>'.repeat(20)}</body></html>`;

const SQL = {
  find: 'select id from users where tenant_id = $1 and (mail_lower = $2 or upn_lower = $2) limit 1',
  user: `insert into users (id, tenant_id, display_name, mail, mail_lower, other_mails, user_principal_name, upn_lower, user_type,
    account_enabled, creation_type, external_user_state, external_user_state_change_date_time, identities, created_date_time)
    values ($1, $2, $3, $4, $5, $6, $7, $8, 'Guest', 1, 'Invitation', 'PendingAcceptance', $9, '[]', $9)`,
  invitation: `insert into invitations (id, tenant_id, user_id, invited_email, invited_email_lower, invited_user_type,
    invite_redirect_url, ticket_hash, status, send_invitation_message, cc_recipients, reset_redemption, created_date_time)
    values ($1, $2, $3, $4, $5, 'Guest', $6, $7, 'PendingAcceptance', 1, '[]', 0, $8)`,
  unsubscribed: 'select 1 from invitation_unsubscribes where tenant_id = $1 and email_lower = $2',
  outbox: `insert into outbox (id, tenant_id, kind, message_id, payload, status, attempts, next_attempt_at, created_date_time)
    values ($1, $2, 'invitation', $3, $4, 'pending', 0, $5, $5)`,
  audit: `insert into directory_audits (id, tenant_id, activity_date_time, activity_display_name, category, correlation_id,
    logged_by_service, operation_type, result, initiated_by, target_resources)
    values ($1, $2, $3, 'Invite external user', 'UserManagement', $4, 'Invited Users', 'Add', 'success', $5, $6)`,
  target: 'insert into directory_audit_targets (audit_id, tenant_id, target_id) values ($1, $2, $3)',
};

/** The parameters of each statement for one invitation (same order as the placeholders). */
function plan(email, redirect) {
  const lower = email.toLowerCase();
  const now = new Date().toISOString();
  const userId = randomUUID();
  const invitationId = randomUUID();
  const auditId = randomUUID();
  const upn = `${lower.replace('@', '_')}#EXT#@portico.local`;
  const payload = JSON.stringify({
    from: 'Portico <no-reply@portico.local>',
    to: [email],
    subject: 'You are invited',
    text: html,
    html,
  });
  return {
    userId,
    invitationId,
    find: [tenantId, lower],
    user: [userId, tenantId, email.split('@')[0], email, lower, '[]', upn, upn.toLowerCase(), now],
    invitation: [
      invitationId,
      tenantId,
      userId,
      email,
      lower,
      redirect,
      createHash('sha256').update(randomBytes(32)).digest('hex'),
      now,
    ],
    unsubscribed: [tenantId, lower],
    outbox: [randomUUID(), tenantId, `<${randomUUID()}@portico.local>`, payload, now],
    audit: [
      auditId,
      tenantId,
      now,
      randomUUID(),
      JSON.stringify({ app: { appId: 'bench' } }),
      JSON.stringify([{ id: userId, type: 'User' }]),
    ],
    target: [auditId, tenantId, userId],
  };
}

async function sqliteWriter() {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(process.env.SQLITE_FILE);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  // Anonymous placeholders, the parameters repeated where a $n is (prepared once, bound per call).
  const st = {};
  for (const [k, text] of Object.entries(SQL)) {
    const order = [...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]) - 1);
    const stmt = db.prepare(text.replace(/\$\d+/g, '?'));
    st[k] = (params) => order.map((i) => params[i]);
    st[k].stmt = stmt;
  }
  const bind = (k, p) => st[k].stmt[k === 'find' || k === 'unsubscribed' ? 'get' : 'run'](...st[k](p[k]));
  const tx = db.transaction((p) => {
    if (bind('find', p)) throw new Error('exists');
    for (const k of ['user', 'invitation', 'unsubscribed', 'outbox', 'audit', 'target']) bind(k, p);
  });
  return async (p) => tx(p);
}

async function pgWriter() {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  return async (p) => {
    const c = await pool.connect();
    try {
      await c.query('begin');
      if ((await c.query(SQL.find, p.find)).rows.length) throw new Error('exists');
      for (const k of ['user', 'invitation', 'unsubscribed', 'outbox', 'audit', 'target']) await c.query(SQL[k], p[k]);
      await c.query('commit');
    } catch (e) {
      await c.query('rollback');
      throw e;
    } finally {
      c.release();
    }
  };
}

const write = kind === 'postgres' ? await pgWriter() : await sqliteWriter();
const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/v1.0/invitations', async (req, reply) => {
  const body = req.body;
  const p = plan(String(body.invitedUserEmailAddress), String(body.inviteRedirectUrl));
  await write(p);
  return reply.code(201).send({ id: p.invitationId, invitedUser: { id: p.userId }, status: 'PendingAcceptance' });
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
