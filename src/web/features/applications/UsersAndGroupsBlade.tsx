import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { friendlyError } from '../../api/errors';
import { type AppRoleAssignment, graph, type ServicePrincipal } from '../../api/graph';
import { usePaged } from '../../api/hooks';
import { useConfirm } from '../../components/Confirm';
import { Pager } from '../../components/Pager';
import { Empty, ErrorNotice, Loading } from '../../components/States';
import { AssignmentsTable } from './AssignmentsTable';
import { assignableRoles } from './appLogic';
import { DirectoryPicker, type Picked } from './DirectoryPicker';

/** Users and groups: who is assigned to the application, with which role. */
export function UsersAndGroupsBlade({ app }: { app: ServicePrincipal }) {
  const confirm = useConfirm();
  const paged = usePaged<AppRoleAssignment>(graph.appRoleAssignedToUrl(app.id));
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string>();

  const remove = async (a: AppRoleAssignment) => {
    const ok = await confirm({
      title: 'Remove assignment',
      message: `Remove ${a.principalDisplayName ?? 'this assignment'} from ${app.displayName}? ${
        a.principalType === 'Group' ? 'Its members' : 'They'
      } can no longer sign in to the application through this assignment.`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    setError(undefined);
    try {
      await graph.removeAppAssignment(app.id, a.id);
      notifications.show({ color: 'green', message: 'Assignment removed.' });
      paged.reload();
    } catch (err) {
      setError(friendlyError(err));
    }
  };

  return (
    <Stack>
      <Group>
        <Button onClick={() => setAdding(true)}>Add user/group</Button>
      </Group>
      {!app.appRoleAssignmentRequired && (
        <Text size="sm" c="dimmed">
          Assignment is not required for this application: everyone in the organization can sign in to it. Assigned users and
          groups see it in My Apps.
        </Text>
      )}
      {error && (
        <Alert
          color="red"
          variant="light"
          role="alert"
          withCloseButton
          onClose={() => setError(undefined)}
          data-testid="error-notice"
        >
          {error}
        </Alert>
      )}
      {paged.error ? (
        <ErrorNotice error={paged.error} onRetry={paged.reload} />
      ) : paged.loading && paged.items.length === 0 ? (
        <Loading />
      ) : paged.items.length === 0 ? (
        <Empty title="No users or groups are assigned" description="Assign users or groups with Add user/group." />
      ) : (
        <AssignmentsTable items={paged.items} app={app} busy={paged.loading} onRemove={remove} />
      )}
      <Pager paged={paged} label="Assignments" />
      <AssignDialog
        app={app}
        opened={adding}
        onClose={() => setAdding(false)}
        assigned={new Set(paged.items.map((a) => a.principalId))}
        onAssigned={paged.reload}
      />
    </Stack>
  );
}

/** Add Assignment: pick users or groups and a role (Default Access when the app has no roles). */
function AssignDialog({
  app,
  opened,
  onClose,
  assigned,
  onAssigned,
}: {
  app: ServicePrincipal;
  opened: boolean;
  onClose: () => void;
  assigned: ReadonlySet<string>;
  onAssigned: () => void;
}) {
  const roles = assignableRoles(app.appRoles);
  const [kind, setKind] = useState<'users' | 'groups'>('users');
  const [picked, setPicked] = useState<Picked[]>([]);
  const [role, setRole] = useState<string>(roles[0]?.value ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on open only
  useEffect(() => {
    if (opened) {
      setPicked([]);
      setError(undefined);
      setKind('users');
      setRole(roles[0]?.value ?? '');
    }
  }, [opened]);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    let done = 0;
    try {
      for (const p of picked) {
        await graph.assignApp(app.id, p.id, role);
        done++;
        setPicked((s) => s.filter((x) => x.id !== p.id));
      }
      notifications.show({ color: 'green', message: done === 1 ? 'Assignment added.' : `${done} assignments added.` });
      onAssigned();
      onClose();
    } catch (err) {
      if (done) onAssigned();
      setError(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Add Assignment" size="lg">
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
        <Select
          label="Select a role"
          data={roles}
          value={role}
          onChange={(v) => v && setRole(v)}
          allowDeselect={false}
          description={
            roles.length === 1 && roles[0]?.label === 'Default Access' ? 'This application defines no roles.' : undefined
          }
        />
        {error && (
          <Alert color="red" variant="light" role="alert" data-testid="error-notice">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} loading={busy} disabled={picked.length === 0}>
            Assign
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
