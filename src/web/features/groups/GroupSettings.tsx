import { Group, Radio, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { GroupManagementPolicyPatch } from '../../../contracts/policies';
import { type GroupManagementPolicy, graph } from '../../api/graph';
import { useConfirmedAction } from '../../components/Confirm';
import { SaveOrDiscardActions, SettingsSection } from '../../components/Forms';
import { SettingsPage } from '../../components/LoadedPages';
import { adminCrumbs } from '../../components/PageHeader';

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
  return (
    <SettingsPage
      header={{
        title: 'Groups | General',
        crumbs: adminCrumbs(['Groups', '/admin/groups'], 'Settings', 'General'),
        description: 'Self-service group management settings. Changes apply to everyone in the organization.',
      }}
      maw={820}
      load={graph.groupManagementPolicy}
    >
      {(p, policy) => <SettingsForm policy={p} onSaved={policy.setData} />}
    </SettingsPage>
  );
}

function SettingsForm({ policy, onSaved }: { policy: GroupManagementPolicy; onSaved: (p: GroupManagementPolicy) => void }) {
  const { id: _id, ...saved } = policy;
  const [v, setV] = useState<Settings>(saved);
  const save = useConfirmedAction();
  const changed = (Object.keys(v) as (keyof Settings)[]).filter((k) => v[k] !== saved[k]);

  const submit = async () => {
    const patch: GroupManagementPolicyPatch = Object.fromEntries(changed.map((k) => [k, v[k]]));
    const confirmation = {
      title: 'Save group settings',
      message: `Save ${changed.length} change${changed.length === 1 ? '' : 's'} to the group settings? They apply to everyone in the organization.`,
      confirmLabel: 'Save',
    };
    if (await save.confirmAndRun(confirmation, () => graph.updateGroupManagementPolicy(patch))) {
      onSaved({ ...policy, ...v });
      notifications.show({ color: 'green', message: 'Group settings saved.' });
    }
  };

  return (
    <Stack>
      {SECTIONS.map((s) => (
        <SettingsSection key={s.title} id={`h-${s.title}`} title={s.title}>
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
        </SettingsSection>
      ))}
      <SaveOrDiscardActions save={save} dirty={changed.length > 0} onSubmit={submit} onDiscard={() => setV(saved)} />
    </Stack>
  );
}
