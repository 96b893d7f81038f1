import { Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useParams } from 'react-router';
import { type AppRoleAssignment, graph, type ServicePrincipal } from '../../api/graph';
import { useLoad, usePaged } from '../../api/hooks';
import { PageHeader } from '../../components/PageHeader';
import { type PeopleChoice, PeoplePicker, type Settle } from '../../components/PeoplePicker';
import { Async } from '../../components/States';
import { AssignmentsList } from './Assignments';
import { ownerAssignRole, planInvite } from './appLogic';

/** My Apps → Manage your application (for the app's owners): its users and + Add members. */
export function ManageMyApp() {
  const { id = '' } = useParams();
  const app = useLoad(() => graph.servicePrincipal(id), [id]);
  const title = app.data ? `Manage ${app.data.displayName}` : 'Manage your application';
  return (
    <Stack>
      <PageHeader
        title={title}
        crumbs={[{ label: 'My Apps', to: '/myapps' }, { label: app.data?.displayName ?? 'Application' }]}
      />
      <Async state={app}>{(sp) => <AppUsers app={sp} />}</Async>
    </Stack>
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
        confirmRemoval={(a) => ({
          title: 'Remove access',
          message: `Remove ${a.principalDisplayName ?? 'this assignment'} from ${app.displayName}?`,
          confirmLabel: 'Remove',
          danger: true,
        })}
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
