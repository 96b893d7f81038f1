import { type ImportRef, type ParsedFile, parseFile, TS_FILE } from './parse.js';

// The architecture rules of ARCHITECTURE.md §2–3 and the "structure" issue, as a pure function over
// source texts: no file system here, so unit tests can hand it synthetic trees. Each violation names
// a rule, a place and the fix; (rule, where, detail) is the line-free key known-violations.json records.

export type RuleId =
  | 'module-cycle'
  | 'layering'
  | 'foreign-repository'
  | 'table-ownership'
  | 'sql-outside-repository'
  | 'function-length'
  | 'routes-no-db'
  | 'domain-no-io'
  | 'migration-imports'
  | 'contracts-self-contained'
  | 'web-over-http'
  | 'process-env';

export interface Violation {
  rule: RuleId;
  /** Repository-relative path with forward slashes. */
  file: string;
  line: number;
  /**
   * What known-violations.json records: the file, or for rules about units (module-cycle,
   * table-ownership) the unit's directory, so splitting a file does not churn the list.
   */
  where: string;
  /** Stable, line-free identity within (rule, where): a table, a function name, an import edge… */
  detail: string;
  /** What is wrong and how to fix it. */
  message: string;
}

export interface SourceText {
  /** Repository-relative path with forward slashes, e.g. `src/server/app.ts`. */
  path: string;
  text: string;
}

export const MAX_FUNCTION_LINES = 150;
export const UNOWNED = 'unowned';
const SERVER = 'src/server/';
const COMPOSITION_ROOT = new Set(['src/server/app.ts', 'src/server/main.ts']);

/**
 * The unit a file belongs to: `modules/<feature>`, `protocols/<p>`, `http`, `platform`, `domain`,
 * `db`, `config`, `root` (app.ts, main.ts), `server` (any other file in src/server), `contracts`,
 * `web`, or undefined outside src/.
 */
export function unitOf(file: string): string | undefined {
  if (file.startsWith('src/contracts/')) return 'contracts';
  if (file.startsWith('src/web/')) return 'web';
  if (!file.startsWith(SERVER)) return undefined;
  if (COMPOSITION_ROOT.has(file)) return 'root';
  const parts = file.slice(SERVER.length).split('/');
  const [top, sub] = parts;
  if ((top === 'modules' || top === 'protocols') && parts.length > 2) return `${top}/${sub}`;
  if (top !== undefined && parts.length > 1) return top;
  return 'server';
}

const isFeatureUnit = (u: string | undefined) => u !== undefined && /^(modules|protocols)(\/|$)/.test(u);
// OData resource descriptions (*.query.ts) map a unit's own tables to SQL (custom filter compilers): persistence too.
const isRepository = (f: string) => /\.repository\.tsx?$/.test(f);
const isPersistence = (f: string) => isRepository(f) || /\.query\.tsx?$/.test(f);
const isTableFile = (f: string) => /\.table\.tsx?$/.test(f);
const isDbInternal = (f: string) => f.startsWith('src/server/db/');

interface Context {
  files: ParsedFile[];
  /** table → owning unit (or UNOWNED) and where it is declared */
  tables: Map<string, { owner: string; file: string }>;
}

type Rule = (ctx: Context) => Violation[];

const v = (rule: RuleId, file: string, line: number, detail: string, message: string, where = file): Violation => ({
  rule,
  file,
  line,
  where,
  detail,
  message,
});

/** `src/server/modules/groups/` for a file of that unit; the file itself for app.ts, main.ts and loose files. */
export function unitDirOf(file: string): string {
  const unit = unitOf(file);
  if (unit === undefined || unit === 'root' || unit === 'server') return file;
  if (unit === 'contracts' || unit === 'web') return `src/${unit}/`;
  return `${SERVER}${unit}/`;
}

// ---------------------------------------------------------------------------------------------------
// Import rules

function importsOf(ctx: Context, where: (f: ParsedFile) => boolean) {
  return ctx.files.filter(where).flatMap((f) => f.imports.map((i) => ({ f, i })));
}

const importDetail = (i: ImportRef) => `imports ${i.resolved ?? i.spec}`;

