import { describe, expect, it } from 'vitest';
import { deriveMailNickname, newGroupBody, validateNewGroup } from './groupForm';

describe('New group form', () => {
  it('derives a valid mailNickname from the group name', () => {
    expect(deriveMailNickname('App Guests')).toBe('App-Guests');
    expect(deriveMailNickname('Ventes & Marketing (EU)')).toBe('Ventes-Marketing-EU');
    expect(deriveMailNickname('Équipe Zürich: a.b@c')).toBe('Equipe-Zurich-a-b-c');
    expect(deriveMailNickname('日本', () => 'x1')).toBe('group-x1');
    const long = deriveMailNickname('x'.repeat(80));
    expect(long).toHaveLength(64);
    for (const n of ['App Guests', 'a;b:c<d>e,f"g[h]i\\j']) expect(deriveMailNickname(n)).toMatch(/^[^@()\\[\]";:.<>, ]+$/);
  });

  it('requires a name, and a rule for Dynamic user membership', () => {
    const base = { groupType: 'Security', name: '', description: '', membershipType: 'Assigned', rule: '' } as const;
    expect(validateNewGroup(base)).toEqual({ name: 'Enter a group name.' });
    expect(validateNewGroup({ ...base, name: 'G', membershipType: 'Dynamic user' }).rule).toMatch(/Enter the rule/);
    expect(validateNewGroup({ ...base, name: 'G', membershipType: 'Dynamic user', rule: '(user.userType -eq "Guest")' })).toEqual(
      {},
    );
  });

  it('sends the Graph group types of each choice', () => {
    const v = { name: ' App Guests ', description: ' For the app ', rule: '' };
    expect(newGroupBody({ ...v, groupType: 'Security', membershipType: 'Assigned' })).toEqual({
      displayName: 'App Guests',
      description: 'For the app',
      mailNickname: 'App-Guests',
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: [],
    });
    expect(newGroupBody({ ...v, groupType: 'Microsoft 365', membershipType: 'Assigned' })).toMatchObject({
      groupTypes: ['Unified'],
      mailEnabled: true,
    });
    expect(
      newGroupBody({
        ...v,
        description: '',
        groupType: 'Security',
        membershipType: 'Dynamic user',
        rule: '(user.userType -eq "Guest")',
      }),
    ).toEqual({
      displayName: 'App Guests',
      mailNickname: 'App-Guests',
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: ['DynamicMembership'],
      membershipRule: '(user.userType -eq "Guest")',
      membershipRuleProcessingState: 'On',
    });
  });
});
