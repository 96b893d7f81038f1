import { Button, Group, Stack, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { type AppRoleAssignment, graph, type ServicePrincipal } from '../../api/graph';
import { useLoad, usePaged } from '../../api/hooks';
import { PageHeader } from '../../components/PageHeader';
import { type PeopleChoice, PeoplePicker, type Settle } from '../../components/PeoplePicker';
import { Async } from '../../components/States';
import { AppRequestsPanel } from '../requests/AppRequestsPanel';
import { CountBadge } from '../requests/RequestsUi';
import { pendingForApp } from '../requests/requestLogic';
import { AssignmentsList } from './Assignments';
import { ownerAssignRole, planInvite } from './appLogic';

/**
 * My Apps → Manage your application, for the app's owners (its users and + Add members) and its
 * approvers (Requests: approve or deny; `?view=requests` opens them).
 */
export function ManageMyApp() {
  const { id = '' } = useParams();
  const data = useLoad(async () => {
    const [app, approvals] = await Promise.all([graph.servicePrincipal(id), graph.pendingApprovals().catch(() => undefined)]);
    return { app, approvals };
  }, [id]);
  const title = data.data ? `Manage ${data.data.app.displayName}` : 'Manage your application';
  return (
    <Stack>
      <PageHeader
        title={title}
        crumbs={[{ label: 'My Apps', to: '/myapps' }, { label: data.data?.app.displayName ?? 'Application' }]}
      />
      <Async state={data}>
        {({ app, approvals }) => <ManageTabs app={app} pending={pendingForApp(approvals, app.id)} onDecided={data.reload} />}
      </Async>
    </Stack>
  );
}

/** Users, and Requests for those who decide the app's requests (`pending` is undefined for others). */
function ManageTabs({ app, pending, onDecided }: { app: ServicePrincipal; pending: number | undefined; onDecided: () => void }) {
  const [params, setParams] = useSearchParams();
  if (pending === undefined && !app.selfServiceAccess.enabled) return <AppUsers app={app} />;
  const view = params.get('view') === 'requests' ? 'requests' : 'users';
  return (
    <Tabs value={view} onChange={(v) => setParams(v === 'requests' ? { view: 'requests' } : {}, { replace: true })}>
      <Tabs.List aria-label="Manage">
        <Tabs.Tab value="users">Users</Tabs.Tab>
        <Tabs.Tab value="requests" rightSection={<CountBadge count={pending ?? 0} label="requests to decide" />}>
          Requests
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="users" pt="md">
        {view === 'users' && <AppUsers app={app} />}
      </Tabs.Panel>
      <Tabs.Panel value="requests" pt="md">
        {view === 'requests' && <AppRequestsPanel app={app} onDecided={onDecided} />}
      </Tabs.Panel>
    </Tabs>
  );
}

function AppUsers({ app }: { app: ServicePrincipal }) {
  const paged = usePaged<AppRoleAssignment>(graph.appRoleAssignedToUrl(app.id));
  const [adding, setAdding] = useState(false);

  /** People are assigned directly; addresses are invited as planInvite says. */
  const add = async ({ people, invitees, welcomeMessage }: PeopleChoice, settle: Settle) => {
    let done = 0;
    try {
      const role = ownerAssignRole(app);
      for (const p of people) {
        await graph.assignApp(app.id, p.id, role);
        done++;
        settle.person(p.id);
      }
      for (const address of invitees) {
        const plan = planInvite(app, address, welcomeMessage ?? '', window.location.origin);
        if (plan.kind === 'group') {
          await graph.myGroupsAdd(plan.groupId, plan.body);
        } else {
          const invitation = await graph.invite(plan.body);
          await graph.assignApp(app.id, invitation.invitedUser.id, plan.appRoleId);
        }
        done++;
        settle.invitee(address);
      }
    } finally {
      if (done) paged.reload();
    }
    notifications.show({ color: 'green', message: done === 1 ? 'Added.' : `${done} added.` });
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Text fw={600}>Users</Text>
        <Button onClick={() => setAdding(true)} data-testid="add-app-members">
          + Add members
        </Button>
      </Group>
      <AssignmentsList
        app={app}
        paged={paged}
        label="Users"
        empty={{ title: 'No one has access yet', description: 'Add people with + Add members.' }}
        confirmRemoval={{ title: 'Remove access' }}
      />
      <PeoplePicker
        opened={adding}
        onClose={() => setAdding(false)}
        title={`Add members to ${app.displayName}`}
        submitLabel="Add"
        excludeIds={new Set(paged.items.map((a) => a.principalId))}
        excludedLabel="Has access"
        texts={{
          description: 'Type a name, or an e-mail address to invite someone from outside',
          placeholder: 'Name or e-mail address',
          selected: 'Selected',
          selectedPrefix: undefined,
          hint: 'Start typing to find people.',
          noMatch: (search) => `No one matches “${search}”. Type a full e-mail address to invite someone.`,
        }}
        invite={{ tag: 'invite', welcomeDescription: 'Included in the invitation e-mail.' }}
        onSubmit={add}
      />
    </Stack>
  );
}
