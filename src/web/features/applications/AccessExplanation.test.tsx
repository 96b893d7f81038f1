import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AccessExplanation } from '../../../contracts/access-explanation';
import { fakeApi, profileHandlers, renderAt, renderWithMantine } from '../../test-utils';
import { AccessExplanationView } from './AccessExplanation';

const AT = '2026-12-01T10:00:00.000Z';
const olive = { id: 'olive', displayName: 'Olive Owner', userPrincipalName: 'olive@contoso.com' };
const step = (memberId: string, memberDisplayName: string, group: string, extra: object = {}) => ({
  memberId,
  memberDisplayName,
  group: { id: group, displayName: group, membershipType: 'assigned' as const },
  origin: 'added' as const,
  dateTime: AT,
  by: olive,
  ...extra,
});
const assignment = (principal: string) => ({
  assignmentPrincipalId: principal,
  appRoleId: '00000000-0000-0000-0000-000000000000',
  appRoleDisplayName: 'Default Access',
  appRoleValue: null,
  assignedDateTime: AT,
  assignedBy: olive,
});

const EXPLANATION: AccessExplanation = {
  servicePrincipalId: 'sp1',
  appDisplayName: 'Expenses',
  appRoleAssignmentRequired: true,
  user: {
    id: 'bob',
    displayName: 'Bob Partner',
    userPrincipalName: 'bob_fabrikam.com#EXT#@contoso.com',
    userType: 'Guest',
    accountEnabled: true,
    externalUserState: 'Accepted',
    invitation: { id: 'inv1', invitedDateTime: AT, invitedBy: olive, status: 'Completed', redeemedDateTime: AT },
  },
  hasAccess: true,
  reason: 'assigned',
  reasonText: 'Bob Partner can sign in to Expenses: they are a direct member of Expenses guests, which is assigned to it.',
  paths: [
    {
      kind: 'group',
      counts: true,
      groupId: 'Expenses guests',
      groupDisplayName: 'Expenses guests',
      memberships: [step('bob', 'Bob Partner', 'Expenses guests', { origin: 'invitation', invitationId: 'inv1' })],
      explanation: '',
      ...assignment('Expenses guests'),
    },
    {
      kind: 'group',
      counts: false,
      groupId: 'All partners',
      groupDisplayName: 'All partners',
      memberships: [
        step('bob', 'Bob Partner', 'Fabrikam', { origin: 'joinRequest', justification: 'Same project' }),
        step('Fabrikam', 'Fabrikam', 'All partners'),
      ],
      explanation: '',
      ...assignment('All partners'),
    },
  ],
  notes: ['Nested groups do not pass access on: only the direct members of a group assigned to the application get it.'],
};

describe('Why does this person have access?', () => {
  it('tells the verdict, every way in and how each membership came, in plain words', () => {
    renderWithMantine(<AccessExplanationView explanation={EXPLANATION} />);
    const verdict = screen.getByRole('status');
    expect(within(verdict).getByText('Has access')).toBeTruthy();
    expect(verdict.textContent).toContain('direct member of Expenses guests');
    expect(screen.getByText(/Bob Partner was invited by Olive Owner on .*, and accepted on/)).toBeTruthy();
    const ways = within(screen.getByRole('list', { name: 'Ways in' }));
    expect(ways.getByText('Through the group Expenses guests')).toBeTruthy();
    expect(ways.getByText('Grants access')).toBeTruthy();
    expect(ways.getByText('Does not count')).toBeTruthy();
    expect(ways.getByText(/Bob Partner is in Expenses guests: invited as a guest into the group by Olive Owner/)).toBeTruthy();
    expect(
      ways.getByText(/Bob Partner is in Fabrikam: request to join approved by Olive Owner on .* — “Same project”/),
    ).toBeTruthy();
    expect(ways.getByText(/Fabrikam is in All partners: added by Olive Owner/)).toBeTruthy();
    expect(screen.getAllByText(/Nested groups do not pass access on/).length).toBeGreaterThan(0);
  });

  it('says so when there is no way in', () => {
    renderWithMantine(
      <AccessExplanationView
        self
        explanation={{
          ...EXPLANATION,
          user: { ...EXPLANATION.user, userType: 'Member', invitation: null },
          hasAccess: false,
          reason: 'notAssigned',
          reasonText: 'Bob Partner cannot sign in to Expenses: it requires assignment.',
          paths: [],
          notes: [],
        }}
      />,
    );
    expect(within(screen.getByRole('status')).getByText('No access')).toBeTruthy();
    expect(screen.getByText('You are not assigned to Expenses, directly or through a group.')).toBeTruthy();
  });

  it('My Apps: a tile\'s "Why do I have access?" opens the signed-in user\'s explanation', async () => {
    const calls = fakeApi({
      ...profileHandlers([]),
      'GET /v1.0/me/myApps': {
        body: {
          value: [
            {
              id: 'sp1',
              appId: 'app-1',
              displayName: 'Expenses',
              description: null,
              logoUrl: null,
              launchUrl: 'http://localhost/myapps/signin/app-1',
              isOwner: false,
            },
          ],
        },
      },
      "GET /v1.0/me/accessExplanation(servicePrincipalId='sp1')": { body: EXPLANATION },
    });
    renderAt('/myapps');
    await userEvent.click(await screen.findByRole('button', { name: 'Why do I have access to Expenses?' }));
    const dialog = await screen.findByRole('dialog', { name: 'Why do I have access to Expenses?' });
    expect(await within(dialog).findByText('Has access')).toBeTruthy();
    expect(calls.some((c) => c.path.endsWith("/me/accessExplanation(servicePrincipalId='sp1')"))).toBe(true);
  });
});
