import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '../../api/graph';
import { fakeApi, profileHandlers, renderAt } from '../../test-utils';

const group = (membershipRuleProcessingState: 'On' | 'Paused') => ({
  id: 'g1',
  displayName: 'All guests',
  description: null,
  mailNickname: 'allguests',
  mail: null,
  mailEnabled: false,
  securityEnabled: true,
  groupTypes: ['DynamicMembership'],
  membershipRule: '(user.objectId -ne null) -and (user.userType -eq "Guest")',
  membershipRuleProcessingState,
  onPremisesSyncEnabled: null,
  visibility: 'Private',
  isAssignableToRole: false,
  createdDateTime: '2024-05-01T10:00:00Z',
});

describe('Groups → a dynamic group', () => {
  it('shows the membership rule and whether it is processed', async () => {
    fakeApi({ ...profileHandlers([ROLE_IDS.globalAdministrator]), 'GET /v1.0/groups/g1': { body: group('Paused') } });
    renderAt('/admin/groups/g1');
    expect(await screen.findByText('(user.objectId -ne null) -and (user.userType -eq "Guest")')).toBeTruthy();
    expect(screen.getByText('Rule processing')).toBeTruthy();
    expect(screen.getByText('Paused: membership is frozen')).toBeTruthy();
  });
});
