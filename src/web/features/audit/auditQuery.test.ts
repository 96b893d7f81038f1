import { describe, expect, it } from 'vitest';
import { auditFilter, auditUrl } from './auditQuery';

describe('audit log filters', () => {
  it('combines date range, activity, initiator and target into one $filter', () => {
    const f = auditFilter({ activity: 'Add member to group', initiatorId: 'u1', targetId: "g'1" });
    expect(f).toBe(
      "activityDisplayName eq 'Add member to group' and initiatedBy/user/id eq 'u1' and targetResources/any(t: t/id eq 'g''1')",
    );
  });

  it('includes whole local days in the date range', () => {
    const f = auditFilter({ from: '2026-03-01', to: '2026-03-02' }) ?? '';
    const [, from, to] = /ge (\S+) and activityDateTime le (\S+)/.exec(f) ?? [];
    expect(new Date(from ?? '').getTime()).toBe(new Date('2026-03-01T00:00:00').getTime());
    expect(new Date(to ?? '').getTime()).toBe(new Date('2026-03-03T00:00:00').getTime() - 1);
  });

  it('ignores empty or malformed values', () => {
    expect(auditFilter({})).toBeUndefined();
    expect(auditFilter({ from: 'yesterday' })).toBeUndefined();
    expect(auditUrl({}, 10)).toBe('/auditLogs/directoryAudits?%24top=10');
  });
});
