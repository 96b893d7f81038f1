import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useParams } from 'react-router';
import { type AppRoleAssignment, graph, type ServicePrincipal } from '../../api/graph';
import { useAction, useLoad, usePaged } from '../../api/hooks';
import { useConfirm } from '../../components/Confirm';
import { DirectoryPicker, type Picked, WelcomeMessage } from '../../components/DirectoryPicker';
import { DialogActions } from '../../components/Forms';
import { PageHeader } from '../../components/PageHeader';
import { Async, ErrorAlert, PagedList } from '../../components/States';
import { AssignmentsTable } from './AssignmentsTable';
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
  const confirm = useConfirm();
  const paged = usePaged<AppRoleAssignment>(graph.appRoleAssignedToUrl(app.id));
  const [adding, setAdding] = useState(false);
  const removal = useAction();
  const remove = async (a: AppRoleAssignment) => {
    const ok = await confirm({
      title: 'Remove access',
      message: `Remove ${a.principalDisplayName ?? 'this assignment'} from ${app.displayName}?`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (ok && (await removal.run(() => graph.removeAppAssignment(app.id, a.id)))) paged.reload();
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Text fw={600}>Users</Text>
        <Button onClick={() => setAdding(true)} data-testid="add-app-members">
          + Add members
        </Button>
      </Group>
      <ErrorAlert error={removal.error} onClose={removal.clearError} />
      <PagedList
        paged={paged}
        label="Users"
        empty={{ title: 'No one has access yet', description: 'Add people with + Add members.' }}
      >
        {(items) => <AssignmentsTable items={items} app={app} busy={paged.loading} onRemove={remove} />}
      </PagedList>
      <Modal opened={adding} onClose={() => setAdding(false)} title={`Add members to ${app.displayName}`} size="lg">
        <AddAppMembers
          app={app}
          onClose={() => setAdding(false)}
          assigned={new Set(paged.items.map((a) => a.principalId))}
          onAdded={paged.reload}
        />
      </Modal>
    </Stack>
  );
}

/** Find people by name (assigned directly) or type an e-mail address to invite a guest. */
function AddAppMembers({
  app,
  onClose,
  assigned,
  onAdded,
}: {
  app: ServicePrincipal;
  onClose: () => void;
  assigned: ReadonlySet<string>;
  onAdded: () => void;
}) {
  const [people, setPeople] = useState<Picked[]>([]);
  const [invitees, setInvitees] = useState<string[]>([]);
  const [welcome, setWelcome] = useState('');
  const action = useAction();

  const submit = async () => {
    let done = 0;
    const ok = await action.run(async () => {
      const role = ownerAssignRole(app);
      for (const p of people) {
        await graph.assignApp(app.id, p.id, role);
        done++;
        setPeople((s) => s.filter((x) => x.id !== p.id));
      }
      for (const address of invitees) {
        const plan = planInvite(app, address, welcome, window.location.origin);
        if (plan.kind === 'group') {
          await graph.myGroupsAdd(plan.groupId, plan.body);
        } else {
          const invitation = await graph.invite(plan.body);
          await graph.assignApp(app.id, invitation.invitedUser.id, plan.appRoleId);
        }
        done++;
        setInvitees((s) => s.filter((a) => a !== address));
      }
    });
    if (done) onAdded();
    if (!ok) return;
    notifications.show({ color: 'green', message: done === 1 ? 'Added.' : `${done} added.` });
    onClose();
  };

  return (
    <Stack gap="sm">
      <DirectoryPicker
        kind="users"
        inDialog
        label="Search"
        value={people}
        onChange={setPeople}
        excludeIds={assigned}
        excludedLabel="Has access"
        texts={{
          description: 'Type a name, or an e-mail address to invite someone from outside',
          placeholder: 'Name or e-mail address',
          selected: 'Selected',
          hint: 'Start typing to find people.',
          noMatch: (search) => `No one matches “${search}”. Type a full e-mail address to invite someone.`,
        }}
        invite={{ invitees, onChange: setInvitees, tag: 'invite' }}
      />
      {invitees.length > 0 && (
        <WelcomeMessage value={welcome} onChange={setWelcome} description="Included in the invitation e-mail." />
      )}
      <DialogActions
        error={action.error}
        busy={action.busy}
        submitLabel="Add"
        onCancel={onClose}
        onSubmit={submit}
        disabled={people.length + invitees.length === 0}
      />
    </Stack>
  );
}
