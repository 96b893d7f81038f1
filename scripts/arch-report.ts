#!/usr/bin/env -S npx tsx
// `npm run arch:report`: the structure numbers for a closing note — longest functions in src/server,
// import cycles between units, duplicate pairs (the `duplicates` CLI), architecture violations per rule.
//
//   npm run arch:report                     print the report
//   npm run arch:report -- --prune-known    also drop entries of test/architecture/known-violations.json
//                                           that no longer occur (it never adds any)
//   npm run arch:report -- --root ../other  report on another checkout's src/ (e.g. to compare branches)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  byText,
  checkArchitecture,
  cyclicComponents,
  deriveTableOwners,
  parseAll,
  serverUnitGraph,
} from '../test/architecture/checker.js';
import { compareWithKnown, formatKnown, type KnownViolation, toKnown } from '../test/architecture/known.js';
import { knownViolationsFile, readSourceTree, repoRoot } from '../test/architecture/source-tree.js';

const argv = process.argv.slice(2);
const args = new Set(argv);
const rootArg = argv.indexOf('--root');
const root = rootArg >= 0 ? path.resolve(argv[rootArg + 1] ?? '.') : repoRoot;
const files = readSourceTree(root);
const section = (title: string) => console.log(`\n## ${title}`);
const isMigration = (p: string) => p.startsWith('src/server/db/migrations/');

// 1. Longest functions ---------------------------------------------------------------------------------
const functions = parseAll(files)
  .filter((f) => f.path.startsWith('src/server/'))
  .flatMap((f) => f.functions.map((fn) => ({ ...fn, file: f.path })))
  .sort((a, b) => b.lines - a.lines || byText(a.file, b.file) || a.line - b.line);
const code = functions.filter((f) => !isMigration(f.file));
section('Longest functions in src/server (command: npm run arch:report)');
for (const fn of code.slice(0, 15)) console.log(`${String(fn.lines).padStart(5)}  ${fn.file}:${fn.line}  ${fn.name}`);
console.log(`functions over 150 lines: ${code.filter((f) => f.lines > 150).length}`);
const longestMigration = functions.find((f) => isMigration(f.file));
if (longestMigration) {
  console.log(
    `(migrations are exempt, frozen history: longest ${longestMigration.file} ${longestMigration.name}, ${longestMigration.lines} lines)`,
  );
}

// 2. Import cycles -------------------------------------------------------------------------------------
const graph = serverUnitGraph(files);

/** Elementary cycles of `g` (each once, starting at its smallest unit), up to `cap`. */
function elementaryCycles(g: Map<string, Map<string, unknown>>, cap: number): string[][] {
  const nodes = [...g.keys()].sort(byText);
  const out: string[][] = [];
  for (const start of nodes) {
    const path = [start];
    const onPath = new Set(path);
    const dfs = (n: string) => {
      for (const m of [...(g.get(n)?.keys() ?? [])].sort(byText)) {
        if (out.length >= cap) return;
        if (m === start) out.push([...path]);
        else if (byText(m, start) > 0 && !onPath.has(m)) {
          path.push(m);
          onPath.add(m);
          dfs(m);
          path.pop();
          onPath.delete(m);
        }
      }
    };
    dfs(start);
  }
  return out.sort((a, b) => a.length - b.length || byText(a.join(), b.join()));
}

const feature = (u: string) => /^(modules|protocols)\//.test(u);
const featureGraph = new Map(
  [...graph].filter(([u]) => feature(u)).map(([u, out]) => [u, new Map([...out].filter(([t]) => feature(t)))] as const),
);
const CAP = 100_000;
const featureCycles = elementaryCycles(featureGraph, CAP);
section('Import cycles between units (src/server; app.ts and main.ts excluded; type-only imports count)');
const sccs = cyclicComponents(graph);
for (const comp of sccs) {
  const edges = comp.reduce((n, u) => n + [...(graph.get(u)?.keys() ?? [])].filter((t) => comp.includes(t)).length, 0);
  console.log(`strongly connected: ${comp.length} units, ${edges} import edges: ${comp.join(', ')}`);
}
const allCycles = elementaryCycles(graph, CAP);
const count = (c: string[][]) => (c.length >= CAP ? `${CAP}+` : String(c.length));
console.log(
  `elementary cycles among all units: ${count(allCycles)} (${allCycles.filter((c) => c.length === 2).length} of two units)`,
);
for (const c of allCycles.filter((c) => c.length === 2)) console.log(`  ${[...c, c[0]].join(' → ')}`);
console.log(
  `elementary cycles among modules/protocols units: ${count(featureCycles)} (${featureCycles.filter((c) => c.length === 2).length} of two units)`,
);
for (const c of featureCycles.slice(0, 20)) console.log(`  ${[...c, c[0]].join(' → ')}`);
if (featureCycles.length > 20) console.log(`  … ${featureCycles.length - 20} more`);

