import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configVariables } from '../../src/server/config/index.js';

const read = (rel: string) => fs.readFileSync(new URL(`../../${rel}`, import.meta.url), 'utf8');
const known = Object.keys(configVariables);
const escapeCell = (s: string) => s.replace(/\|/g, '\\|');
const rowFor = (name: string) => `| \`${name}\` | ${escapeCell(configVariables[name] ?? '')} |`;

/** Table rows between `<!-- config-table:start -->` and `<!-- config-table:end -->`, by variable. */
function tableRows(doc: string, file: string): Map<string, string> {
  const m = /<!-- config-table:start -->([\s\S]*?)<!-- config-table:end -->/.exec(doc);
  if (!m) throw new Error(`${file} has no <!-- config-table:start --> … <!-- config-table:end --> section`);
  const rows = new Map<string, string>();
  for (const line of (m[1] ?? '').split('\n')) {
    const name = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/.exec(line.trim())?.[1];
    if (name) rows.set(name, line.trim());
  }
  return rows;
}

describe('README.md configuration table', () => {
  const rows = tableRows(read('README.md'), 'README.md');

  it('lists every variable of configVariables (paste the rows shown on failure)', () => {
    expect(known.filter((n) => !rows.has(n)).map(rowFor), 'rows missing from README.md').toEqual([]);
  });

  it('lists no unknown variable', () => {
    expect([...rows.keys()].filter((n) => !known.includes(n))).toEqual([]);
  });

  it('uses the description from configVariables, in the same order', () => {
    const stale = known
      .filter((n) => rows.has(n) && rows.get(n) !== rowFor(n))
      .map((n) => `expected: ${rowFor(n)}\n   found: ${rows.get(n)}`);
    expect(stale).toEqual([]);
    expect([...rows.keys()]).toEqual(known.filter((n) => rows.has(n)));
  });
});

describe('docs/configuration.md', () => {
  const doc = read('docs/configuration.md');
  const sections = [...doc.matchAll(/^### `([A-Z][A-Z0-9_]*)`/gm)].map((m) => m[1] ?? '');
  const rows = tableRows(doc, 'docs/configuration.md');

  it('has a section for every variable of configVariables, each with an example', () => {
    expect(
      known.filter((n) => !sections.includes(n)),
      'variables without a "### `NAME`" section',
    ).toEqual([]);
    for (const name of known) {
      const body = doc.split(new RegExp(`^### \`${name}\`$`, 'm'))[1]?.split(/^#{2,3} /m)[0] ?? '';
      expect(body, `${name} section shows an example`).toMatch(new RegExp(`${name}=`));
    }
  });

  it('documents no unknown variable', () => {
    expect(sections.filter((n) => !known.includes(n))).toEqual([]);
    expect([...rows.keys()].filter((n) => !known.includes(n))).toEqual([]);
  });

  it('has the overview table in step with configVariables', () => {
    expect(known.filter((n) => !rows.has(n)).map(rowFor)).toEqual([]);
  });
});
