import {
  ActionIcon,
  Badge,
  Button,
  Code,
  Group,
  List,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type ReactNode, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { GroupJoinPolicy } from '../../../contracts/groups';
import {
  type AppRoleAssignment,
  type DirectoryObject,
  type Group as GroupT,
  graph,
  groupTypeLabel,
  isDynamicGroup,
  membershipTypeLabel,
} from '../../api/graph';
import { useAction, useLoad, usePaged } from '../../api/hooks';
import { useProfile } from '../../app/profile';
import { destructive, removeFromList, useConfirmedAction } from '../../components/Confirm';
import { PagedTable, RemoveButton } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { Async, ErrorAlert } from '../../components/States';
import { objectKind, objectSubtitle } from '../groups/Relationship';
import { addedMessage } from '../invitations/invitationLogic';
import { JoinPolicyChoice } from '../requests/GroupRequestViews';
import { JoinAction } from '../requests/JoinGroup';
import { joinPolicyLabel } from '../requests/requestLogic';
import { AddMembersDialog } from './AddMembersDialog';

/** What a group page shows besides the group: the caller's relation to it and what it is tied to. */
interface GroupPageData {
  group: GroupT;
  isOwner: boolean;
  isMember: boolean;
  /** The caller's pending request to join it. */
  pending: boolean;
  owners: DirectoryObject[] | undefined;
  /** The applications it gives access to (undefined when the caller may not see them). */
  apps: AppRoleAssignment[] | undefined;
  selfService: boolean;
}

async function loadGroupPage(id: string): Promise<GroupPageData> {
  const optional = <T,>(p: Promise<T>) => p.catch(() => undefined);
  const [group, owned, memberOf, owners, apps, pending, policy] = await Promise.all([
    graph.group(id),
    graph.myOwnedObjects(999),
    graph.myMemberOf(999),
    optional(graph.groupOwners(id)),
    optional(graph.groupAppAssignments(id)),
    optional(graph.myPendingJoinRequests()),
    optional(graph.groupManagementPolicy()),
  ]);
  return {
    group,
    isOwner: owned.value.some((o) => o.id === id),
    isMember: memberOf.value.some((o) => o.id === id),
    pending: (pending ?? []).some((r) => r.groupId === id),
    owners: owners?.value,
    apps: apps?.value,
    selfService: policy?.selfServiceGroupManagementEnabled === true,
  };
}

/**
 * A group in My Groups: what it is (owners, the applications it gives access to, a dynamic
 * group's rule, how people join), its members; owners of Assigned groups add (+) and remove
 * members and choose how people join; others join or ask to join; members leave.
 */
export function MyGroupDetail() {
  const { id = '' } = useParams();
  const { me } = useProfile();
  const myId = me.data?.id;
  const data = useLoad(() => loadGroupPage(id), [id, myId]);
  const title = data.data?.group.displayName ?? 'Group';
  return (
    <Stack>
      <PageHeader
        title={title}
        crumbs={[{ label: 'My Apps', to: '/myapps' }, { label: 'Groups', to: '/mygroups' }, { label: title }]}
        description={data.data?.group.description}
      />
      <Async state={data}>{(d) => <GroupPage data={d} myId={myId ?? ''} onChanged={data.reload} />}</Async>
    </Stack>
  );
}

/** Distinct names of the applications a group's assignments point at. */
const appNames = (apps: AppRoleAssignment[]): string[] => [...new Set(apps.map((a) => a.resourceDisplayName))].sort();

function AboutGroup({ data, onChanged }: { data: GroupPageData; onChanged: () => void }) {
  const { group, owners, apps } = data;
  const dynamic = isDynamicGroup(group);
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      <AboutCard
        id="owners-title"
        title="Owners"
        items={owners}
        hidden="The owners of this group aren't shown to you."
        none="This group has no owner."
        testId="group-owners"
      >
        {(list) =>
          list.map((o) => (
            <List.Item key={o.id}>
              {o.displayName}
              {objectSubtitle(o) ? <Text span size="xs" c="dimmed">{` · ${objectSubtitle(o)}`}</Text> : null}
            </List.Item>
          ))
        }
      </AboutCard>
      <AboutCard
        id="apps-title"
        title="Access to applications"
        items={apps}
        hidden="The applications of this group aren't shown to you."
        none="Members get no application through this group."
        testId="group-apps"
      >
        {(list) => appNames(list).map((n) => <List.Item key={n}>{n}</List.Item>)}
      </AboutCard>
      {dynamic && (
        <Paper withBorder p="md" component="section" aria-labelledby="rule-title">
          <Title order={2} fz="md" id="rule-title" mb={6}>
            Membership rule
          </Title>
          <Code block data-testid="membership-rule">
            {group.membershipRule}
          </Code>
          <Text size="xs" c="dimmed" mt={4}>
            {group.membershipRuleProcessingState === 'Paused'
              ? 'Processing is paused.'
              : 'Members are kept up to date by this rule.'}
          </Text>
        </Paper>
      )}
      {!dynamic && !group.onPremisesSyncEnabled && <JoinPolicyCard data={data} onChanged={onChanged} />}
    </SimpleGrid>
  );
}

