import { Alert, Anchor, Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link } from 'react-router';
import { friendlyError } from '../../api/errors';
import { type DirectoryObject, type Group as GroupT, graph, isDynamicGroup } from '../../api/graph';
import { usePaged } from '../../api/hooks';
import { useConfirm } from '../../components/Confirm';
import { Pager } from '../../components/Pager';
import { PeoplePicker } from '../../components/PeoplePicker';
import { Empty, ErrorNotice, Loading } from '../../components/States';

export const objectKind = (o: DirectoryObject): string =>
  o['@odata.type'] === '#microsoft.graph.group' ? 'Group' : o.userType === 'Guest' ? 'Guest' : 'Member';
export const objectSubtitle = (o: DirectoryObject): string =>
  o['@odata.type'] === '#microsoft.graph.user' ? (o.mail ?? o.userPrincipalName) : (o.mail ?? o.description ?? '');

/**
 * The Members or Owners blade of a group in the admin center: the list (paged on the server), add
 * through a people search, remove with confirmation.
 */
export function RelationshipBlade({ group, kind }: { group: GroupT; kind: 'members' | 'owners' }) {
  const confirm = useConfirm();
  const url = kind === 'members' ? graph.groupMembersUrl(group.id) : graph.groupOwnersUrl(group.id);
  const paged = usePaged<DirectoryObject>(url);
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<string>();
  const dynamic = isDynamicGroup(group);
  const noun = kind === 'members' ? 'members' : 'owners';
  const canAdd = kind === 'owners' || !dynamic;

  const remove = async (o: DirectoryObject) => {
    const ok = await confirm({
      title: kind === 'members' ? 'Remove member' : 'Remove owner',
      message: `Remove ${o.displayName} from the ${noun} of ${group.displayName}?`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    setError(undefined);
    try {
      await (kind === 'members' ? graph.removeMember(group.id, o.id) : graph.removeOwner(group.id, o.id));
      notifications.show({ color: 'green', message: `${o.displayName} was removed.` });
      paged.reload();
    } catch (err) {
      setError(friendlyError(err));
    }
  };

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
        <Empty title={`No ${noun}`} description={kind === 'owners' ? 'Owners can manage this group in My Groups.' : undefined} />
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table striped aria-busy={paged.loading} data-testid={`${kind}-table`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>E-mail</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Action</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {paged.items.map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={o['@odata.type'] === '#microsoft.graph.group' ? `/admin/groups/${o.id}` : `/admin/users/${o.id}`}
                    >
                      {o.displayName}
                    </Anchor>
                  </Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{objectSubtitle(o)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={objectKind(o) === 'Guest' ? 'grape' : 'gray'}>
                      {objectKind(o)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() => remove(o)}
                      disabled={kind === 'members' && dynamic}
                      aria-label={`Remove ${o.displayName}`}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager paged={paged} label={noun} />
      <PeoplePicker
        opened={picking}
        onClose={() => setPicking(false)}
        title={kind === 'members' ? 'Add members' : 'Add owners'}
        submitLabel="Select"
        excludeIds={new Set(paged.items.map((o) => o.id))}
        excludedLabel={kind === 'members' ? 'Member' : 'Owner'}
        onSubmit={async (people) => {
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