const routesNoDb: Rule = (ctx) =>
  importsOf(ctx, (f) => /\.routes\.tsx?$/.test(f.path))
    .filter(({ i }) => i.resolved !== undefined && (i.resolved.startsWith('src/server/db/') || isRepository(i.resolved)))
    .map(({ f, i }) =>
      v(
        'routes-no-db',
        f.path,
        i.line,
        importDetail(i),
        `routes go through services: ${f.path} imports '${i.spec}'; call a service instead (move what the route needs, e.g. an OData resource spec, out of the repository/db)`,
      ),
    );

const foreignRepository: Rule = (ctx) =>
  importsOf(ctx, (f) => f.path.startsWith(SERVER) && f.path !== 'src/server/app.ts')
    .filter(({ f, i }) => {
      if (!i.resolved || !(isRepository(i.resolved) || isTableFile(i.resolved))) return false;
      const from = unitOf(f.path);
      const to = unitOf(i.resolved);
      if (from === to) return false;
      return !(from === 'db' && isTableFile(i.resolved)); // db/ assembles the feature tables into DB
    })
    .map(({ f, i }) =>
      v(
        'foreign-repository',
        f.path,
        i.line,
        importDetail(i),
        `${unitOf(f.path)} reaches into ${unitOf(i.resolved ?? '')}'s persistence ('${i.spec}'): a feature's repository and tables are private; call ${unitOf(i.resolved ?? '')}'s service instead`,
      ),
    );

function layeringProblem(file: string, target: string): string | undefined {
  const from = unitOf(file);
  const to = unitOf(target);
  if (from === undefined || to === undefined || from === to || !file.startsWith(SERVER)) return undefined;
  if (to === 'root') return 'nothing imports the composition root (app.ts, main.ts): move the shared piece down into a unit';
  if (from.startsWith('modules')) {
    if (to.startsWith('protocols')) {
      return 'modules must not import protocols: protocols are adapters built in app.ts; define a port interface in the module and let app.ts pass the adapter in';
    }
    // A feature's routes are its HTTP adapter and use the http/ plugins; the rest of a module does not.
    if (to === 'http' && !/\.routes\.tsx?$/.test(file)) {
      return "only a module's *.routes.ts may import http/: services and repositories stay transport-free (move the shared piece, e.g. OData query building, out of http/ or into the routes)";
    }
  }
  if (from === 'domain' && to !== 'contracts' && to !== 'domain') {
    return 'domain imports only domain/ and contracts: move the dependency out, or pass the value in';
  }
  if (from === 'platform' && (to.startsWith('modules') || to.startsWith('protocols') || to === 'http')) {
    return 'platform must not import modules, protocols or http: it is the layer they build on (move the shared piece into platform/ or pass it in)';
  }
  return undefined;
}

const layering: Rule = (ctx) =>
  importsOf(ctx, (f) => f.path.startsWith(SERVER))
    .flatMap(({ f, i }) => {
      const problem = i.resolved ? layeringProblem(f.path, i.resolved) : undefined;
      return problem ? [{ f, i, problem }] : [];
    })
    .map(({ f, i, problem }) =>
      v(
        'layering',
        f.path,
        i.line,
        `${unitOf(f.path)} -> ${unitOf(i.resolved ?? '')}`,
        `${f.path} imports '${i.spec}': ${problem}`,
      ),
    );

const IO_PACKAGES =
  /^(node:)?(fs|fs\/promises|net|http|https|http2|dgram|dns|child_process|cluster|worker_threads|tls|readline)$|^(kysely|pg|better-sqlite3|fastify|@fastify\/.*|oidc-provider|nodemailer|pino)$/;

const domainNoIo: Rule = (ctx) =>
  importsOf(ctx, (f) => f.path.startsWith('src/server/domain/'))
    .filter(({ i }) => i.resolved === undefined && IO_PACKAGES.test(i.spec))
    .map(({ f, i }) =>
      v(
        'domain-no-io',
        f.path,
        i.line,
        importDetail(i),
        `domain/ does no I/O but imports '${i.spec}': keep policies pure and let services do the I/O`,
      ),
    );

/** The frozen statement builders migrations may use (they import only kysely too). */
const MIGRATION_HELPERS = 'src/server/db/migration-helpers.ts';

