import { byText, type Violation } from './checker.js';

// The ratchet: violations that existed when the checks were introduced. The list may only shrink —
// a violation not on it fails the architecture test, and so does an entry that no longer occurs.

export interface KnownViolation {
  rule: string;
  /** A file, or a unit directory (`src/server/modules/groups/`) for module-cycle and table-ownership. */
  where: string;
  detail: string;
}

export const keyOf = (v: KnownViolation) => `${v.rule} | ${v.where} | ${v.detail}`;

export function compareKnown(a: KnownViolation, b: KnownViolation): number {
  return byText(a.rule, b.rule) || byText(a.where, b.where) || byText(a.detail, b.detail);
}

/** The line-free entries for `violations`, deduplicated and sorted as known-violations.json keeps them. */
export function toKnown(violations: Violation[]): KnownViolation[] {
  const byKey = new Map<string, KnownViolation>();
  for (const v of violations) byKey.set(keyOf(v), { rule: v.rule, where: v.where, detail: v.detail });
  return [...byKey.values()].sort(compareKnown);
}

export interface Ratchet {
  /** Violations whose (rule, where, detail) is not listed: fix them. */
  added: Violation[];
  /** Listed entries that no longer occur: remove them from the list. */
  fixed: KnownViolation[];
}

export function compareWithKnown(violations: Violation[], known: KnownViolation[]): Ratchet {
  const listed = new Set(known.map(keyOf));
  const current = new Set(violations.map(keyOf));
  return {
    added: violations.filter((v) => !listed.has(keyOf(v))),
    fixed: known.filter((k) => !current.has(keyOf(k))),
  };
}

/** known-violations.json text: one entry a line, so removing one is a one-line diff. */
export function formatKnown(entries: KnownViolation[]): string {
  const line = (k: KnownViolation) => `  ${JSON.stringify({ rule: k.rule, where: k.where, detail: k.detail })}`;
  return entries.length === 0 ? '[]\n' : `[\n${entries.map(line).join(',\n')}\n]\n`;
}