// 3. Duplicates ----------------------------------------------------------------------------------------
section('Duplicate pairs (command: duplicates --repo src --seconds 60)');
function duplicates(repo: string, extra: string[] = []): string {
  try {
    return execFileSync('duplicates', ['--repo', repo, '--seconds', '60', ...extra], { cwd: root, encoding: 'utf8' });
  } catch (e) {
    return `unavailable: ${(e as Error).message.split('\n')[0]}`;
  }
}
const pairsIn = (firstLine: string) => Number(/^(\d+) pairs? of places/.exec(firstLine)?.[1] ?? 0);
const first = duplicates('src').split('\n')[0] ?? '';
console.log(first);
const total = pairsIn(first);
if (total > 0) {
  // Pairs within one tree, from a run on that tree alone; the rest pair two trees.
  let within = 0;
  for (const tree of ['web', 'server', 'contracts']) {
    const n = pairsIn(duplicates(`src/${tree}`).split('\n')[0] ?? '');
    within += n;
    console.log(`  ${tree} ↔ ${tree}: ${n}  (duplicates --repo src/${tree} --seconds 60)`);
  }
  // Rows look like `D1 web/a.tsx:1-9 ~ server/b.ts:3-11 …` (paths relative to --repo).
  const across = new Map<string, number>();
  for (const line of duplicates('src', ['--most', '200']).split('\n')) {
    const m = /^D\d+ ([^/\s]+)\/\S+ ~ ([^/\s]+)\/\S+/.exec(line);
    if (!m || m[1] === m[2]) continue;
    const key = [m[1] ?? '', m[2] ?? ''].sort(byText).join(' ↔ ');
    across.set(key, (across.get(key) ?? 0) + 1);
  }
  const listed = [...across].map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`  across trees: ${total - within}${listed ? ` (listed rows: ${listed})` : ''}`);
}

// 4. Architecture rules --------------------------------------------------------------------------------
const violations = checkArchitecture(files);
const known: KnownViolation[] = fs.existsSync(knownViolationsFile)
  ? JSON.parse(fs.readFileSync(knownViolationsFile, 'utf8'))
  : [];
const current = toKnown(violations);
section('Architecture violations (command: npx vitest run --project unit test/unit/architecture.test.ts)');
const perRule = new Map<string, { sites: number; entries: number }>();
for (const v of violations) perRule.set(v.rule, { sites: (perRule.get(v.rule)?.sites ?? 0) + 1, entries: 0 });
for (const k of current) perRule.get(k.rule)!.entries++;
for (const [rule, n] of [...perRule].sort((a, b) => byText(a[0], b[0]))) {
  console.log(
    `${rule.padEnd(26)} ${String(n.sites).padStart(4)} places, ${String(n.entries).padStart(4)} known-violations entries`,
  );
}
console.log(`total: ${violations.length} places, ${current.length} entries`);

section('Who queries which table (owner from *.table.ts; "unowned" = still in db/types.ts)');
const owners = deriveTableOwners(files);
const users = new Map<string, Set<string>>();
for (const f of parseAll(files)) {
  if (!f.path.startsWith('src/server/') || f.path.startsWith('src/server/db/')) continue;
  for (const u of f.tableUses) {
    if (!owners.has(u.table)) continue;
    const set = users.get(u.table) ?? new Set<string>();
    set.add(f.path.replace(/^src\/server\//, ''));
    users.set(u.table, set);
  }
}
for (const [table, { owner }] of [...owners].sort((a, b) => byText(a[0], b[0]))) {
  console.log(`${table.padEnd(28)} ${owner.padEnd(22)} ${[...(users.get(table) ?? [])].sort(byText).join(', ')}`);
}

const { added, fixed } = compareWithKnown(violations, known);
if (added.length > 0) console.log(`\n${added.length} violations are not in known-violations.json (the architecture test fails).`);
if (fixed.length > 0) {
  if (args.has('--prune-known') && root === repoRoot) {
    const keep = known.filter((k) => !fixed.includes(k));
    fs.writeFileSync(knownViolationsFile, formatKnown(keep));
    console.log(`\nremoved ${fixed.length} fixed entries from known-violations.json`);
  } else console.log(`\n${fixed.length} known-violations entries no longer occur: run with --prune-known to drop them.`);
}
