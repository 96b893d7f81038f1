import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Protocol adapters and HTTP plumbing stay made of named steps: no function (closures included,
// measured from its first to its last line) longer than MAX_LINES in src/server/protocols and
// src/server/http. And the token issuer uses oidc-provider's documented seams only: nothing in
// src/server assigns to its private Client class.

const MAX_LINES = 150;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function functionLengths(file: string): { where: string; lines: number }[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { where: string; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ where: `${path.relative(root, file)}:${start + 1}`, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('function length in protocols/ and http/', () => {
  const files = ['src/server/protocols', 'src/server/http'].flatMap((d) => walk(path.join(root, d)));

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it(`has no function over ${MAX_LINES} lines`, () => {
    const long = files.flatMap(functionLengths).filter((f) => f.lines > MAX_LINES);
    expect(long, 'split these into named steps').toEqual([]);
  });
});

describe("oidc-provider's internals", () => {
  it('are never patched (Client.prototype, Client.find)', () => {
    const files = walk(path.join(root, 'src/server'));
    const patched = files.filter((f) =>
      /\bClient\b[\s\S]{0,80}?\bprototype\b[\s\S]{0,80}?=|\bClient\.find\s*=|\bfind\s*=\s*async[\s\S]{0,200}?Client/.test(
        fs.readFileSync(f, 'utf8'),
      ),
    );
    expect(patched.map((f) => path.relative(root, f))).toEqual([]);
  });
});
