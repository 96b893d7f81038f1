import { describe, expect, it } from 'vitest';
import { appOffer, joinState, mailNicknameFor, pendingForApp, pendingTotal, statusBadge, textProblem } from './requestLogic';

const group = (
  joinPolicy: 'open' | 'ownerApproval' | 'closed',
  extra: { groupTypes?: string[]; onPremisesSyncEnabled?: boolean } = {},
) => ({
  groupTypes: extra.groupTypes ?? [],
  onPremisesSyncEnabled: extra.onPremisesSyncEnabled ?? null,
  joinPolicy,
});

describe('joinState', () => {
  it('offers Join for open groups, Request to join for owner approval, nothing for closed ones', () => {
    expect(joinState(group('open'), false, false)).toBe('join');
    expect(joinState(group('ownerApproval'), false, false)).toBe('request');
    expect(joinState(group('closed'), false, false)).toBe('closed');
  });

  it('members are members; a pending request waits; rules and synced groups take nobody by hand', () => {
    expect(joinState(group('open'), true, false)).toBe('member');
    expect(joinState(group('ownerApproval'), false, true)).toBe('pending');
    expect(joinState(group('open', { groupTypes: ['DynamicMembership'] }), false, false)).toBe('rule');
    expect(joinState(group('open', { onPremisesSyncEnabled: true }), false, true)).toBe('rule');
  });
});

describe('requests', () => {
  it('words every status with a colour', () => {
    expect(statusBadge('pending')).toEqual({ label: 'Pending', color: 'yellow' });
    expect(statusBadge('denied').label).toBe('Denied');
    expect(statusBadge('rejected').label).toBe('Rejected');
    expect(statusBadge('failed').label).toBe('Failed');
  });

  it('offers Request, waits for a pending request, or opens an app one has', () => {
    expect(appOffer({ hasAccess: false, pendingRequestId: null })).toBe('request');
    expect(appOffer({ hasAccess: false, pendingRequestId: 'r1' })).toBe('pending');
    expect(appOffer({ hasAccess: true, pendingRequestId: 'r1' })).toBe('open');
  });

  it('checks justifications and reasons as the API does', () => {
    expect(textProblem('  ', 'a business justification', true, 1000)).toBe('Enter a business justification.');
    expect(textProblem('  ', 'a reason', false, 1000)).toBeUndefined();
    expect(textProblem('x'.repeat(1001), 'a reason', false, 1000)).toBe('A reason can have at most 1000 characters.');
    expect(textProblem(' ok ', 'a reason', true, 1000)).toBeUndefined();
  });

  it('counts what waits for a decision, per app and in all', () => {
    const p = {
      appAccessRequests: 3,
      groupJoinRequests: 2,
      applications: [
        { id: 'a', displayName: 'A', pendingCount: 3 },
        { id: 'b', displayName: 'B', pendingCount: 0 },
      ],
      groups: [{ id: 'g', displayName: 'G', pendingCount: 2 }],
    };
    expect(pendingTotal(p)).toBe(5);
    expect(pendingTotal(undefined)).toBe(0);
    expect(pendingForApp(p, 'b')).toBe(0);
    expect(pendingForApp(p, 'c')).toBeUndefined();
  });

  it('makes a mail nickname the API accepts from any group name', () => {
    expect(mailNicknameFor('Équipe café — Paris!', 'a1b2c3d4-e5f6')).toBe('EquipecafeParis-a1b2c3d4');
    expect(mailNicknameFor('日本', 'ffff0000')).toBe('group-ffff0000');
    expect(mailNicknameFor('x'.repeat(80), '12345678')).toHaveLength(49);
  });
});
