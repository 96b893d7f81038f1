import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, openRowDialog, profileHandlers, renderAt, UNDECIDED } from '../../test-utils';

const catalogueApp = (id: string, displayName: string, extra: Record<string, unknown> = {}) => ({
  id,
  appId: `app-${id}`,
  displayName,
  description: `${displayName} for partners`,
  logoUrl: null,
  requireApproval: true,
  hasAccess: false,
  pendingRequestId: null,
  ...extra,
});

const request = (id: string, status: string, extra: Record<string, unknown> = {}) => ({
  id,
  status,
  servicePrincipalId: 'sp1',
  appId: 'app-sp1',
  appDisplayName: 'Wiki',
  requesterId: 'me',
  requesterDisplayName: 'Ada Admin',
  requesterUserPrincipalName: 'ada@contoso.com',
  justification: 'Project work',
  groupId: 'g1',
  appRoleId: '00000000-0000-0000-0000-000000000000',
  requireApproval: true,
  ...UNDECIDED,
  ...extra,
});

describe('My Apps → Request new apps', () => {
  it('requests an app with a business justification and shows it as pending', async () => {
    let mine = [request('r0', 'denied', { decidedByDisplayName: 'Olive', decisionReason: 'Not this quarter' })];
    let pending: string | null = null;
    const calls = fakeApi({
      ...profileHandlers([]),
      'GET /v1.0/me/requestableApps': () => ({
        body: {
          value: [
            catalogueApp('sp1', 'Wiki', { pendingRequestId: pending }),
            catalogueApp('sp2', 'Grafana', { hasAccess: true, requireApproval: false }),
          ],
        },
      }),
      'GET /v1.0/me/appAccessRequests': () => ({ body: { value: mine } }),
      'POST /v1.0/servicePrincipals/sp1/accessRequests': () => {
        pending = 'r1';
        mine = [request('r1', 'pending'), ...mine];
        return { status: 201, body: request('r1', 'pending') };
      },
    });
    const user = userEvent.setup();
    renderAt('/myapps/request');
    const wiki = await screen.findByRole('region', { name: 'Wiki' });
    expect(within(screen.getByRole('region', { name: 'Grafana' })).getByText(/You have access/)).toBeTruthy();
    expect(within(screen.getByTestId('my-app-requests-table')).getByText(/Not this quarter/)).toBeTruthy();

    await user.click(within(wiki).getByRole('button', { name: 'Request Wiki' }));
    const dialog = await screen.findByRole('dialog', { name: 'Request access to Wiki' });
    await user.click(within(dialog).getByRole('button', { name: 'Request' }));
    expect(within(dialog).getByRole('alert').textContent).toContain('Enter a business justification.');
    await user.type(within(dialog).getByRole('textbox', { name: /Business justification/ }), '  Partner onboarding  ');
    await user.click(within(dialog).getByRole('button', { name: 'Request' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({ justification: 'Partner onboarding' });
    expect(await screen.findByText('Your request was sent to the approvers of Wiki.')).toBeTruthy();
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Wiki' })).getByText('Request pending')).toBeTruthy());
    expect(
      within(screen.getByTestId('my-app-requests-table')).getByRole('button', { name: 'Cancel the request for Wiki' }),
    ).toBeTruthy();
  });

  it('keeps the server refusal in the dialog', async () => {
    fakeApi({
      ...profileHandlers([]),
      'GET /v1.0/me/requestableApps': { body: { value: [catalogueApp('sp1', 'Wiki')] } },
      'GET /v1.0/me/appAccessRequests': { body: { value: [] } },
      'POST /v1.0/servicePrincipals/sp1/accessRequests': {
        status: 409,
        body: { error: { code: 'Conflict', message: 'You already have a pending request for Wiki.' } },
      },
    });
    const user = userEvent.setup();
    renderAt('/myapps/request');
    await user.click(await screen.findByRole('button', { name: 'Request Wiki' }));
    const dialog = await screen.findByRole('dialog', { name: 'Request access to Wiki' });
    await user.type(within(dialog).getByRole('textbox', { name: /Business justification/ }), 'Because');
    await user.click(within(dialog).getByRole('button', { name: 'Request' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('You already have a pending request for Wiki.');
  });

  it('tells guests who may not browse the catalogue what to do, and opens a linked app', async () => {
    fakeApi({
      ...profileHandlers([]),
      'GET /v1.0/me/requestableApps': {
        status: 403,
        body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } },
      },
      'GET /v1.0/me/appAccessRequests': { body: { value: [] } },
      "GET /v1.0/servicePrincipals(appId='app-sp9')": {
        body: {
          id: 'sp9',
          appId: 'app-sp9',
          displayName: 'Partner portal',
          selfServiceAccess: { enabled: true, requireApproval: false },
        },
      },
    });
    renderAt('/myapps?request=app-sp9');
    expect(await screen.findByRole('dialog', { name: 'Request access to Partner portal' })).toBeTruthy();
    expect(screen.getByText(/You get access at once/)).toBeTruthy();
    expect(screen.getByText("The catalogue isn't available to you")).toBeTruthy();
  });
});

describe('My Apps: approvals', () => {
  it('shows approvers a badge with what waits for them, and the way to each app', async () => {
    fakeApi({
      ...profileHandlers([]),
      'GET /v1.0/me/myApps': { body: { value: [] } },
      'GET /v1.0/me/pendingApprovals': {
        body: {
          appAccessRequests: 2,
          groupJoinRequests: 1,
          applications: [{ id: 'sp1', displayName: 'Wiki', pendingCount: 2 }],
          groups: [{ id: 'g1', displayName: 'Partners', pendingCount: 1 }],
        },
      },
    });
    renderAt('/myapps');
    const card = await screen.findByTestId('pending-approvals');
    expect(within(card).getByTestId('pending-approvals-count').textContent).toBe('3');
    expect(within(card).getByRole('link', { name: 'Wiki (2)' }).getAttribute('href')).toBe('/myapps/manage/sp1?view=requests');
    expect(
      within(card)
        .getByRole('link', { name: /Requests to join your groups/ })
        .getAttribute('href'),
    ).toBe('/mygroups?view=approvals');
  });

  it('denies a request with a reason in Manage your application → Requests', async () => {
    let status = 'pending';
    const calls = fakeApi({
      ...profileHandlers([]),
      'GET /v1.0/servicePrincipals/sp1': {
        body: { id: 'sp1', appId: 'app-sp1', displayName: 'Wiki', appRoles: [], selfServiceAccess: { enabled: true } },
      },
      'GET /v1.0/me/pendingApprovals': {
        body: {
          appAccessRequests: 1,
          groupJoinRequests: 0,
          applications: [{ id: 'sp1', displayName: 'Wiki', pendingCount: 1 }],
          groups: [],
        },
      },
      'GET /v1.0/servicePrincipals/sp1/accessRequests': () => ({
        body: { value: status === 'pending' ? [request('r1', 'pending', { requesterDisplayName: 'Rita Requester' })] : [] },
      }),
      'POST /v1.0/appAccessRequests/r1/deny': () => {
        status = 'denied';
        return { body: request('r1', 'denied') };
      },
    });
    const { user, dialog } = await openRowDialog(
      '/myapps/manage/sp1?view=requests',
      { testId: 'app-requests-table', shows: 'Project work' },
      'Deny the request of Rita Requester',
      'Deny the request of Rita Requester',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Deny' }));
    expect(within(dialog).getByRole('alert').textContent).toContain('Enter a reason.');
    await user.type(within(dialog).getByRole('textbox', { name: /Reason/ }), 'Contract ended');
    await user.click(within(dialog).getByRole('button', { name: 'Deny' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.find((c) => c.path === '/v1.0/appAccessRequests/r1/deny')?.body).toEqual({ reason: 'Contract ended' });
    expect(await screen.findByText('No request waits for a decision')).toBeTruthy();
  });
});
