import path from 'node:path';
import ts from 'typescript';

// One pass over a file's syntax tree (TypeScript compiler API, no type checker) collecting what the
// architecture rules look at. Pure: it sees only the text it is given.

export interface ImportRef {
  spec: string;
  line: number;
  typeOnly: boolean;
  /** Repository-relative target for a relative specifier (extension resolved against `known`), else undefined. */
  resolved: string | undefined;
}

export interface FunctionInfo {
  /** Stable, human-readable name: enclosing names joined with '.', e.g. `createGroupsService.addMember`. */
  name: string;
  line: number;
  endLine: number;
  lines: number;
}

/** A Kysely call or SQL text that names a table. */
export interface TableUse {
  table: string;
  line: number;
  /** How it was named: `selectFrom('users as u')`, `sql template`, … */
  via: string;
}

/** A query: a Kysely query-builder entry point, or a `sql` template / `sql.raw` holding a whole statement. */
export interface SqlCall {
  line: number;
  what: string;
}

export interface TableMap {
  /** Interface or type alias name, e.g. `UsersTables` or `DB`. */
  name: string;
  line: number;
  tables: { name: string; line: number }[];
}

export interface ParsedFile {
  path: string;
  imports: ImportRef[];
  functions: FunctionInfo[];
  tableUses: TableUse[];
  sqlCalls: SqlCall[];
  tableMaps: TableMap[];
  /** Lines reading `process.env`, except as an argument of `loadConfig(…)`. */
  envReads: { line: number; text: string }[];
}

const QUERY_ENTRY = new Set([
  'selectFrom',
  'insertInto',
  'updateTable',
  'deleteFrom',
  'replaceInto',
  'mergeInto',
  'selectNoFrom',
]);
const TABLE_ARG = new Set([
  'selectFrom',
  'insertInto',
  'updateTable',
  'deleteFrom',
  'replaceInto',
  'mergeInto',
  'innerJoin',
  'leftJoin',
  'rightJoin',
  'fullJoin',
  'join',
  'innerJoinLateral',
  'leftJoinLateral',
  'crossJoin',
  'using',
]);
const CTE = new Set(['with', 'withRecursive', 'withMaterialized', 'withNotMaterialized']);
const SQL_TABLE_WORDS = /\b(?:from|join|into|update|table)\s+(?:only\s+)?["`]?([A-Za-z_][A-Za-z0-9_]*)["`]?/gi;

const SQL_STATEMENT = /^\s*(?:\(\s*)*(select|insert|update|delete|merge|with|replace)\b/i;

export const TS_FILE = /\.(ts|tsx|mts|cts)$/;

function scriptKind(file: string): ts.ScriptKind {
  return file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
}

/** Resolves a relative specifier to a repository-relative path, preferring files that exist in `known`. */
export function resolveSpecifier(from: string, spec: string, known: ReadonlySet<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  const stem = base.replace(/\.(js|jsx|mjs|cjs|ts|tsx|mts|cts)$/, '');
  const ext = base.slice(stem.length);
  const candidates =
    ext === ''
      ? [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`, base]
      : ext === '.mjs'
        ? [`${stem}.mts`, base]
        : ext === '.js' || ext === '.jsx'
          ? [`${stem}.ts`, `${stem}.tsx`, base]
          : [base];
  return candidates.find((c) => known.has(c)) ?? candidates[0];
}

const stringValue = (n: ts.Node | undefined): string | undefined =>
  n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : undefined;

/** `'users as u'` → `users`; `'public.users'` → `users`; `'anc(id, parent)'` → `anc`. */
function tableNameOf(ref: string): string {
  const first = ref.trim().split(/\s+/)[0] ?? '';
  const noCols = first.replace(/\(.*$/, '');
  return noCols.slice(noCols.lastIndexOf('.') + 1);
}

function propName(name: ts.PropertyName | ts.BindingName | undefined, sf: ts.SourceFile): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) {
    return name.text;
  }
  return name.getText(sf);
}

function calleeLabel(call: ts.CallExpression, sf: ts.SourceFile): string {
  const callee = call.expression;
  const name = ts.isPropertyAccessExpression(callee)
    ? callee.name.text
    : ts.isIdentifier(callee)
      ? callee.text
      : callee.getText(sf).slice(0, 30);
  const first = call.arguments.map((a) => stringValue(a)).find((s) => s !== undefined);
  return first === undefined ? `${name}()` : `${name}('${first.slice(0, 60)}')`;
}