/** A card of the group's page listing `items`, or saying that they are hidden (undefined) or that there are none. */
function AboutCard<T>({
  id,
  title,
  items,
  hidden,
  none,
  testId,
  children,
}: {
  id: string;
  title: string;
  items: T[] | undefined;
  hidden: string;
  none: string;
  testId: string;
  children: (items: T[]) => ReactNode;
}) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Title order={2} fz="md" id={id} mb={6}>
        {title}
      </Title>
      {items === undefined || items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {items === undefined ? hidden : none}
        </Text>
      ) : (
        <List size="sm" data-testid={testId}>
          {children(items)}
        </List>
      )}
    </Paper>
  );
}

/** How people join: its value, and for owners the choice. */
function JoinPolicyCard({ data, onChanged }: { data: GroupPageData; onChanged: () => void }) {
  const { group, isOwner } = data;
  const [policy, setPolicy] = useState<GroupJoinPolicy>(group.joinPolicy);
  const save = useAction();
  const submit = async () => {
    if (await save.run(() => graph.updateGroup(group.id, { joinPolicy: policy }))) {
      notifications.show({ color: 'green', message: `Membership requests: ${joinPolicyLabel(policy)}.` });
      onChanged();
    }
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="join-title">
      <Title order={2} fz="md" id="join-title" mb={6}>
        Joining
      </Title>
      {isOwner ? (
        <Stack gap="xs">
          <JoinPolicyChoice value={policy} onChange={setPolicy} />
          <ErrorAlert error={save.error} onClose={save.clearError} />
          <Group>
            <Button size="xs" onClick={submit} loading={save.busy} disabled={policy === group.joinPolicy}>
              Save
            </Button>
          </Group>
        </Stack>
      ) : (
        <Text size="sm">Membership requests: {joinPolicyLabel(group.joinPolicy)}</Text>
      )}
    </Paper>
  );
}

/** The seed's note, word for word (Portico's server refuses with the same sentence). */
const NO_GUESTS_IN_CLOSED_GROUPS =
  'You cannot add guest users to a dynamic group or to a group that is synced with on-premises Active Directory.';

/**
 * Why a dynamic or synced group has no + (and no Leave group): said before anyone types an
 * address. Owners, who would invite guests here, also read the seed's note about guests.
 */
function ClosedMembershipNote({ dynamic, isOwner }: { dynamic: boolean; isOwner: boolean }) {
  return (
    <Text size="sm" c="dimmed" mt="sm" data-testid="closed-membership">
      {dynamic
        ? "Membership of this group is decided by a rule, so members can't be added, removed or leave by hand."
        : "This group is synced with on-premises Active Directory, so its members are managed there and can't be added, removed or leave here."}
      {isOwner && ` ${NO_GUESTS_IN_CLOSED_GROUPS}`}
    </Text>
  );
}

/**
 * An owner who is not a member joins by adding themselves, as they add anyone else with +: no
 * request that another owner would have to approve.
 */
function AddMeButton({ group, myId, onAdded }: { group: GroupT; myId: string; onAdded: () => void }) {
  const add = useAction();
  const submit = async () => {
    if (await add.run(() => graph.myGroupsAdd(group.id, { userId: myId }))) {
      notifications.show({ color: 'green', message: `You joined ${group.displayName}.` });
      onAdded();
    }
  };
  return (
    <Stack gap={4} align="flex-end">
      <Button size="xs" variant="default" onClick={submit} loading={add.busy} data-testid="add-me">
        Add me as a member
      </Button>
      <ErrorAlert error={add.error} onClose={add.clearError} />
    </Stack>
  );
}

function GroupPage({ data, myId, onChanged }: { data: GroupPageData; myId: string; onChanged: () => void }) {
  const { group, isOwner, isMember } = data;
  const navigate = useNavigate();
  const paged = usePaged<DirectoryObject>(graph.groupMembersUrl(group.id));
  const [adding, setAdding] = useState(false);
  const change = useConfirmedAction();
  const dynamic = isDynamicGroup(group);
  const canManage = isOwner && !dynamic && !group.onPremisesSyncEnabled;

  const remove = (o: DirectoryObject) =>
    removeFromList(
      change,
      o,
      { title: 'Remove member', message: `Remove ${o.displayName} from ${group.displayName}?` },
      () => graph.removeMember(group.id, o.id),
      paged.reload,
    );

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
          {isMember ? (
            <Button variant="default" color="red" onClick={leave} disabled={dynamic || group.onPremisesSyncEnabled === true}>
              Leave group
            </Button>
          ) : canManage && data.selfService ? (
            <AddMeButton
              group={group}
              myId={myId}
              onAdded={() => {
                onChanged();
                paged.reload();
              }}
            />
          ) : (
            data.selfService && (
              <JoinAction
                group={group}
                isMember={false}
                pending={data.pending}
                onJoined={() => {
                  onChanged();
                  paged.reload();
                }}
              />
            )
          )}
        </Group>
        {(dynamic || group.onPremisesSyncEnabled === true) && <ClosedMembershipNote dynamic={dynamic} isOwner={isOwner} />}
      </Paper>
      <AboutGroup data={data} onChanged={onChanged} />
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
