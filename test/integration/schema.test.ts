import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUniqueViolation } from '../../src/server/db/errors.js';
import { createDb, type DB, migrateToLatest } from '../../src/server/db/index.js';
import { buildTestApp, dialect, type TestApp } from '../helpers/app.js';

// One migration set serves SQLite and PostgreSQL. This file runs on both (vitest projects
// `sqlite` and `postgres`) and asserts the same observable behaviour on each.

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

const UNICODE = 'Zoë Ñúñez-Øster 李小龍 עִבְרִית 🚀👩🏽‍💻 e\u0301 "quotes" \'apostrophe\' back\\slash %_';

/** Column name → normalised type + nullability, per table, as the database itself reports them. */
async function schemaShape(db: Kysely<DB>): Promise<Record<string, string[]>> {
  // Views (read models) are checked by querying them, below; their column metadata differs by dialect.
  // On PostgreSQL Kysely lists every schema's tables: keep this database's (other suites may run).
  const current =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined;
  const tables = (await db.introspection.getTables()).filter(
    (tb) => !tb.isView && (current === undefined || tb.schema === current),
  );
  const norm = (type: string) => {
    const ty = type.toLowerCase();
    if (/^(int|int4|int8|integer|bigint)$/.test(ty)) return 'integer';
    if (/^(text|varchar|character varying)$/.test(ty)) return 'text';
    return ty;
  };
  return Object.fromEntries(
    tables
      .map((tb) => [tb.name, tb.columns.map((c) => `${c.name}:${norm(c.dataType)}${c.isNullable ? '?' : ''}`).sort()] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** The same migrations applied to a fresh embedded SQLite file, for comparison. */
async function sqliteReferenceShape(): Promise<Record<string, string[]>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-schema-'));
  const ref = await createDb({ database: { kind: 'sqlite', file: path.join(dir, 'portico.db') } });
  try {
    await migrateToLatest(ref.db);
    return await schemaShape(ref.db);
  } finally {
    await ref.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('migrated schema', () => {
  it('has the same tables, columns, types and nullability on both dialects', async () => {
    const shape = await schemaShape(t.database.db);
    expect(Object.keys(shape)).toEqual(
      expect.arrayContaining(['tenants', 'users', 'groups', 'group_members', 'directory_audits']),
    );
    // Only portable column types: ids, timestamps and JSON are text; booleans and counters integer.
    const types = new Set(Object.values(shape).flatMap((cols) => cols.map((c) => c.split(':')[1]?.replace('?', ''))));
    expect([...types].sort()).toEqual(['integer', 'text']);
    // On the PostgreSQL leg, compare column by column with the same migrations applied to SQLite.
    if (dialect === 'postgres') expect(shape).toEqual(await sqliteReferenceShape());
  });

  it('round-trips text, unicode, integers used as booleans, JSON text and NULLs byte for byte', async () => {
    const db = t.database.db;
    const id = t.app.portico.newId();
    const long = 'ü'.repeat(10_000);
    const json = JSON.stringify([{ signInType: 'emailAddress', issuer: 'contoso.test', issuerAssignedId: 'zoë@contoso.test' }]);
    await db
      .insertInto('users')
      .values({
        id,
        tenant_id: t.tenant.id,
        display_name: UNICODE,
        given_name: long,
        surname: null,
        mail: null,
        mail_lower: null,
        other_mails: '["zoë@example.com","ZOE@EXAMPLE.COM"]',
        user_principal_name: `roundtrip.${id}@contoso.test`,
        upn_lower: `roundtrip.${id}@contoso.test`,
        user_type: 'Member',
        account_enabled: 0,
        creation_type: null,
        external_user_state: null,
        external_user_state_change_date_time: null,
        identities: json,
        department: '',
        job_title: null,
        company_name: null,
        preferred_language: null,
        password_hash: null,
        created_date_time: '2026-11-27T10:15:02.123Z',
      })
      .execute();
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.display_name).toBe(UNICODE);
    expect(row.given_name).toBe(long);
    expect(row.surname).toBeNull();
    expect(row.department).toBe(''); // empty string stays distinct from NULL on both dialects
    expect(row.account_enabled).toBe(0);
    expect(typeof row.account_enabled).toBe('number');
    expect(row.identities).toBe(json);
    expect(JSON.parse(row.identities)).toEqual(JSON.parse(json));
    expect(row.other_mails).toBe('["zoë@example.com","ZOE@EXAMPLE.COM"]');
    expect(row.created_date_time).toBe('2026-11-27T10:15:02.123Z');

    await db.updateTable('users').set({ account_enabled: 1 }).where('id', '=', id).execute();
    const flipped = await db.selectFrom('users').select(['account_enabled']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(flipped.account_enabled).toBe(1);

    // Booleans as 0/1 filter the same way on both dialects.
    const enabled = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', t.tenant.id)
      .where('account_enabled', '=', 1)
      .executeTakeFirstOrThrow();
    expect(Number(enabled.n)).toBeGreaterThanOrEqual(2);
  });

  it('counts come back as numbers on both dialects', async () => {
    const r = await t.database.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('tenant_id', '=', t.tenant.id)
      .executeTakeFirstOrThrow();
    expect(typeof r.n).toBe('number');
  });

  it('orders ISO-8601 UTC timestamps chronologically as strings', async () => {
    const db = t.database.db;
    const stamps = [
      '2026-11-27T10:15:02.999Z',
      '2025-01-01T00:00:00.000Z',
      '2026-11-27T10:15:02.100Z',
      '2026-02-03T23:59:59.000Z',
      '2026-11-27T09:00:00.000Z',
    ];
    const ids: string[] = [];
    for (const at of stamps) {
      const id = t.app.portico.newId();
      ids.push(id);
      await db
        .insertInto('directory_audits')
        .values({
          id,
          tenant_id: t.tenant.id,
          activity_date_time: at,
          activity_display_name: 'Schema test',
          category: 'Other',
          correlation_id: id,
          logged_by_service: 'Core Directory',
          operation_type: 'Add',
          result: 'success',
          result_reason: '',
          initiated_by: '{}',
          initiator_user_id: null,
          initiator_app_id: null,
          target_resources: '[]',
          additional_details: '[]',
        })
        .execute();
    }
    const rows = await db
      .selectFrom('directory_audits')
      .select(['activity_date_time'])
      .where('activity_display_name', '=', 'Schema test')
      .orderBy('activity_date_time', 'asc')
      .execute();
    const chronological = [...stamps].sort((a, b) => Date.parse(a) - Date.parse(b));
    expect(rows.map((r) => r.activity_date_time)).toEqual(chronological);
    const after = await db
      .selectFrom('directory_audits')
      .select(['activity_date_time'])
      .where('activity_display_name', '=', 'Schema test')
      .where('activity_date_time', '>=', '2026-11-27T10:00:00Z')
      .orderBy('activity_date_time', 'desc')
      .execute();
    expect(after.map((r) => r.activity_date_time)).toEqual(['2026-11-27T10:15:02.999Z', '2026-11-27T10:15:02.100Z']);
  });

  it('compares text case-sensitively (case-insensitivity comes from the *_lower columns)', async () => {
    const r = await sql<{ same: number }>`select case when 'Adele' = 'adele' then 1 else 0 end as same`.execute(t.database.db);
    expect(Number(r.rows[0]?.same)).toBe(0);
  });

  it('reports unique violations in a form services understand on both dialects', async () => {
    const db = t.database.db;
    const err = await db
      .insertInto('tenants')
      .values({
        id: t.app.portico.newId(),
        display_name: 'Duplicate domain',
        initial_domain: t.tenant.initialDomain,
        is_default: 0,
        privacy_statement_url: null,
        privacy_contact_email: null,
        technical_notification_mails: '[]',
        created_date_time: new Date().toISOString(),
      })
      .execute()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeDefined();
    expect(asUniqueViolation(err)).toMatchObject({ kind: 'unique' });
  });

  it('enforces foreign keys on both dialects', async () => {
    const err = await t.database.db
      .insertInto('group_members')
      .values({
        tenant_id: t.tenant.id,
        group_id: t.app.portico.newId(),
        member_id: t.admin.user.id,
        member_type: 'user',
        created_date_time: new Date().toISOString(),
      })
      .execute()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeDefined();
  });
});

describe('case-insensitive uniqueness through the API', () => {
  const create = (upn: string, extra: Record<string, unknown> = {}) =>
    t.call('POST', '/v1.0/users', {
      token: t.admin.token,
      body: {
        displayName: 'Adele Vance',
        userPrincipalName: upn,
        passwordProfile: { password: 'Correct-Horse-9!' },
        accountEnabled: true,
        ...extra,
      },
    });

  it('refuses a userPrincipalName that differs only in case with 400 and a clear message', async () => {
    const first = await create('Adele.Vance@contoso.test');
    expect(first.statusCode).toBe(201);
    expect(first.json().userPrincipalName).toBe('Adele.Vance@contoso.test'); // stored as given

    const dup = await create('adele.vance@CONTOSO.TEST');
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.code).toBe('Request_BadRequest');
    expect(dup.json().error.message).toMatch(/userPrincipalName already exists/);
  });

  it('refuses a mail that differs only in case with 400 and a clear message', async () => {
    const first = await create('megan.bowen@contoso.test', { mail: 'Megan.Bowen@Fabrikam.example' });
    expect(first.statusCode).toBe(201);
    const dup = await create('megan.b@contoso.test', { mail: 'megan.bowen@FABRIKAM.example' });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.message).toMatch(/property mail already exists/);
  });

  it('round-trips unicode and booleans through the API', async () => {
    const created = await create('zoe.nunez@contoso.test', {
      displayName: 'Zoë Ñúñez 李小龍 🚀',
      givenName: 'Zoë',
      accountEnabled: false,
      otherMails: ['zoë.personal@example.com'.replace('ë', 'e')],
    });
    expect(created.statusCode).toBe(201);
    const got = await t.call('GET', `/v1.0/users/${created.json().id}`, { token: t.admin.token });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({
      displayName: 'Zoë Ñúñez 李小龍 🚀',
      givenName: 'Zoë',
      accountEnabled: false,
      otherMails: ['zoe.personal@example.com'],
    });
    const byUpn = await t.call('GET', `/v1.0/users/${encodeURIComponent('ZOE.NUNEZ@contoso.test')}`, { token: t.admin.token });
    expect(byUpn.statusCode).toBe(200);
    expect(byUpn.json().id).toBe(created.json().id);
  });
});
