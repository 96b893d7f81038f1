/**
 * `npm run docs:security`: renders the role-target tables of docs/security.md from the authorization
 * module (between the `<!-- role-targets -->` and `<!-- credential-actions -->` markers).
 * test/unit/security-doc.test.ts fails when the document differs from what this renders.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CREDENTIAL_ACTORS, CREDENTIAL_TARGETS } from '../src/server/domain/authorization.js';
import { findRoleDefinition } from '../src/server/domain/roles.js';

export const SECURITY_DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'security.md');

const name = (id: string) => findRoleDefinition(id)?.displayName ?? id;

/** Target role (rows) × actor role (columns): ✓ where the actor may act on a user holding the target role. */
export function targetsTable(): string {
  const actors = [...new Set(Object.values(CREDENTIAL_TARGETS).flat())];
  const label = (t: string) => (t === 'none' ? 'No role' : t === 'other' ? 'Any other role' : name(t));
  const rows = Object.keys(CREDENTIAL_TARGETS).map((t) => {
    const allowed = CREDENTIAL_TARGETS[t] ?? [];
    return `| ${label(t)} | ${actors.map((a) => (allowed.includes(a) ? '✓' : '')).join(' | ')} |`;
  });
  return [
    `| Target holds ↓ · actor holds → | ${actors.map(name).join(' | ')} |`,
    `| --- | ${actors.map(() => ':---:').join(' | ')} |`,
    ...rows,
    '',
  ].join('\n');
}

/** Credential action → roles that may perform it. */
export function actorsTable(): string {
  return [
    '| Action | Roles that may perform it (within the target rules above) |',
    '| --- | --- |',
    ...Object.entries(CREDENTIAL_ACTORS).map(([action, roles]) => `| \`${action}\` | ${roles.map(name).join(', ')} |`),
    '',
  ].join('\n');
}

const blockRe = (marker: string) => new RegExp(`(<!-- ${marker}:start -->\\n)[\\s\\S]*?(<!-- ${marker}:end -->)`);

/** The text between a marker pair, or undefined. */
export function block(doc: string, marker: string): string | undefined {
  const m = new RegExp(`<!-- ${marker}:start -->\\n([\\s\\S]*?)<!-- ${marker}:end -->`).exec(doc);
  return m?.[1];
}

/** The document with both tables rendered anew. */
export function renderSecurityDoc(doc: string): string {
  return doc
    .replace(blockRe('role-targets'), (_m, a: string, b: string) => `${a}${targetsTable()}${b}`)
    .replace(blockRe('credential-actions'), (_m, a: string, b: string) => `${a}${actorsTable()}${b}`);
}

if (process.argv[1] && import.meta.url === `file://${path.resolve(process.argv[1])}`) {
  fs.writeFileSync(SECURITY_DOC, renderSecurityDoc(fs.readFileSync(SECURITY_DOC, 'utf8')));
  console.log(`wrote ${path.relative(process.cwd(), SECURITY_DOC)}`);
}
