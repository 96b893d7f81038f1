import { Alert, Badge, Button, Code, Group, Paper, Stack, Tabs, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { UpdateGroupBody } from '../../../contracts/groups';
import { friendlyError } from '../../api/errors';
import { type Group as GroupT, graph, groupTypeLabel, isDynamicGroup, membershipTypeLabel } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { useConfirm } from '../../components/Confirm';
import { PageHeader } from '../../components/PageHeader';
import { Properties } from '../../components/Properties';
import { Async } from '../../components/States';
import { formatDateTime } from '../audit/AuditTable';
import { RelationshipBlade } from './Relationship';

const BLADES = ['overview', 'properties', 'members', 'owners'] as const;
type Blade = (typeof BLADES)[number];

/** A group in the admin center, with the Overview, Properties, Members and Owners blades. */
export function GroupDetail() {
  const { id = '', blade: rawBlade } = useParams();
  const navigate = useNavigate();
  const blade: Blade = (BLADES as readonly string[]).includes(rawBlade ?? '') ? (rawBlade as Blade) : 'overview';
  const group = useLoad(() => graph.group(id), [id]);
  const title = group.data?.displayName ?? 'Group';
  return (
    <Stack>
      <PageHeader
        title={title}
        crumbs={[{ label: 'Admin center', to: '/admin' }, { label: 'All groups', to: '/admin/groups' }, { label: title }]}
      />
      <Async state={group}>
        {(g) => (
          <Tabs
            value={blade}
            onChange={(b) => navigate(b === 'overview' ? `/admin/groups/${g.id}` : `/admin/groups/${g.id}/${b}`)}
            keepMounted={false}
          >
            <Tabs.List aria-label="Manage">
              <Tabs.Tab value="overview">Overview</Tabs.Tab>
              <Tabs.Tab value="properties">Properties</Tabs.Tab>
              <Tabs.Tab value="members">Members</Tabs.Tab>
              <Tabs.Tab value="owners">Owners</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="overview" pt="md">
              <Overview group={g} />
            </Tabs.Panel>
            <Tabs.Panel value="properties" pt="md">
              <PropertiesBlade group={g} onSaved={group.reload} />
            </Tabs.Panel>
            <Tabs.Panel value="members" pt="md">
              <RelationshipBlade group={g} kind="members" />
            </Tabs.Panel>
            <Tabs.Panel value="owners" pt="md">
              <RelationshipBlade group={g} kind="owners" />
            </Tabs.Panel>
          </Tabs>
        )}
      </Async>
    </Stack>
  );
}

function Overview({ group: g }: { group: GroupT }) {
  return (
    <Paper withBorder p="md">
      <Properties
        items={[
          ['Name', g.displayName],
          ['Description', g.description],
          ['Group type', groupTypeLabel(g)],
          ['Membership type', membershipTypeLabel(g)],
          ...(isDynamicGroup(g)
            ? ([['Dynamic membership rule', <Code key="r">{g.membershipRule}</Code>]] as [string, React.ReactNode][])
            : []),
          ['Object ID', g.id],
          ['Mail nickname', g.mailNickname],
          ['E-mail', g.mail],
          ['Visibility', g.visibility],
          [
            'Source',
            g.onPremisesSyncEnabled ? (
              <Badge key="s" variant="light">
                Synced from on-premises
              </Badge>
            ) : (
              'Cloud'
            ),
          ],
          ['Created', formatDateTime(g.createdDateTime)],
        ]}
      />
    </Paper>
  );
}

function PropertiesBlade({ group: g, onSaved }: { group: GroupT; onSaved: () => void }) {
  const confirm = useConfirm();
  const navigate = useNavigate();
  const dynamic = isDynamicGroup(g);
  const [name, setName] = useState(g.displayName);
  const [description, setDescription] = useState(g.description ?? '');
  const [rule, setRule] = useState(g.membershipRule ?? '');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setError('Enter a group name.');
    if (dynamic && !rule.trim()) return setError('A dynamic group needs a membership rule.');
    const body: UpdateGroupBody = {};
    if (name.trim() !== g.displayName) body.displayName = name.trim();
    if (description.trim() !== (g.description ?? '')) body.description = description.trim() || null;
    if (dynamic && rule.trim() !== (g.membershipRule ?? '')) body.membershipRule = rule.trim();
    if (Object.keys(body).length === 0) return setError(undefined);
    setBusy(true);
    setError(undefined);
    try {
      await graph.updateGroup(g.id, body);
      notifications.show({ color: 'green', message: 'Changes saved.' });
      onSaved();
    } catch (err) {
      setError(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    const ok = await confirm({
      title: 'Delete group',
      message: `Delete ${g.displayName}? Its members lose any access the group gave them.`,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!ok) return;
    try {
      await graph.deleteGroup(g.id);
      notifications.show({ color: 'green', message: `${g.displayName} was deleted.` });
      navigate('/admin/groups');
    } catch (err) {
      setError(friendlyError(err));
    }
  };

  return (
    <Paper withBorder p="md" component="form" onSubmit={save} maw={720} aria-label="Group properties">
      <Stack>
        <TextInput label="Group name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Textarea
          label="Group description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          autosize
          minRows={2}
        />
        <TextInput
          label="Group type"
          value={groupTypeLabel(g)}
          readOnly
          description="The group type can't be changed after creation."
        />
        <TextInput label="Membership type" value={membershipTypeLabel(g)} readOnly />
        {dynamic && (
          <Textarea
            label="Dynamic user members rule"
            value={rule}
            onChange={(e) => setRule(e.currentTarget.value)}
            autosize
            minRows={2}
            ff="monospace"
          />
        )}
        {error && (
          <Alert color="red" variant="light" role="alert" data-testid="error-notice">
            {error}
          </Alert>
        )}
        <Group justify="space-between">
          <Button type="submit" loading={busy}>
            Save
          </Button>
          <Button color="red" variant="light" onClick={remove}>
            Delete group
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
