import { Alert, Button, Group, Paper, Radio, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { friendlyError } from '../../api/errors';
import { type GroupManagementPolicy, graph } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { useConfirm } from '../../components/Confirm';
import { PageHeader } from '../../components/PageHeader';
import { Async } from '../../components/States';

type Settings = Omit<GroupManagementPolicy, 'id'>;

const SECTIONS: { title: string; items: { key: keyof Settings; label: string; description: string }[] }[] = [
  {
    title: 'Self Service Group Management',
    items: [
      {
        key: 'selfServiceGroupManagementEnabled',
        label: 'Owners can manage group membership requests in My Groups',
        description: 'Yes lets group owners approve or deny requests to join their groups in My Groups.',
      },
      {
        key: 'restrictGroupsFeaturesInMyGroups',
        label: 'Restrict user ability to access groups features in My Groups',
        description:
          'Yes hides Groups in My Groups from people without an administrator role. The API and the admin center are not affected.',
      },
    ],
  },
  {
    title: 'Security Groups',
    items: [
      {
        key: 'usersCanCreateSecurityGroups',
        label: 'Users can create security groups in My Groups, the API or PowerShell',
        description: 'No: only administrators create security groups; owners still manage the groups they own.',
      },
    ],
  },
  {
    title: 'Microsoft 365 Groups',
    items: [
      {
        key: 'usersCanCreateMicrosoft365Groups',
        label: 'Users can create Microsoft 365 groups in My Groups, the API or PowerShell',
        description: 'No: only administrators create Microsoft 365 groups.',
      },
    ],
  },
];

/** Groups → Settings → General: the self-service group management switches. */
export function GroupSettings() {
  const policy = useLoad(() => graph.groupManagementPolicy(), []);
  return (
    <Stack maw={820}>
      <PageHeader
        title="Groups | General"
        crumbs={[
          { label: 'Admin center', to: '/admin' },
          { label: 'Groups', to: '/admin/groups' },
          { label: 'Settings' },
          { label: 'General' },
        ]}
        description="Self-service group management settings. Changes apply to everyone in the organization."
      />
      <Async state={policy}>{(p) => <SettingsForm policy={p} onSaved={policy.setData} />}</Async>
    </Stack>
  );
}

function SettingsForm({ policy, onSaved }: { policy: GroupManagementPolicy; onSaved: (p: GroupManagementPolicy) => void }) {
  const confirm = useConfirm();
  const { id: _id, ...saved } = policy;
  const [v, setV] = useState<Settings>(saved);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const changed = (Object.keys(v) as (keyof Settings)[]).filter((k) => v[k] !== saved[k]);

  const save = async () => {
    const ok = await confirm({
      title: 'Save group settings',
      message: `Save ${changed.length} change${changed.length === 1 ? '' : 's'} to the group settings? They apply to everyone in the organization.`,
      confirmLabel: 'Save',
    });
    if (!ok) return;
    setBusy(true);
    setError(undefined);
    try {
      await graph.updateGroupManagementPolicy(Object.fromEntries(changed.map((k) => [k, v[k]])));
      onSaved({ ...policy, ...v });
      notifications.show({ color: 'green', message: 'Group settings saved.' });
    } catch (err) {
      setError(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack>
      {SECTIONS.map((s) => (
        <Paper withBorder p="md" key={s.title} component="section" aria-labelledby={`h-${s.title}`}>
          <Title order={2} fz="lg" mb="sm" id={`h-${s.title}`}>
            {s.title}
          </Title>
          <Stack gap="lg">
            {s.items.map((item) => (
              <Radio.Group
                key={item.key}
                label={item.label}
                description={item.description}
                value={v[item.key] ? 'yes' : 'no'}
                onChange={(val) => setV({ ...v, [item.key]: val === 'yes' })}
                data-testid={`setting-${item.key}`}
              >
                <Group mt={6}>
                  <Radio value="yes" label="Yes" />
                  <Radio value="no" label="No" />
                </Group>
              </Radio.Group>
            ))}
          </Stack>
        </Paper>
      ))}
      {error && (
        <Alert color="red" variant="light" role="alert" data-testid="error-notice">
          {error}
        </Alert>
      )}
      <Group>
        <Button onClick={save} loading={busy} disabled={changed.length === 0}>
          Save
        </Button>
        <Button variant="default" onClick={() => setV(saved)} disabled={changed.length === 0 || busy}>
          Discard
        </Button>
        {changed.length > 0 && (
          <Text size="sm" c="dimmed" role="status">
            Unsaved changes
          </Text>
        )}
      </Group>
    </Stack>
  );
}
