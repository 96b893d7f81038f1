import { Button, Group, Modal, SegmentedControl, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { type AppRoleAssignment, graph, type ServicePrincipal } from '../../api/graph';
import { useAction, usePaged } from '../../api/hooks';
import { DirectoryPicker, type Picked } from '../../components/DirectoryPicker';
import { DialogActions } from '../../components/Forms';
import { AccessExplanationPanel } from './AccessExplanation';
import { AssignmentsList } from './Assignments';
import { assignableRoles } from './appLogic';
import { RoleSelect } from './RoleSelect';

/** Users and groups: who is assigned to the application, with which role. */
export function UsersAndGroupsBlade({ app }: { app: ServicePrincipal }) {
  const paged = usePaged<AppRoleAssignment>(graph.appRoleAssignedToUrl(app.id));
  const [adding, setAdding] = useState(false);
  const [checking, setChecking] = useState(false);

  return (
    <Stack>
      <Group>
        <Button onClick={() => setAdding(true)}>Add user/group</Button>
        <Button variant="default" onClick={() => setChecking(true)}>
          Why does a user have access?
        </Button>
      </Group>
      {!app.appRoleAssignmentRequired && (
        <Text size="sm" c="dimmed">
          Assignment is not required for this application: everyone in the organization can sign in to it. Assigned users and
          groups see it in My Apps.
        </Text>
      )}
      <AssignmentsList
        app={app}
        paged={paged}
        label="Assignments"
        empty={{ title: 'No users or groups are assigned', description: 'Assign users or groups with Add user/group.' }}
        confirmRemoval={{
          title: 'Remove assignment',
          consequence: (a) =>
            `${a.principalType === 'Group' ? 'Its members' : 'They'} can no longer sign in to the application through this assignment.`,
        }}
        removedMessage="Assignment removed."
      />
      <Modal opened={checking} onClose={() => setChecking(false)} title="Why does this user have access?" size="lg">
        {checking && <WhyUserHasAccess app={app} />}
      </Modal>
      <Modal opened={adding} onClose={() => setAdding(false)} title="Add Assignment" size="lg">
        <AssignForm
          app={app}
          onClose={() => setAdding(false)}
          assigned={new Set(paged.items.map((a) => a.principalId))}
          onAssigned={paged.reload}
        />
      </Modal>
    </Stack>
  );
}

/** Pick a user, see every path from them to the application (assigned or not), in plain words. */
function WhyUserHasAccess({ app }: { app: ServicePrincipal }) {
  const [picked, setPicked] = useState<Picked[]>([]);
  const user = picked[0];
  return (
    <Stack gap="sm">
      <DirectoryPicker kind="users" label="User" value={picked} onChange={setPicked} max={1} inDialog />
      {user && <AccessExplanationPanel key={user.id} servicePrincipalId={app.id} userId={user.id} />}
    </Stack>
  );
}

/** Add Assignment: pick users or groups and a role (Default Access when the app has no roles). */
function AssignForm({
  app,
  onClose,
  assigned,
  onAssigned,
}: {
  app: ServicePrincipal;
  onClose: () => void;
  assigned: ReadonlySet<string>;
  onAssigned: () => void;
}) {
  const [kind, setKind] = useState<'users' | 'groups'>('users');
  const [picked, setPicked] = useState<Picked[]>([]);
  const [role, setRole] = useState(() => assignableRoles(app.appRoles)[0]?.value ?? '');
  const action = useAction();

  const submit = async () => {
    let done = 0;
    const ok = await action.run(async () => {
      for (const p of picked) {
        await graph.assignApp(app.id, p.id, role);
        done++;
        setPicked((s) => s.filter((x) => x.id !== p.id));
      }
    });
    if (done) onAssigned();
    if (!ok) return;
    notifications.show({ color: 'green', message: done === 1 ? 'Assignment added.' : `${done} assignments added.` });
    onClose();
  };

  return (
    <Stack gap="sm">
      <SegmentedControl
        aria-label="Assign"
        value={kind}
        onChange={(v) => setKind(v as 'users' | 'groups')}
        data={[
          { value: 'users', label: 'Users' },
          { value: 'groups', label: 'Groups' },
        ]}
      />
      <DirectoryPicker
        key={kind}
        kind={kind}
        label={kind === 'users' ? 'Users' : 'Groups'}
        value={picked}
        onChange={setPicked}
        excludeIds={assigned}
        excludedLabel="Already assigned"
      />
      <RoleSelect app={app} label="Select a role" value={role} onChange={setRole} explainDefault />
      <DialogActions
        error={action.error}
        busy={action.busy}
        submitLabel="Assign"
        onCancel={onClose}
        onSubmit={submit}
        disabled={picked.length === 0}
      />
    </Stack>
  );
}