const migrationImports: Rule = (ctx) =>
  importsOf(ctx, (f) => f.path.startsWith('src/server/db/migrations/') || f.path === MIGRATION_HELPERS)
    .filter(({ i }) => i.resolved !== MIGRATION_HELPERS && (i.resolved !== undefined || i.spec !== 'kysely'))
    .map(({ f, i }) =>
      v(
        'migration-imports',
        f.path,
        i.line,
        importDetail(i),
        `a migration describes tables as they were at its version and imports only 'kysely' (and the frozen db/migration-helpers.ts, which imports only 'kysely'), not '${i.spec}'`,
      ),
    );

const contractsSelfContained: Rule = (ctx) =>
  importsOf(ctx, (f) => f.path.startsWith('src/contracts/'))
    .filter(({ i }) => i.resolved !== undefined && !i.resolved.startsWith('src/contracts/'))
    .map(({ f, i }) =>
      v(
        'contracts-self-contained',
        f.path,
        i.line,
        importDetail(i),
        `src/contracts imports nothing in-repo outside contracts ('${i.spec}'): move the type into contracts`,
      ),
    );

const webOverHttp: Rule = (ctx) =>
  importsOf(ctx, (f) => f.path.startsWith('src/web/'))
    .filter(({ i }) => i.resolved?.startsWith('src/server/') ?? false)
    .map(({ f, i }) =>
      v(
        'web-over-http',
        f.path,
        i.line,
        importDetail(i),
        `the web app reaches the server only over HTTP: import wire types from src/contracts, not '${i.spec}'`,
      ),
    );

const processEnv: Rule = (ctx) =>
  ctx.files
    .filter((f) => !f.path.startsWith('src/server/config/'))
    .flatMap((f) =>
      f.envReads.map((r) =>
        v(
          'process-env',
          f.path,
          r.line,
          r.text,
          `only config/ reads process.env (${r.text}): add a variable to config/index.ts and pass the value in`,
        ),
      ),
    );

// ---------------------------------------------------------------------------------------------------
// Module cycles

interface Edge {
  from: string;
  to: string;
  sites: { f: ParsedFile; i: ImportRef }[];
}

function unitGraph(ctx: Context): Map<string, Map<string, Edge>> {
  const graph = new Map<string, Map<string, Edge>>();
  for (const f of ctx.files) {
    const from = unitOf(f.path);
    if (!f.path.startsWith(SERVER) || from === undefined || from === 'root') continue;
    if (!graph.has(from)) graph.set(from, new Map());
    for (const i of f.imports) {
      const to = i.resolved?.startsWith(SERVER) ? unitOf(i.resolved) : undefined;
      if (to === undefined || to === from || to === 'root') continue;
      // db/ assembling the feature tables into the DB type is composition, like app.ts: not an edge.
      if (from === 'db' && isTableFile(i.resolved ?? '')) continue;
      const out = graph.get(from)!;
      const edge = out.get(to) ?? { from, to, sites: [] };
      edge.sites.push({ f, i });
      out.set(to, edge);
      if (!graph.has(to)) graph.set(to, new Map());
    }
  }
  return graph;
}

/** Strongly connected components with more than one unit (Tarjan). */
export function cyclicComponents(graph: Map<string, Map<string, unknown>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const strong = (n: string) => {
    idx.set(n, index);
    low.set(n, index);
    index++;
    stack.push(n);
    onStack.add(n);
    for (const m of [...(graph.get(n)?.keys() ?? [])].sort()) {
      if (!idx.has(m)) {
        strong(m);
        low.set(n, Math.min(low.get(n)!, low.get(m)!));
      } else if (onStack.has(m)) low.set(n, Math.min(low.get(n)!, idx.get(m)!));
    }
    if (low.get(n) === idx.get(n)) {
      const comp: string[] = [];
      let m: string;
      do {
        m = stack.pop()!;
        onStack.delete(m);
        comp.push(m);
      } while (m !== n);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const n of [...graph.keys()].sort()) if (!idx.has(n)) strong(n);
  return out.sort((a, b) => byText(a.join(), b.join()));
}

/** Shortest path from `from` to `to` inside `within` (BFS), both ends included. */
export function shortestPath(graph: Map<string, Map<string, unknown>>, from: string, to: string, within: Set<string>): string[] {
  const prev = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const n = queue.shift()!;
    if (n === to) break;
    for (const m of [...(graph.get(n)?.keys() ?? [])].sort()) {
      if (!within.has(m) || seen.has(m)) continue;
      seen.add(m);
      prev.set(m, n);
      queue.push(m);
    }
  }
  const path = [to];
  while (path[0] !== from) {
    const p = prev.get(path[0]!);
    if (p === undefined) return [];
    path.unshift(p);
  }
  return path;
}

