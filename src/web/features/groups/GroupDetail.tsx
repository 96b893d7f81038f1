import { Badge, Code, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import type { UpdateGroupBody } from '../../../contracts/groups';
import { type Group as GroupT, graph, groupTypeLabel, isDynamicGroup, membershipTypeLabel } from '../../api/graph';
import { useConfirmedAction } from '../../components/Confirm';
import { FormCard, LongText, SaveOrDeleteActions } from '../../components/Forms';
import { BladesDetailPage } from '../../components/LoadedPages';
import type { PropertyItem } from '../../components/Properties';
import { formatDateTime } from '../audit/AuditTable';
import { RelationshipBlade } from './Relationship';

/** A group in the admin center, with the Overview, Properties, Members and Owners blades. */
export function GroupDetail() {
  return (
    <BladesDetailPage
      load={graph.group}
      noun="Group"
      parent={['All groups', '/admin/groups']}
      overview={overview}
      blades={(g, group) => [
        { value: 'properties', label: 'Properties', content: <PropertiesBlade group={g} onSaved={group.reload} /> },
        { value: 'members', label: 'Members', content: <RelationshipBlade group={g} kind="members" /> },
        { value: 'owners', label: 'Owners', content: <RelationshipBlade group={g} kind="owners" /> },
      ]}
    />
  );
}

function overview(g: GroupT): PropertyItem[] {
  return [
    ['Name', g.displayName],
    ['Description', g.description],
    ['Group type', groupTypeLabel(g)],
    ['Membership type', membershipTypeLabel(g)],
    ...(isDynamicGroup(g)
      ? ([
          ['Dynamic membership rule', <Code key="r">{g.membershipRule}</Code>],
          [
            'Rule processing',
            g.membershipRuleProcessingState === 'Paused' ? (
              <Badge key="p" color="yellow" variant="light">
                Paused: membership is frozen
              </Badge>
            ) : (
              <Badge key="p" color="green" variant="light">
                On
              </Badge>
            ),
          ],
        ] as PropertyItem[])
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
  ];
}

function PropertiesBlade({ group: g, onSaved }: { group: GroupT; onSaved: () => void }) {
  const dynamic = isDynamicGroup(g);
  const [name, setName] = useState(g.displayName);
  const [description, setDescription] = useState(g.description ?? '');
  const [rule, setRule] = useState(g.membershipRule ?? '');
  const change = useConfirmedAction();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return change.setError('Enter a group name.');
    if (dynamic && !rule.trim()) return change.setError('A dynamic group needs a membership rule.');
    const body: UpdateGroupBody = {};
    if (name.trim() !== g.displayName) body.displayName = name.trim();
    if (description.trim() !== (g.description ?? '')) body.description = description.trim() || null;
    if (dynamic && rule.trim() !== (g.membershipRule ?? '')) body.membershipRule = rule.trim();
    if (Object.keys(body).length === 0) return change.clearError();
    if (await change.run(() => graph.updateGroup(g.id, body), 'save')) {
      notifications.show({ color: 'green', message: 'Changes saved.' });
      onSaved();
    }
  };

  return (
    <FormCard label="Group properties" onSubmit={save} maw={720}>
      <TextInput label="Group name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
      <LongText label="Group description" value={description} onChange={setDescription} />
      <TextInput
        label="Group type"
        value={groupTypeLabel(g)}
        readOnly
        description="The group type can't be changed after creation."
      />
      <TextInput label="Membership type" value={membershipTypeLabel(g)} readOnly />
      {dynamic && <LongText label="Dynamic user members rule" value={rule} onChange={setRule} ff="monospace" />}
      <SaveOrDeleteActions
        change={change}
        deleteLabel="Delete group"
        deletion={{
          title: 'Delete group',
          message: `Delete ${g.displayName}? Its members lose any access the group gave them.`,
          name: g.displayName,
          remove: () => graph.deleteGroup(g.id),
          to: '/admin/groups',
        }}
      />
    </FormCard>
  );
}