type FunctionLike =
  | ts.FunctionDeclaration
  | ts.MethodDeclaration
  | ts.ArrowFunction
  | ts.FunctionExpression
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

function isFunctionLike(n: ts.Node): n is FunctionLike {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isArrowFunction(n) ||
    ts.isFunctionExpression(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n)
  );
}

/** The name a function is known by where it stands (declaration, variable, property, callback of a call). */
function ownName(fn: FunctionLike, sf: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(fn)) return 'constructor';
  if (ts.isGetAccessorDeclaration(fn)) return `get ${propName(fn.name, sf)}`;
  if (ts.isSetAccessorDeclaration(fn)) return `set ${propName(fn.name, sf)}`;
  if (ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) return propName(fn.name, sf) ?? 'default';
  if (ts.isFunctionExpression(fn) && fn.name) return fn.name.text;
  let p: ts.Node = fn.parent;
  while (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p)) p = p.parent;
  if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) {
    return propName(p.name, sf) ?? '<anonymous>';
  }
  if (ts.isExportAssignment(p)) return 'default';
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) return p.left.getText(sf);
  if (ts.isCallExpression(p)) return `${calleeLabel(p, sf)} callback`;
  if (ts.isReturnStatement(p)) return '<returned>';
  return '<anonymous>';
}

function qualifiedName(fn: FunctionLike, sf: ts.SourceFile): string {
  const parts = [ownName(fn, sf)];
  for (let p: ts.Node | undefined = fn.parent; p; p = p.parent) {
    if (isFunctionLike(p)) parts.unshift(ownName(p, sf));
    else if ((ts.isClassDeclaration(p) || ts.isClassExpression(p)) && p.name) parts.unshift(p.name.text);
  }
  return parts.join('.');
}

function importTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    return (
      node.isTypeOnly ||
      (node.exportClause !== undefined &&
        ts.isNamedExports(node.exportClause) &&
        node.exportClause.elements.length > 0 &&
        node.exportClause.elements.every((e) => e.isTypeOnly))
    );
  }
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    clause.name === undefined &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((e) => e.isTypeOnly)
  );
}

/** `interface X { users: UsersTable; … }` or `type X = { … }` whose every property is a `…Table` type. */
function tableMapOf(
  decl: ts.InterfaceDeclaration | ts.TypeAliasDeclaration,
  members: ts.NodeArray<ts.TypeElement>,
  sf: ts.SourceFile,
  lineOf: (n: ts.Node) => number,
): TableMap | undefined {
  const tables: TableMap['tables'] = [];
  for (const m of members) {
    if (!ts.isPropertySignature(m) || !m.type || !ts.isTypeReferenceNode(m.type)) return undefined;
    const typeName = m.type.typeName.getText(sf);
    if (!/Table$/.test(typeName)) return undefined;
    const prop = propName(m.name, sf);
    if (prop === undefined) return undefined;
    tables.push({ name: prop, line: lineOf(m) });
  }
  return tables.length > 0 ? { name: decl.name.text, line: lineOf(decl), tables } : undefined;
}

