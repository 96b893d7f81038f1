import { Alert, Anchor, Button, Group, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { SERVICE_PRINCIPAL_LIMITS } from '../../../contracts/applications';
import { graph, type ServicePrincipal } from '../../api/graph';
import { useAction, useLoad } from '../../api/hooks';
import { DirectoryPicker, type Picked } from '../../components/DirectoryPicker';
import { FormActions, FormCard, Toggle } from '../../components/Forms';
import { Async } from '../../components/States';
import { DEFAULT_APP_ROLE_ID } from './appLogic';
import { RoleSelect } from './RoleSelect';

/** Names of the configured group and approvers (a deleted one shows its id). */
async function loadPicked(app: ServicePrincipal): Promise<{ group: Picked[]; approvers: Picked[] }> {
  const s = app.selfServiceAccess;
  const group: Picked[] = [];
  if (s.groupId) {
    const g = await graph.group(s.groupId).catch(() => undefined);
    group.push({ id: s.groupId, displayName: g?.displayName ?? s.groupId, kind: 'Group' });
  }
  const approvers = await Promise.all(
    s.approverIds.map(async (id): Promise<Picked> => {
      const u = await graph.user(id).catch(() => undefined);
      return { id, displayName: u?.displayName ?? id, kind: 'User', subtitle: u?.mail ?? u?.userPrincipalName };
    }),
  );
  return { group, approvers };
}

/**
 * Self-service: whether users may request access from My Apps, the group they join (assigned to
 * the application when saved; or created here, owned by the approvers), approval and approvers
 * (≤ 10), and the role. Stored on the application (`selfServiceAccess`).
 */
export function SelfServiceBlade({ app, onSaved }: { app: ServicePrincipal; onSaved: () => void }) {
  const picked = useLoad(() => loadPicked(app), [app]);
  return <Async state={picked}>{(p) => <SelfServiceForm app={app} initial={p} onSaved={onSaved} />}</Async>;
}

function SelfServiceForm({
  app,
  initial,
  onSaved,
}: {
  app: ServicePrincipal;
  initial: { group: Picked[]; approvers: Picked[] };
  onSaved: () => void;
}) {
  const s = app.selfServiceAccess;
  const [enabled, setEnabled] = useState(s.enabled);
  const [group, setGroup] = useState<Picked[]>(initial.group);
  const [requireApproval, setRequireApproval] = useState(s.requireApproval);
  const [approvers, setApprovers] = useState<Picked[]>(initial.approvers);
  const [role, setRole] = useState(s.appRoleId ?? DEFAULT_APP_ROLE_ID);
  const save = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (enabled && group.length === 0) return save.setError('Choose the group that users who request access are added to.');
    if (enabled && requireApproval && approvers.length === 0)
      return save.setError('Choose at least one approver, or turn approval off.');
    const saved = await save.run(() =>
      graph.updateServicePrincipal(app.id, {
        selfServiceAccess: {
          enabled,
          groupId: group[0]?.id ?? null,
          requireApproval,
          approverIds: approvers.map((a) => a.id),
          appRoleId: role === DEFAULT_APP_ROLE_ID ? null : role,
        },
      }),
    );
    if (!saved) return;
    notifications.show({ color: 'green', message: 'Self-service settings saved.' });
    onSaved();
  };

  return (
    <FormCard label="Self-service" onSubmit={submit} maw={720}>
      <Toggle
        label="Allow users to request access to this application?"
        checked={enabled}
        onChange={setEnabled}
        data-testid="self-service-enabled"
      />
      <DirectoryPicker
        kind="groups"
        label="To which group should assigned users be added?"
        texts={{
          description:
            'Users who get access join this group. Saving assigns the group to the application (Users and groups), with the role below.',
        }}
        value={group}
        onChange={setGroup}
        max={1}
        testId="self-service-group"
      />
      <NewSelfServiceGroup app={app} approverIds={approvers.map((a) => a.id)} onCreated={(g) => setGroup([g])} />
      <Toggle
        label="Require approval before granting access to this application?"
        checked={requireApproval}
        onChange={setRequireApproval}
      />
      <DirectoryPicker
        kind="users"
        label="Who is allowed to approve access to this application?"
        texts={{ description: `Up to ${SERVICE_PRINCIPAL_LIMITS.approvers} people.` }}
        value={approvers}
        onChange={setApprovers}
        max={SERVICE_PRINCIPAL_LIMITS.approvers}
        testId="self-service-approvers"
      />
      <RoleSelect app={app} label="To which role should users be assigned in this application?" value={role} onChange={setRole} />
      <Text size="xs" c="dimmed">
        People find the application in My Apps → Request new apps. Approvers (and the application's owners) decide in My Apps →
        Manage your application → Requests, and are told of each request by e-mail.
      </Text>
      {enabled && !app.appRoleAssignmentRequired && (
        <Alert color="yellow" variant="light" data-testid="self-service-open-app">
          Assignment required is No on this application's Properties: everyone in the organization can already sign in to it.
          Requests still add people to the group and to their My Apps.
        </Alert>
      )}
      <FormActions error={save.error} busy={save.busy} />
    </FormCard>
  );
}

/**
 * "Create a new group" (Entra's legacy flow created the group it was given the name of): an
 * Assigned security group owned by the approvers chosen above (saved with it), made the
 * application's self-service group and assigned to it at once.
 */
function NewSelfServiceGroup({
  app,
  approverIds,
  onCreated,
}: {
  app: ServicePrincipal;
  approverIds: string[];
  onCreated: (g: Picked) => void;
}) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(`${app.displayName} users`);
  const create = useAction();
  if (!open) {
    return (
      <Anchor
        component="button"
        type="button"
        size="sm"
        onClick={() => setOpen(true)}
        style={{ alignSelf: 'flex-start' }}
        data-testid="new-self-service-group"
      >
        Create a new group
      </Anchor>
    );
  }
  const submit = async () => {
    if (!name.trim()) return create.setError('Enter a name for the new group.');
    let made: Picked | undefined;
    const ok = await create.run(async () => {
      const g = await graph.createSelfServiceGroup(app.id, { displayName: name.trim(), approverIds });
      made = { id: g.id, displayName: g.displayName, kind: 'Group', subtitle: 'Security group' };
    });
    if (!ok || !made) return;
    notifications.show({
      color: 'green',
      message: `${made.displayName} was created, owned by the approvers, and assigned to ${app.displayName}.`,
    });
    onCreated(made);
    setOpen(false);
  };
  return (
    <Group align="flex-end" wrap="wrap">
      <TextInput
        label="New group name"
        description="An assigned security group, created and assigned at once; the approvers chosen below become its owners (and are saved)."
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        maxLength={256}
        w={{ base: '100%', sm: 360 }}
        error={create.error}
      />
      <Button variant="default" onClick={submit} loading={create.busy} data-testid="create-self-service-group">
        Create group
      </Button>
      <Button variant="subtle" onClick={() => setOpen(false)}>
        Cancel
      </Button>
    </Group>
  );
}
