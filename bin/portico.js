#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/server/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('Portico is not built yet. Run `npm install` (or `npm run build`) in the checkout first.');
  process.exit(1);
}
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv.slice(2));
