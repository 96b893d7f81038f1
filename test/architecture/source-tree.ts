import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceText } from './checker.js';

// The only file-system part of the architecture checks: reads src/ for the checker.

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const knownViolationsFile = path.join(repoRoot, 'test/architecture/known-violations.json');

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
    return /\.(ts|tsx|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every TypeScript source under `<root>/src`, with repository-relative forward-slash paths. */
export function readSourceTree(root = repoRoot): SourceText[] {
  return walk(path.join(root, 'src'))
    .sort()
    .map((abs) => ({ path: path.relative(root, abs).split(path.sep).join('/'), text: fs.readFileSync(abs, 'utf8') }));
}
