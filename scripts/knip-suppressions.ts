// Part of `npm run lint`: keeps knip.config.ts's `toRemoveDuringRestructuring` honest. knip suppresses
// those findings per file; this runs knip with nothing suppressed and fails when a listed name is no
// longer reported (remove it from the list) or when a listed file has an unused export or type that
// the list does not name (a new one, hidden by the per-file suppression: remove it).
import { execFileSync } from 'node:child_process';
import { toRemoveDuringRestructuring } from '../knip.config.js';

type Kind = 'exports' | 'types';
interface KnipJson {
  issues: ({ file: string } & Partial<Record<Kind, { name: string; line: number }[]>>)[];
}

function runKnip(): KnipJson {
  const args = ['knip', '--reporter', 'json', '--no-exit-code', '--no-config-hints'];
  const out = execFileSync('npx', args, { encoding: 'utf8', env: { ...process.env, KNIP_REPORT_ALL: '1' } });
  return JSON.parse(out) as KnipJson;
}

const reported = new Map<string, { name: string; line: number }[]>();
for (const issue of runKnip().issues) {
  for (const kind of ['exports', 'types'] as const) reported.set(`${issue.file} ${kind}`, issue[kind] ?? []);
}

const problems: string[] = [];
for (const [file, kinds] of Object.entries(toRemoveDuringRestructuring)) {
  for (const kind of ['exports', 'types'] as const) {
    const listed = kinds[kind] ?? [];
    const found = reported.get(`${file} ${kind}`) ?? [];
    for (const name of listed) {
      if (!found.some((f) => f.name === name)) {
        problems.push(
          `${file}: ${kind} '${name}' is not reported as unused any more — remove it from toRemoveDuringRestructuring in knip.config.ts`,
        );
      }
    }
    for (const f of found) {
      if (!listed.includes(f.name)) {
        problems.push(
          `${file}:${f.line}: unused ${kind === 'exports' ? 'export' : 'exported type'} '${f.name}' — remove it (do not add it to the list)`,
        );
      }
    }
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
