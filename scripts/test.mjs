#!/usr/bin/env node
// `npm test`: every test (unit + integration on SQLite and PostgreSQL), then one summary line
// `N passed, N failed[, N skipped]` that CI reads. Extra arguments go to vitest
// (`npm test -- test/unit/ids.test.ts`).
//
// Stages: 1. vitest (unit, sqlite, postgres, web projects — see vitest.config.ts)
//         2. Playwright e2e in Debian's Chromium — see runE2e() below (skipped when test files are named).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loudSkipNotice, postgresReachable, testDatabaseUrl } from './pg-probe.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jsonFile = path.join(root, '.tmp', 'vitest.json');
const requirePostgres = process.env.PORTICO_REQUIRE_POSTGRES === '1';

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (err) => {
      console.error(`test runner: could not start ${cmd}: ${err.message}`);
      resolve({ code: 127, signal: null });
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code, signal });
    });
  });
}

/** Counts from vitest's JSON report; a test file that failed to load counts as one failure. */
function countsFrom(report) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const file of report.testResults ?? []) {
    const results = file.assertionResults ?? [];
    for (const a of results) {
      if (a.status === 'passed') passed++;
      else if (a.status === 'failed') failed++;
      else skipped++; // pending, skipped, todo, disabled
    }
    if (file.status === 'failed' && !results.some((a) => a.status === 'failed')) failed++;
  }
  return { passed, failed, skipped };
}

async function runVitest(extraArgs) {
  fs.mkdirSync(path.dirname(jsonFile), { recursive: true });
  fs.rmSync(jsonFile, { force: true });
  fs.rmSync(path.join(root, '.tmp', 'test-summary.txt'), { force: true });
  const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const { code, signal } = await run(process.execPath, [
    vitest,
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${jsonFile}`,
    ...extraArgs,
  ]);
  if (!fs.existsSync(jsonFile)) {
    console.error(
      `\ntest runner: vitest ended (${signal ?? `exit code ${code}`}) without writing ${path.relative(root, jsonFile)}: it crashed or could not start.`,
    );
    return { passed: 0, failed: 0, skipped: 0, crashed: true, exitCode: code ?? 1 };
  }
  const report = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  return { ...countsFrom(report), crashed: false, exitCode: code ?? 1 };
}

/**
 * HOOK — Playwright e2e stage: the browser suite under e2e/ (a real Portico on a temporary SQLite
 * directory, Debian's Chromium at /usr/bin/chromium — never a downloaded browser). Without Chromium
 * the stage is skipped with a loud notice; PORTICO_REQUIRE_E2E=1 (CI) turns that into a failure.
 * Counts come from Playwright's JSON report (`stats.expected` / `unexpected` / `flaky` / `skipped`).
 */
const chromium = process.env.PORTICO_E2E_CHROMIUM ?? '/usr/bin/chromium';
const e2eJson = path.join(root, '.tmp', 'e2e', 'results.json');
const requireE2e = process.env.PORTICO_REQUIRE_E2E === '1';

const e2eSkipNotice = () =>
  [
    '',
    '################################################################################',
    `#  BROWSER (E2E) TESTS SKIPPED: no Chromium at ${chromium}`,
    "#  Install Debian's Chromium (`sudo apt-get install -y chromium`) to run them.",
    '#  Never `npx playwright install`. PORTICO_REQUIRE_E2E=1 makes this a failure (CI does).',
    '################################################################################',
    '',
  ].join('\n');

async function runE2e() {
  if (!fs.existsSync(chromium)) {
    console.warn(e2eSkipNotice());
    if (requireE2e) {
      console.error(`test runner: PORTICO_REQUIRE_E2E=1 but there is no Chromium at ${chromium}. Failing.`);
      return { passed: 0, failed: 1, skipped: 0, crashed: false, exitCode: 1, skippedE2e: true };
    }
    return { passed: 0, failed: 0, skipped: 0, crashed: false, exitCode: 0, skippedE2e: true };
  }
  fs.rmSync(e2eJson, { force: true });
  console.log('\ntest runner: browser tests (Playwright, Debian Chromium)');
  const cli = path.join(root, 'node_modules', '@playwright', 'test', 'cli.js');
  const { code, signal } = await run(process.execPath, [cli, 'test', '-c', 'e2e/playwright.config.ts']);
  if (!fs.existsSync(e2eJson)) {
    console.error(
      `\ntest runner: Playwright ended (${signal ?? `exit code ${code}`}) without writing ${path.relative(root, e2eJson)}: its global setup failed or it crashed.`,
    );
    return { passed: 0, failed: 1, skipped: 0, crashed: false, exitCode: code ?? 1 };
  }
  const { stats = {}, errors = [] } = JSON.parse(fs.readFileSync(e2eJson, 'utf8'));
  const passed = (stats.expected ?? 0) + (stats.flaky ?? 0);
  // Errors outside any test (global setup, a spec that fails to load) count as one failure.
  const failed = (stats.unexpected ?? 0) || (errors.length > 0 || (code ?? 1) !== 0 ? 1 : 0);
  return { passed, failed, skipped: stats.skipped ?? 0, crashed: false, exitCode: code ?? 1 };
}

/**
 * The browser suite runs after a full run, or one narrowed only by `--project`: not when test files
 * are named, nor with PORTICO_TEST_E2E=0 (the other-Node legs of scripts/test-node-lts.mjs).
 */
function wantsE2e(args) {
  if (process.env.PORTICO_TEST_E2E === '0') return false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--project') i++;
    else if (!a.startsWith('--project=')) return false;
  }
  return true;
}

const pgUrl = testDatabaseUrl();
const pgUp = await postgresReachable(pgUrl);
if (!pgUp && requirePostgres) {
  console.error(loudSkipNotice(pgUrl));
  console.error(
    `test runner: PORTICO_REQUIRE_POSTGRES=1 but PostgreSQL is not reachable at ${pgUrl.replace(/\/\/[^@]*@/, '//')}. Failing.`,
  );
  fs.mkdirSync(path.join(root, '.tmp'), { recursive: true });
  fs.writeFileSync(path.join(root, '.tmp', 'test-summary.txt'), '0 passed, 1 failed\n');
  process.exit(1);
}

const started = Date.now();
const args = process.argv.slice(2);
const stages = [await runVitest(args)];
if (!stages[0].crashed && wantsE2e(args)) stages.push(await runE2e());
else if (!wantsE2e(args)) console.log('\ntest runner: browser tests not run (test files or filters were named).');

const total = stages.reduce(
  (acc, s) => ({ passed: acc.passed + s.passed, failed: acc.failed + s.failed, skipped: acc.skipped + s.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
const crashed = stages.some((s) => s.crashed);
const nonZero = stages.some((s) => s.exitCode !== 0);

if (!pgUp) console.warn(loudSkipNotice(pgUrl));
if (stages.some((s) => s.skippedE2e)) console.warn(e2eSkipNotice());
console.log(`\ntest runner: finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (crashed) console.error('test runner: the run CRASHED (see above); the counts below are incomplete.');
else if (nonZero && total.failed === 0) console.error('test runner: a stage exited non-zero (see above).');
const summary = `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`;
// .ci/run repeats this file's line as its own last line.
fs.writeFileSync(path.join(root, '.tmp', 'test-summary.txt'), `${summary}\n`);
console.log(summary);
process.exit(crashed || nonZero || total.failed > 0 ? 1 : 0);
