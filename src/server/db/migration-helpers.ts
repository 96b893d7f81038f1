import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';

// Builders for the statements the migrations repeat: a table from a column list, an index, the
// drop of a set of tables. Migrations import only kysely and this file (test/architecture), and this
// file imports only kysely: what a migration creates never depends on the app.
//
// FROZEN: applied migrations use these helpers, and databases (SQLite files, PostgreSQL schemas)
// already hold what they emitted. Never change what a helper emits — the statement, its column
// order, types, constraints or defaults; add a new helper (or a new option that defaults to the old
// output) instead. test/integration/migration-snapshot.test.ts compares the migrated schema of both
// dialects with a committed snapshot and fails on any difference.

/**
 * One column, written as in SQL: `<type> [primary key] [not null] [default <'text'|integer>]
 * [references <table>.<column> [on delete cascade|set null]]`, in this order. Examples:
 * `text primary key not null`, `integer not null default 0`,
 * `text not null references tenants.id on delete cascade`.
 */
type ColumnSpec = string;

const COLUMN =
  /^(text|integer)( primary key)?( not null)?(?: default ('[^']*'|-?\d+))?(?: references (\w+\.\w+)(?: on delete (cascade|set null))?)?$/;

/** The Kysely column builder call for a column spec (the same calls the migrations made by hand). */
function column(spec: ColumnSpec): [type: 'text' | 'integer', build: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  const m = COLUMN.exec(spec);
  if (!m) throw new Error(`migration-helpers: cannot read column spec '${spec}'`);
  const [, type, primaryKey, notNull, defaultTo, references, onDelete] = m;
  return [
    type as 'text' | 'integer',
    (c) => {
      let b = c;
      if (primaryKey) b = b.primaryKey();
      if (notNull) b = b.notNull();
      if (defaultTo !== undefined) b = b.defaultTo(defaultTo.startsWith("'") ? defaultTo.slice(1, -1) : Number(defaultTo));
      if (references) b = b.references(references);
      if (onDelete) b = b.onDelete(onDelete as 'cascade' | 'set null');
      return b;
    },
  ];
}

/** The first columns of a tenant's object: its id, and its tenant (a foreign key to `tenants`). */
export const TENANT_OBJECT = Object.freeze({ id: 'text primary key not null', tenant_id: 'text not null references tenants.id' });

/** The first columns of a tenant's record kept apart from its objects (logs, queues): no foreign key. */
export const TENANT_RECORD = Object.freeze({ id: 'text primary key not null', tenant_id: 'text not null' });

/**
 * `create table <name> (<columns in the order given>)`. A column without modifiers (`'text'`) is a
 * plain nullable column.
 */
export async function createTable(db: Kysely<unknown>, name: string, columns: Record<string, ColumnSpec>): Promise<void> {
  await tableOf(db, name, columns).execute();
}

/** `create table <name> (<columns in the order given>, constraint <name>_pk primary key (<primaryKey>))`. */
export async function createTableWithKey(
  db: Kysely<unknown>,
  name: string,
  primaryKey: string[],
  columns: Record<string, ColumnSpec>,
): Promise<void> {
  await tableOf(db, name, columns)
    .addPrimaryKeyConstraint(`${name}_pk`, primaryKey as never)
    .execute();
}

/**
 * A link from a parent row to another object (members, owners, sponsors): `tenant_id`, the parent's
 * column (a foreign key: links go with their parent), the object's column, `columns`,
 * `created_date_time`; primary key (parent, object) named `<name>_pk`. The object's side has no
 * foreign key (it may be a user or a group): services delete its links with it.
 */
export async function createLinkTable(
  db: Kysely<unknown>,
  name: string,
  parent: [column: string, references: string],
  object: string,
  columns: Record<string, ColumnSpec> = {},
): Promise<void> {
  await createTableWithKey(db, name, [parent[0], object], {
    tenant_id: 'text not null',
    [parent[0]]: `text not null references ${parent[1]} on delete cascade`,
    [object]: 'text not null',
    ...columns,
    created_date_time: 'text not null',
  });
}

function tableOf(db: Kysely<unknown>, name: string, columns: Record<string, ColumnSpec>) {
  let builder = db.schema.createTable(name);
  for (const [col, spec] of Object.entries(columns)) builder = builder.addColumn(col, ...column(spec));
  return builder;
}

/**
 * `create [unique] index <name> on <table> (<columns>) [where <column> = '<value>']`: the partial
 * form is how "one pending request per person and target" is unique on both dialects.
 */
export async function createIndex(
  db: Kysely<unknown>,
  name: string,
  table: string,
  columns: string[],
  opts: { unique?: boolean; where?: [column: string, equals: string] } = {},
): Promise<void> {
  let builder = db.schema.createIndex(name).on(table).columns(columns);
  if (opts.unique) builder = builder.unique();
  if (opts.where) builder = builder.where(sql.ref(opts.where[0]), '=', opts.where[1]);
  await builder.execute();
}

/** `drop table if exists` each table, in the order given (dependents first). */
export async function dropTables(db: Kysely<unknown>, names: string[]): Promise<void> {
  for (const name of names) await db.schema.dropTable(name).ifExists().execute();
}

/**
 * The read model `app_role_assignment_details` as 0006 created it (principals: users and groups).
 * 0018 replaced it (service principals too); its `down` restores this one. The statement's text
 * stays as it was, whitespace included: SQLite keeps a view's text verbatim.
 */
export async function createAppRoleAssignmentDetailsOf0006(db: Kysely<unknown>): Promise<void> {
  await sql`
    create view app_role_assignment_details as
      select a.id, a.tenant_id, a.resource_id, a.principal_id, a.principal_type, a.app_role_id, a.created_date_time,
        coalesce(u.display_name, g.display_name) as principal_display_name,
        sp.display_name as resource_display_name
      from app_role_assignments a
      inner join service_principals sp on sp.id = a.resource_id
      left join users u on u.id = a.principal_id and a.principal_type = 'User'
      left join groups g on g.id = a.principal_id and a.principal_type = 'Group'
  `.execute(db);
}
