import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENTS,
  DOC,
  NOT_SUPPORTED,
  type OpenApiPaths,
  PARTIAL,
  renderCompatibility,
  servedPaths,
} from '../../scripts/compat-doc.js';

// docs/compatibility.md is generated from the route table (`npm run docs:compat`): it lists exactly
// what Portico serves, and nothing it serves is listed as not supported.

let paths: OpenApiPaths;
beforeAll(async () => {
  paths = await servedPaths();
});

const served = (key: string) => {
  const [method, p] = key.split(' ');
  return paths[p ?? '']?.[(method ?? '').toLowerCase()] !== undefined;
};

describe('docs/compatibility.md', () => {
  it('is up to date with the route table (run `npm run docs:compat`)', () => {
    const expected = renderCompatibility(paths, fs.readFileSync(CLIENTS, 'utf8'));
    expect(fs.readFileSync(DOC, 'utf8') === expected, 'docs/compatibility.md is stale: run `npm run docs:compat`').toBe(true);
  });

  it('marks as partial only operations that exist', () => {
    expect(Object.keys(PARTIAL).filter((k) => !served(k))).toEqual([]);
  });

  it('lists as not supported only operations that Portico does not serve', () => {
    expect(Object.keys(NOT_SUPPORTED).filter((k) => served(k))).toEqual([]);
  });
});
