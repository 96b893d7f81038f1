import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { type DirectoryObject, type Group as GroupT, graph, isDynamicGroup } from '../../api/graph';
import { usePaged } from '../../api/hooks';
import { removeFromList, useConfirmedAction } from '../../components/Confirm';
import { LinkCell, PagedTable, RemoveButton } from '../../components/DataTable';
import { PeoplePicker } from '../../components/PeoplePicker';
import { ErrorAlert } from '../../components/States';

export const objectKind = (o: DirectoryObject): string =>
  o['@odata.type'] === '#microsoft.graph.group' ? 'Group' : o.userType === 'Guest' ? 'Guest' : 'Member';
export const objectSubtitle = (o: DirectoryObject): string =>
  o['@odata.type'] === '#microsoft.graph.user' ? (o.mail ?? o.userPrincipalName) : (o.mail ?? o.description ?? '');

/**
 * The Members or Owners blade of a group in the admin center: the list (paged on the server), add
 * through a people search, remove with confirmation.
 */
export function RelationshipBlade({ group, kind }: { group: GroupT; kind: 'members' | 'owners' }) {
  const url = kind === 'members' ? graph.groupMembersUrl(group.id) : graph.groupOwnersUrl(group.id);
  const paged = usePaged<DirectoryObject>(url);
  const [picking, setPicking] = useState(false);
  const removal = useConfirmedAction();
  const dynamic = isDynamicGroup(group);
  const noun = kind === 'members' ? 'members' : 'owners';
  const canAdd = kind === 'owners' || !dynamic;

  const remove = (o: DirectoryObject) =>
    removeFromList(
      removal,
      o,
      {
        title: kind === 'members' ? 'Remove member' : 'Remove owner',
        message: `Remove ${o.displayName} from the ${noun} of ${group.displayName}?`,
      },
      () => (kind === 'members' ? graph.removeMember(group.id, o.id) : graph.removeOwner(group.id, o.id)),
      paged.reload,
    );

  return (
    <Stack>
      <Group>
        <Button onClick={() => setPicking(true)} disabled={!canAdd}>
          {kind === 'members' ? 'Add members' : 'Add owners'}
        </Button>
      </Group>
      {!canAdd && (
        <Text size="sm" c="dimmed">
          Membership of a dynamic group is managed by its rule: members can't be added or removed by hand.
        </Text>
      )}
      <ErrorAlert error={removal.error} onClose={removal.clearError} />
      <PagedTable
        paged={paged}
        label={noun}
        empty={{ title: `No ${noun}`, description: kind === 'owners' ? 'Owners can manage this group in My Groups.' : undefined }}
        columns={['Name', 'E-mail', 'Type', 'Action']}
        minWidth={480}
        testId={`${kind}-table`}
        row={(o) => (
          <Table.Tr key={o.id}>
            <LinkCell
              to={o['@odata.type'] === '#microsoft.graph.group' ? `/admin/groups/${o.id}` : `/admin/users/${o.id}`}
              label={o.displayName}
            />
            <Table.Td style={{ wordBreak: 'break-all' }}>{objectSubtitle(o)}</Table.Td>
            <Table.Td>
              <Badge variant="light" color={objectKind(o) === 'Guest' ? 'grape' : 'gray'}>
                {objectKind(o)}
              </Badge>
            </Table.Td>
            <Table.Td>
              <RemoveButton
                label={`Remove ${o.displayName}`}
                onClick={() => remove(o)}
                disabled={kind === 'members' && dynamic}
              />
            </Table.Td>
          </Table.Tr>
        )}
      />
      <PeoplePicker
        opened={picking}
        onClose={() => setPicking(false)}
        title={kind === 'members' ? 'Add members' : 'Add owners'}
        submitLabel="Select"
        excludeIds={new Set(paged.items.map((o) => o.id))}
        excludedLabel={kind === 'members' ? 'Member' : 'Owner'}
        onSubmit={async ({ people }) => {
          try {
            for (const p of people) {
              await (kind === 'members' ? graph.addMember(group.id, p.id) : graph.addOwner(group.id, p.id));
            }
          } finally {
            paged.reload();
          }
          notifications.show({
            color: 'green',
            message: `${people.length === 1 ? people[0]?.displayName : `${people.length} people`} added to the ${noun}.`,
          });
        }}
      />
    </Stack>
  );
}