export function parseFile(file: { path: string; text: string }, known: ReadonlySet<string>): ParsedFile {
  const sf = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, scriptKind(file.path));
  const lineOf = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const out: ParsedFile = {
    path: file.path,
    imports: [],
    functions: [],
    tableUses: [],
    sqlCalls: [],
    tableMaps: [],
    envReads: [],
  };
  const ctes = new Set<string>();
  const rawUses: TableUse[] = [];
  let sqlTagImported = false;

  const addImport = (spec: string, node: ts.Node, typeOnly: boolean) =>
    out.imports.push({ spec, line: lineOf(node), typeOnly, resolved: resolveSpecifier(file.path, spec, known) });

  const scanSqlText = (text: string, line: number, via: string) => {
    for (const m of text.matchAll(SQL_TABLE_WORDS)) rawUses.push({ table: m[1] ?? '', line, via });
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      const spec = node.moduleSpecifier && stringValue(node.moduleSpecifier);
      if (spec !== undefined) {
        addImport(spec, node, importTypeOnly(node));
        if (spec === 'kysely' && ts.isImportDeclaration(node)) {
          const named = node.importClause?.namedBindings;
          if (named && ts.isNamedImports(named) && named.elements.some((e) => e.name.text === 'sql')) sqlTagImported = true;
        }
      }
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const spec = stringValue(node.moduleReference.expression);
      if (spec !== undefined) addImport(spec, node, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const spec = stringValue(node.argument.literal);
      if (spec !== undefined) addImport(spec, node, true);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        const spec = stringValue(node.arguments[0]);
        if (spec !== undefined) addImport(spec, node, false);
      } else if (ts.isPropertyAccessExpression(callee)) {
        const method = callee.name.text;
        const line = lineOf(callee.name);
        if (QUERY_ENTRY.has(method)) out.sqlCalls.push({ line, what: calleeLabel(node, sf) });
        if (CTE.has(method)) {
          const name = stringValue(node.arguments[0]);
          if (name !== undefined) ctes.add(tableNameOf(name));
        }
        if (TABLE_ARG.has(method)) {
          const arg = node.arguments[0];
          const names = arg && ts.isArrayLiteralExpression(arg) ? arg.elements.map((e) => stringValue(e)) : [stringValue(arg)];
          for (const n of names) if (n !== undefined) rawUses.push({ table: tableNameOf(n), line, via: `${method}('${n}')` });
        }
        if (ts.isIdentifier(callee.expression) && callee.expression.text === 'sql') {
          const arg = stringValue(node.arguments[0]);
          if (arg !== undefined && method === 'table')
            rawUses.push({ table: tableNameOf(arg), line, via: `sql.table('${arg}')` });
          if (arg !== undefined && method === 'raw') scanSqlText(arg, line, 'sql.raw');
          if (arg !== undefined && method === 'raw' && SQL_STATEMENT.test(arg))
            out.sqlCalls.push({ line, what: 'sql.raw statement' });
        }
      }
    } else if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text === 'sql') {
      const line = lineOf(node);
      const t = node.template;
      const text = ts.isNoSubstitutionTemplateLiteral(t)
        ? t.text
        : [t.head.text, ...t.templateSpans.map((s) => s.literal.text)].join(' ? ');
      scanSqlText(text, line, 'sql template');
      // A whole statement, not an expression fragment such as sql`lower(${e})`.
      if (SQL_STATEMENT.test(text)) out.sqlCalls.push({ line, what: 'sql statement' });
    } else if (
      ts.isPropertyAccessExpression(node) &&
      node.name.text === 'env' &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'process'
    ) {
      let insideLoadConfig = false;
      for (let p: ts.Node = node.parent; p && !ts.isStatement(p); p = p.parent) {
        if (ts.isCallExpression(p) && ts.isIdentifier(p.expression) && p.expression.text === 'loadConfig')
          insideLoadConfig = true;
      }
      if (!insideLoadConfig) {
        const line = lineOf(node);
        out.envReads.push({ line, text: (file.text.split('\n')[line - 1] ?? '').trim() });
      }
    } else if (ts.isInterfaceDeclaration(node)) {
      const map = tableMapOf(node, node.members, sf, lineOf);
      if (map) out.tableMaps.push(map);
    } else if (ts.isTypeAliasDeclaration(node) && ts.isTypeLiteralNode(node.type)) {
      const map = tableMapOf(node, node.type.members, sf, lineOf);
      if (map) out.tableMaps.push(map);
    }
    if (isFunctionLike(node) && node.body) {
      const line = lineOf(node);
      const endLine = sf.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      out.functions.push({ name: qualifiedName(node, sf), line, endLine, lines: endLine - line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  // CTE names (`with('tm', …)`) are not tables; neither is anything a `sql` call names when `sql` is not Kysely's.
  out.tableUses = rawUses.filter((u) => u.table !== '' && !ctes.has(u.table));
  if (!sqlTagImported) {
    out.sqlCalls = out.sqlCalls.filter((c) => !c.what.startsWith('sql'));
    out.tableUses = out.tableUses.filter((u) => !u.via.startsWith('sql'));
  }
  return out;
}
