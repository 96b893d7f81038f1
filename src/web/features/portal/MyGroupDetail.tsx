import { ActionIcon, Badge, Button, Group, Paper, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import {
  type DirectoryObject,
  type Group as GroupT,
  graph,
  groupTypeLabel,
  isDynamicGroup,
  membershipTypeLabel,
} from '../../api/graph';
import { useLoad, usePaged } from '../../api/hooks';
import { useProfile } from '../../app/profile';
import { destructive, useConfirmedAction } from '../../components/Confirm';
import { PagedTable, RemoveButton } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { Async, ErrorAlert } from '../../components/States';
import { objectKind, objectSubtitle } from '../groups/Relationship';
import { addedMessage } from '../invitations/invitationLogic';
import { AddMembersDialog } from './AddMembersDialog';

/** A group in My Groups: its members; owners of Assigned groups add (+) and remove members. */
export function MyGroupDetail() {
  const { id = '' } = useParams();
  const { me } = useProfile();
  const myId = me.data?.id;
  const data = useLoad(async () => {
    const [group, owned, memberOf] = await Promise.all([graph.group(id), graph.myOwnedObjects(999), graph.myMemberOf(999)]);
    return { group, isOwner: owned.value.some((o) => o.id === id), isMember: memberOf.value.some((o) => o.id === id) };
  }, [id, myId]);
  const title = data.data?.group.displayName ?? 'Group';
  return (
    <Stack>
      <PageHeader
        title={title}
        crumbs={[{ label: 'My Apps', to: '/myapps' }, { label: 'Groups', to: '/mygroups' }, { label: title }]}
        description={data.data?.group.description}
      />
      <Async state={data}>{(d) => <GroupPage {...d} myId={myId ?? ''} />}</Async>
    </Stack>
  );
}

function GroupPage({ group, isOwner, isMember, myId }: { group: GroupT; isOwner: boolean; isMember: boolean; myId: string }) {
  const navigate = useNavigate();
  const paged = usePaged<DirectoryObject>(graph.groupMembersUrl(group.id));
  const [adding, setAdding] = useState(false);
  const change = useConfirmedAction();
  const dynamic = isDynamicGroup(group);
  const canManage = isOwner && !dynamic && !group.onPremisesSyncEnabled;

  const remove = async (o: DirectoryObject) => {
    const confirmation = destructive('Remove member', `Remove ${o.displayName} from ${group.displayName}?`);
    if (await change.confirmAndRun(confirmation, () => graph.removeMember(group.id, o.id))) {
      notifications.show({ color: 'green', message: `${o.displayName} was removed.` });
      paged.reload();
    }
  };

  const leave = async () => {
    const confirmation = destructive(
      'Leave group',
      `Leave ${group.displayName}? You may lose access to what the group gives you.`,
      'Leave',
    );
    if (await change.confirmAndRun(confirmation, () => graph.removeMember(group.id, myId))) {
      notifications.show({ color: 'green', message: `You left ${group.displayName}.` });
      navigate('/mygroups');
    }
  };

  return (
    <Stack>
      <Paper withBorder p="md">
        <Group justify="space-between" wrap="wrap">
          <Group gap="xs">
            <Badge variant="light">{groupTypeLabel(group)}</Badge>
            <Badge variant="light" color="gray">
              {membershipTypeLabel(group)}
            </Badge>
            {isOwner && (
              <Badge variant="light" color="green">
                You own this group
              </Badge>
            )}
          </Group>
          {isMember && (
            <Button variant="default" color="red" onClick={leave} disabled={dynamic}>
              Leave group
            </Button>
          )}
        </Group>
        {dynamic && (
          <Text size="sm" c="dimmed" mt="sm">
            Membership of this group is decided by a rule, so members can't be added, removed or leave by hand.
          </Text>
        )}
      </Paper>
      <ErrorAlert error={change.error} onClose={change.clearError} />
      <Group justify="space-between">
        <Title order={2} fz="lg">
          Members
        </Title>
        {canManage && (
          <Tooltip label="Add members">
            <ActionIcon
              size="lg"
              variant="filled"
              aria-label="Add members"
              onClick={() => setAdding(true)}
              data-testid="add-members"
            >
              <span aria-hidden style={{ fontSize: 22, lineHeight: 1 }}>
                +
              </span>
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
      <PagedTable
        paged={paged}
        label="Members"
        empty={{ title: 'No members yet', description: canManage ? 'Select + to add people.' : undefined }}
        columns={['Name', 'E-mail', 'Type', ...(canManage ? ['Action'] : [])]}
        minWidth={420}
        testId="members-table"
        row={(o) => (
          <Table.Tr key={o.id}>
            <Table.Td>
              {o.displayName}
              {o.id === myId && (
                <Text span size="xs" c="dimmed" ml={6}>
                  (you)
                </Text>
              )}
            </Table.Td>
            <Table.Td style={{ wordBreak: 'break-all' }}>{objectSubtitle(o)}</Table.Td>
            <Table.Td>
              <MemberType o={o} />
            </Table.Td>
            {canManage && (
              <Table.Td>
                <RemoveButton label={`Remove ${o.displayName}`} onClick={() => remove(o)} />
              </Table.Td>
            )}
          </Table.Tr>
        )}
      />
      <AddMembersDialog
        opened={adding}
        onClose={() => setAdding(false)}
        groupId={group.id}
        groupName={group.displayName}
        memberIds={new Set(paged.items.map((o) => o.id))}
        onAdded={(added) => {
          paged.reload();
          const first = added[0];
          if (!first) return;
          const invited = added.filter((a) => a.result.status === 'invited').length;
          notifications.show({
            color: 'green',
            message:
              added.length === 1
                ? addedMessage(first.result.status, first.label, group.displayName)
                : `${added.length} people were added to ${group.displayName}${invited ? ` (${invited} invited as guests)` : ''}.`,
          });
        }}
      />
    </Stack>
  );
}

/** Member / Guest, and "Invitation pending" for guests who have not accepted yet. */
function MemberType({ o }: { o: DirectoryObject }) {
  const kind = objectKind(o);
  if (kind !== 'Guest') return <>{kind}</>;
  const pending = o['@odata.type'] === '#microsoft.graph.user' && o.externalUserState === 'PendingAcceptance';
  return (
    <Group gap={4} wrap="wrap">
      <Badge size="sm" variant="light" color="grape">
        Guest
      </Badge>
      {pending && (
        <Badge size="sm" variant="light" color="yellow" data-testid="invitation-pending">
          Invitation pending
        </Badge>
      )}
    </Group>
  );
}