const moduleCycle: Rule = (ctx) => {
  const graph = unitGraph(ctx);
  const out: Violation[] = [];
  for (const comp of cyclicComponents(graph)) {
    const members = new Set(comp);
    for (const from of comp) {
      for (const edge of graph.get(from)?.values() ?? []) {
        if (!members.has(edge.to)) continue;
        const cycle = [from, ...shortestPath(graph, edge.to, from, members)].join(' → ');
        for (const { f, i } of edge.sites) {
          out.push(
            v(
              'module-cycle',
              f.path,
              i.line,
              `${from} -> ${edge.to}`,
              `import cycle ${cycle} (via '${i.spec}'${i.typeOnly ? ', type-only' : ''}): break it — depend on a port interface the importer owns, move the shared piece down (domain/, contracts/, platform/), or wire the two in app.ts`,
              unitDirOf(f.path),
            ),
          );
        }
      }
    }
  }
  return out;
};

// ---------------------------------------------------------------------------------------------------
// Persistence

function tableOwners(files: ParsedFile[]): { tables: Context['tables']; problems: Violation[] } {
  const tables: Context['tables'] = new Map();
  const problems: Violation[] = [];
  const declared = files
    .filter((f) => f.path.startsWith(SERVER) && isTableFile(f.path) && !isDbInternal(f.path))
    .sort((a, b) => byText(a.path, b.path));
  for (const f of declared) {
    const owner = unitOf(f.path) ?? UNOWNED;
    for (const map of f.tableMaps) {
      for (const t of map.tables) {
        const prior = tables.get(t.name);
        if (prior && prior.owner !== owner) {
          problems.push(
            v(
              'table-ownership',
              f.path,
              t.line,
              t.name,
              `table '${t.name}' is declared by both ${prior.owner} (${prior.file}) and ${owner}: one feature owns each table`,
              unitDirOf(f.path),
            ),
          );
        } else tables.set(t.name, { owner, file: f.path });
      }
    }
  }
  // Tables still declared in db/ (db/types.ts) belong to no feature yet.
  for (const f of files.filter((x) => isDbInternal(x.path) && !x.path.startsWith('src/server/db/migrations/'))) {
    for (const map of f.tableMaps) {
      for (const t of map.tables) if (!tables.has(t.name)) tables.set(t.name, { owner: UNOWNED, file: f.path });
    }
  }
  return { tables, problems };
}

const tableOwnership: Rule = (ctx) => {
  const out: Violation[] = [];
  for (const f of ctx.files) {
    if (!f.path.startsWith(SERVER) || isDbInternal(f.path)) continue;
    const unit = unitOf(f.path) ?? 'server';
    for (const use of f.tableUses) {
      const decl = ctx.tables.get(use.table);
      if (!decl || decl.owner === unit) continue;
      const message =
        decl.owner === UNOWNED
          ? `table '${use.table}' (${use.via}) is declared in ${decl.file}, owned by no feature: declare it in its owner's table file (src/server/modules/<feature>/<feature>.table.ts, or src/server/platform/*.table.ts for platform state), assemble it into DB, then query it only from that owner's repository`
          : `table '${use.table}' (${use.via}) belongs to ${decl.owner} (${decl.file}): ${unit} must not query it — call a ${decl.owner} service (add a use case there if none fits)`;
      out.push(v('table-ownership', f.path, use.line, use.table, message, unitDirOf(f.path)));
    }
  }
  return out;
};

