import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actorsTable, block, SECURITY_DOC, targetsTable } from '../../scripts/security-doc.js';

// docs/security.md shows the role-target rules as tables rendered from the authorization module
// (`npm run docs:security`); this test keeps them identical, so the document cannot drift from the code.

const doc = fs.readFileSync(SECURITY_DOC, 'utf8');

describe('docs/security.md', () => {
  it('shows the role-target table exactly as domain/authorization.ts has it (npm run docs:security)', () => {
    expect(block(doc, 'role-targets')).toBe(targetsTable());
  });

  it('shows which roles may perform each credential action exactly as domain/authorization.ts has it', () => {
    expect(block(doc, 'credential-actions')).toBe(actorsTable());
  });
});
