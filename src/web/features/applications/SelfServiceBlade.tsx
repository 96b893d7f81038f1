import { Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { SERVICE_PRINCIPAL_LIMITS } from '../../../contracts/applications';
import { graph, type ServicePrincipal } from '../../api/graph';
import { useAction, useLoad } from '../../api/hooks';
import { DirectoryPicker, type Picked } from '../../components/DirectoryPicker';
import { FormActions, FormCard } from '../../components/Forms';
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
 * Self-service: whether users may request access from My Apps, the group they join, approval and
 * approvers (≤ 10), and the role. Stored on the application (`selfServiceAccess`).
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
      <Switch
        label="Allow users to request access to this application?"
        checked={enabled}
        onChange={(e) => setEnabled(e.currentTarget.checked)}
        data-testid="self-service-enabled"
      />
      <DirectoryPicker
        kind="groups"
        label="To which group should assigned users be added?"
        texts={{ description: 'Users who get access join this group; assign the group to the application.' }}
        value={group}
        onChange={setGroup}
        max={1}
        testId="self-service-group"
      />
      <Switch
        label="Require approval before granting access to this application?"
        checked={requireApproval}
        onChange={(e) => setRequireApproval(e.currentTarget.checked)}
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
        Requests and approvals themselves arrive in a later version; these settings are kept now.
      </Text>
      <FormActions error={save.error} busy={save.busy} />
    </FormCard>
  );
}