function sqlPlaceProblem(file: string): string | undefined {
  if (COMPOSITION_ROOT.has(file)) return 'the composition root wires things together and runs no queries';
  if (/\.routes\.tsx?$/.test(file)) return 'routes hold no SQL';
  if (/\.service\.tsx?$/.test(file)) return 'services are use cases and hold no SQL (db.transaction() is fine)';
  if (isFeatureUnit(unitOf(file)) && !isPersistence(file) && !isTableFile(file))
    return 'in modules and protocols, SQL lives only in *.repository.ts files (and the OData mapping in *.query.ts)';
  return undefined;
}

const sqlOutsideRepository: Rule = (ctx) =>
  ctx.files
    .filter((f) => f.path.startsWith(SERVER))
    .flatMap((f) => {
      const problem = sqlPlaceProblem(f.path);
      if (!problem) return [];
      const unit = unitOf(f.path) ?? '';
      const where = isFeatureUnit(unit) ? `a repository of ${unit}` : 'the owning feature’s repository';
      // Queries, and raw SQL text naming a known table (e.g. an EXISTS subquery in an OData filter).
      const queryLines = new Set(f.sqlCalls.map((c) => c.line));
      const rawTableSql = f.tableUses
        .filter((u) => u.via.startsWith('sql') && ctx.tables.has(u.table) && !queryLines.has(u.line))
        .map((u) => ({ line: u.line, what: `${u.via} naming ${u.table}` }));
      return [...f.sqlCalls, ...rawTableSql].map((c) =>
        v('sql-outside-repository', f.path, c.line, c.what, `${c.what}: ${problem}; move the query into ${where} and call it`),
      );
    });

// ---------------------------------------------------------------------------------------------------
// Size

const functionLength: Rule = (ctx) =>
  ctx.files
    // Applied migrations are frozen history (a DDL list per version), not code to restructure.
    .filter((f) => f.path.startsWith(SERVER) && !f.path.startsWith('src/server/db/migrations/'))
    .flatMap((f) => {
      const seen = new Map<string, number>();
      return f.functions.flatMap((fn) => {
        const n = (seen.get(fn.name) ?? 0) + 1;
        seen.set(fn.name, n);
        if (fn.lines <= MAX_FUNCTION_LINES) return [];
        const name = n === 1 ? fn.name : `${fn.name}#${n}`;
        return [
          v(
            'function-length',
            f.path,
            fn.line,
            name,
            `${name} is ${fn.lines} lines (${fn.line}–${fn.endLine}), over ${MAX_FUNCTION_LINES}: split it into named steps or use-case functions with explicit dependencies`,
          ),
        ];
      });
    });

// ---------------------------------------------------------------------------------------------------

const RULES: Rule[] = [
  moduleCycle,
  layering,
  foreignRepository,
  tableOwnership,
  sqlOutsideRepository,
  functionLength,
  routesNoDb,
  domainNoIo,
  migrationImports,
  contractsSelfContained,
  webOverHttp,
  processEnv,
];

export function parseAll(files: SourceText[]): ParsedFile[] {
  const ts = files.filter((f) => TS_FILE.test(f.path) && !f.path.endsWith('.d.ts'));
  const known = new Set(ts.map((f) => f.path));
  return ts.map((f) => parseFile(f, known));
}

/** Every violation of the architecture rules in `files`, sorted by rule, file, line. */
export function checkArchitecture(files: SourceText[]): Violation[] {
  const parsed = parseAll(files);
  const { tables, problems } = tableOwners(parsed);
  const ctx: Context = { files: parsed, tables };
  return [...problems, ...RULES.flatMap((rule) => rule(ctx))].sort(compareViolations);
}

/** Code-unit order, the same on every machine (no locale). */
export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compareViolations(a: Violation, b: Violation): number {
  return byText(a.rule, b.rule) || byText(a.file, b.file) || a.line - b.line || byText(a.detail, b.detail);
}

/** Table name → owning unit (or `unowned`), as the checker derives it. */
export function deriveTableOwners(files: SourceText[]): Map<string, { owner: string; file: string }> {
  return tableOwners(parseAll(files)).tables;
}

/** The unit import graph of src/server (composition root excluded), for reports. */
export function serverUnitGraph(files: SourceText[]): Map<string, Map<string, { sites: number }>> {
  const graph = unitGraph({ files: parseAll(files), tables: new Map() });
  return new Map([...graph].map(([k, m]) => [k, new Map([...m].map(([t, e]) => [t, { sites: e.sites.length }]))]));
}
