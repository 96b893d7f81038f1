import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../src/contracts/errors.js';

const doc = fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

const escapeCell = (s: string) => s.replace(/\|/g, '\\|');
const rowFor = (code: string, spec: { status: number; graphCode: string; message: string }) =>
  `| \`${code}\` | ${spec.status} | \`${spec.graphCode}\` | ${escapeCell(spec.message)} |`;

/** Rows of the catalogue table, between the markers, keyed by code. */
function documentedRows(): Map<string, string> {
  const m = /<!-- errors-table:start -->([\s\S]*?)<!-- errors-table:end -->/.exec(doc);
  if (!m) throw new Error('docs/errors.md has no <!-- errors-table:start --> … <!-- errors-table:end --> section');
  const rows = new Map<string, string>();
  for (const line of (m[1] ?? '').split('\n')) {
    const code = /^\|\s*`([a-z0-9_]+)`\s*\|/.exec(line.trim())?.[1];
    if (code) {
      if (rows.has(code)) throw new Error(`docs/errors.md lists ${code} twice`);
      rows.set(code, line.trim());
    }
  }
  return rows;
}

describe('docs/errors.md', () => {
  const rows = documentedRows();
  const catalogue = Object.entries(errorCatalogue) as [string, { status: number; graphCode: string; message: string }][];

  it('lists every code of the catalogue (paste the rows shown on failure)', () => {
    const missing = catalogue.filter(([code]) => !rows.has(code)).map(([code, spec]) => rowFor(code, spec));
    expect(missing, 'rows missing from docs/errors.md').toEqual([]);
  });

  it('lists no code the catalogue does not have', () => {
    const known = new Set(Object.keys(errorCatalogue));
    expect(
      [...rows.keys()].filter((c) => !known.has(c)),
      'codes in docs/errors.md but not in src/contracts/errors.ts',
    ).toEqual([]);
  });

  it('gives each code the status, Graph code and default message of the catalogue', () => {
    const stale = catalogue
      .filter(([code, spec]) => rows.has(code) && rows.get(code) !== rowFor(code, spec))
      .map(([code, spec]) => `expected: ${rowFor(code, spec)}\n   found: ${rows.get(code)}`);
    expect(stale, 'rows that differ from the catalogue').toEqual([]);
  });

  it('lists the codes in catalogue order', () => {
    expect([...rows.keys()]).toEqual(catalogue.map(([code]) => code).filter((c) => rows.has(c)));
  });

  it('shows the error shape of each surface', () => {
    expect(doc).toMatch(/"innerError"/);
    expect(doc).toMatch(/"request-id"/);
    expect(doc).toMatch(/"error_description"/);
    expect(doc).toMatch(/## How errors look on each surface/);
  });
});

describe('the catalogue holds no dead codes', () => {
  it('every code is raised somewhere in src/server (delete an entry when its last use goes)', () => {
    const files: string[] = [];
    const walk = (dir: URL) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const u = new URL(`${e.name}${e.isDirectory() ? '/' : ''}`, dir);
        if (e.isDirectory()) walk(u);
        else if (e.name.endsWith('.ts')) files.push(fs.readFileSync(u, 'utf8'));
      }
    };
    walk(new URL('../../src/server/', import.meta.url));
    const source = files.join('\n');
    const unused = Object.keys(errorCatalogue).filter((code) => !source.includes(`'${code}'`));
    expect(unused).toEqual([]);
  });
});
