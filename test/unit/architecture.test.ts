import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Enforces the import rules of ARCHITECTURE.md §2 by reading the source files.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const src = path.join(root, 'src');

interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  rel: string;
  text: string;
  imports: { spec: string; typeOnly: boolean; resolved: string | undefined }[];
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
    return /\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const stripComments = (s: string) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

function parseImports(file: string, text: string): SourceFile['imports'] {
  const code = stripComments(text);
  const out: SourceFile['imports'] = [];
  const patterns = [
    /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?[^;'"`]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /(?:^|[;\n])\s*import\s*()()['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*()()['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) {
    for (const m of code.matchAll(re)) {
      const spec = m[3] ?? '';
      const resolved = spec.startsWith('.')
        ? path
            .relative(root, path.resolve(path.dirname(file), spec))
            .split(path.sep)
            .join('/')
            .replace(/\.js$/, '.ts')
        : undefined;
      out.push({ spec, typeOnly: Boolean(m[2]), resolved });
    }
  }
  return out;
}

const files: SourceFile[] = walk(src).map((abs) => {
  const text = fs.readFileSync(abs, 'utf8');
  return { rel: path.relative(root, abs).split(path.sep).join('/'), text, imports: parseImports(abs, text) };
});

const under = (prefix: string) => files.filter((f) => f.rel.startsWith(prefix));
const moduleOf = (rel: string) => /^src\/server\/modules\/([^/]+)\//.exec(rel)?.[1];

function violations(selected: SourceFile[], bad: (imp: SourceFile['imports'][number], f: SourceFile) => boolean): string[] {
  return selected.flatMap((f) => f.imports.filter((i) => bad(i, f)).map((i) => `${f.rel} imports '${i.spec}'`));
}

describe('architecture import rules (ARCHITECTURE.md §2)', () => {
  it('finds the source tree and parses imports', () => {
    expect(files.length).toBeGreaterThan(20);
    const app = files.find((f) => f.rel === 'src/server/app.ts');
    expect(app?.imports.some((i) => i.resolved === 'src/server/config/index.ts' && i.typeOnly)).toBe(true);
    expect(app?.imports.some((i) => i.spec === 'fastify')).toBe(true);
  });

  it('routes never import db/ or a repository', () => {
    const routes = files.filter((f) => f.rel.endsWith('.routes.ts'));
    expect(routes.length).toBeGreaterThan(0);
    const bad = violations(
      routes,
      (i) => i.resolved !== undefined && (i.resolved.startsWith('src/server/db/') || i.resolved.endsWith('.repository.ts')),
    );
    expect(bad, 'routes go through services; move what they need (e.g. OData resource specs) out of the repository').toEqual([]);
  });

  it("a module never imports another module's repository or table file", () => {
    const bad = violations(under('src/server/modules/'), (i, f) => {
      if (!i.resolved || !/\.(repository|table)\.ts$/.test(i.resolved)) return false;
      const target = moduleOf(i.resolved);
      return target !== undefined && target !== moduleOf(f.rel);
    });
    expect(bad, "use the other module's service").toEqual([]);
  });

  it('only modules, db/ and the composition root import repositories or table files', () => {
    const bad = violations(
      files.filter((f) => !f.rel.startsWith('src/server/modules/') && f.rel !== 'src/server/app.ts'),
      (i) => i.resolved !== undefined && /\.(repository|table)\.ts$/.test(i.resolved),
    );
    expect(bad).toEqual([]);
  });

  it('domain/ does no I/O: no db, http, platform, modules, protocols, drivers or node I/O modules', () => {
    const forbiddenPackages =
      /^(node:)?(fs|fs\/promises|net|http|https|http2|dgram|dns|child_process|cluster|worker_threads|tls|readline)$|^(kysely|pg|better-sqlite3|fastify|@fastify\/.*|oidc-provider|nodemailer|pino)$/;
    const domain = under('src/server/domain/');
    expect(domain.length).toBeGreaterThan(0);
    const bad = violations(domain, (i) =>
      i.resolved !== undefined
        ? !(i.resolved.startsWith('src/server/domain/') || i.resolved.startsWith('src/contracts/'))
        : forbiddenPackages.test(i.spec),
    );
    expect(bad).toEqual([]);
  });

  it('migrations import nothing from the app', () => {
    const migrations = under('src/server/db/migrations/');
    expect(migrations.length).toBeGreaterThan(0);
    const bad = violations(migrations, (i) => i.resolved !== undefined || i.spec !== 'kysely');
    expect(bad, 'a migration describes tables as they were at its version: only kysely').toEqual([]);
  });

  it('src/contracts imports nothing in-repo outside contracts', () => {
    const bad = violations(under('src/contracts/'), (i) => i.resolved !== undefined && !i.resolved.startsWith('src/contracts/'));
    expect(bad).toEqual([]);
  });

  it('the web app reaches the server only over HTTP (imports contracts, never src/server)', () => {
    const bad = violations(under('src/web/'), (i) => i.resolved?.startsWith('src/server/') ?? false);
    expect(bad).toEqual([]);
  });

  it('only config/ reads process.env (the CLI may hand process.env to loadConfig)', () => {
    const bad = files
      .filter((f) => !f.rel.startsWith('src/server/config/'))
      .flatMap((f) =>
        stripComments(f.text)
          .split('\n')
          .map((line, n) => ({ line, n: n + 1 }))
          .filter(({ line }) => /process\.env\b/.test(line))
          .filter(({ line }) => !(f.rel === 'src/server/main.ts' && /loadConfig\([^)]*\bprocess\.env\b/.test(line)))
          .map(({ line, n }) => `${f.rel}:${n}: ${line.trim()}`),
      );
    expect(bad, 'add a variable to config/index.ts instead').toEqual([]);
  });
});
