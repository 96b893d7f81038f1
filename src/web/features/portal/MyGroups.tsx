import { Alert, Badge, Button, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { type DirectoryObject, type Group as GroupT, graph, groupTypeLabel, membershipTypeLabel } from '../../api/graph';
import { type Loaded, useLoad } from '../../api/hooks';
import { isAdminRoleSet, useProfile } from '../../app/profile';
import { DataTable, LinkCell } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorNotice, Loading } from '../../components/States';
import { DiscoverGroups, JoinApprovals, MyJoinRequests, NewMyGroupDialog } from '../requests/GroupRequestViews';
import { CountBadge } from '../requests/RequestsUi';

const groupsOnly = (items: DirectoryObject[]): GroupT[] =>
  items.filter(
    (o): o is Extract<DirectoryObject, { '@odata.type': '#microsoft.graph.group' }> =>
      o['@odata.type'] === '#microsoft.graph.group',
  );

function GroupTable({ title, state, empty, testId }: { title: string; state: Loaded<GroupT[]>; empty: string; testId: string }) {
  const id = `h-${testId}`;
  return (
    <Stack gap="xs" component="section" aria-labelledby={id} data-testid={testId}>
      <Title order={2} fz="lg" id={id}>
        {title}
      </Title>
      {state.error ? (
        <ErrorNotice error={state.error} onRetry={state.reload} />
      ) : !state.data ? (
        <Loading />
      ) : state.data.length === 0 ? (
        <Text c="dimmed" size="sm" py="sm">
          {empty}
        </Text>
      ) : (
        <DataTable columns={['Name', 'Description', 'Type']} minWidth={420} highlight>
          {state.data.map((g) => (
            <Table.Tr key={g.id}>
              <LinkCell to={`/mygroups/${g.id}`} label={g.displayName} />
              <Table.Td>{g.description}</Table.Td>
              <Table.Td>
                <Badge variant="light" color="gray">
                  {groupTypeLabel(g)} · {membershipTypeLabel(g)}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      )}
    </Stack>
  );
}

const VIEWS = ['groups', 'discover', 'requests', 'approvals'] as const;
type View = (typeof VIEWS)[number];

/**
 * My Groups: "Groups I own" and "Groups I'm in"; with self-service group management on, Discover
 * (join or request to join), My requests, and Approvals for owners; New group when the
 * organization lets users create security groups. `?view=` selects a tab.
 */
export function MyGroups() {
  const { me, roles } = useProfile();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const owned = useLoad(async () => groupsOnly((await graph.myOwnedObjects()).value), []);
  const member = useLoad(async () => groupsOnly((await graph.myMemberOf()).value), []);
  const policy = useLoad(async () => {
    try {
      return await graph.groupManagementPolicy();
    } catch {
      return undefined; // not readable for some guests; the lists below still say what they can
    }
  }, []);
  const approvals = useLoad((signal) => graph.pendingApprovals(signal).catch(() => undefined), []);
  const admin = isAdminRoleSet(roles.data ?? []);
  const restrictedByPolicy = policy.data?.restrictGroupsFeaturesInMyGroups === true && !admin;
  const forbidden = [owned.error, member.error].some((e) => e instanceof ApiError && e.status === 403);
  const selfService = policy.data?.selfServiceGroupManagementEnabled === true;
  const ownsGroups = (owned.data?.length ?? 0) > 0;
  const canCreate = me.data?.userType === 'Member' && (policy.data?.usersCanCreateSecurityGroups === true || admin);
  const requested = params.get('view') as View | null;
  const view: View = requested && VIEWS.includes(requested) ? requested : 'groups';
  const reloadLists = () => {
    member.reload();
    approvals.reload();
  };

  const header = (
    <PageHeader
      title="Groups"
      crumbs={[{ label: 'My Apps', to: '/myapps' }, { label: 'Groups' }]}
      actions={
        canCreate && !restrictedByPolicy ? (
          <Button onClick={() => setCreating(true)} data-testid="new-my-group">
            New group
          </Button>
        ) : undefined
      }
    />
  );
  if (restrictedByPolicy) {
    return (
      <Stack>
        {header}
        <Empty
          title="Groups are turned off"
          description="Your organization doesn't let people manage groups here. Ask an administrator if you need a change in a group."
        />
      </Stack>
    );
  }
  if (forbidden) {
    return (
      <Stack>
        {header}
        <Alert color="gray" variant="light" title="Groups aren't available to you">
          Your organization limits what guests can see, so your groups can't be shown here.
        </Alert>
      </Stack>
    );
  }
  return (
    <Stack>
      {header}
      {policy.loading && !policy.data ? (
        <Loading />
      ) : (
        <Tabs
          value={view}
          onChange={(v) => setParams(v && v !== 'groups' ? { view: v } : {}, { replace: true })}
          keepMounted={false}
        >
          <Tabs.List aria-label="My Groups">
            <Tabs.Tab value="groups">My groups</Tabs.Tab>
            {selfService && <Tabs.Tab value="discover">Discover</Tabs.Tab>}
            {selfService && <Tabs.Tab value="requests">My requests</Tabs.Tab>}
            {selfService && ownsGroups && (
              <Tabs.Tab
                value="approvals"
                rightSection={<CountBadge count={approvals.data?.groupJoinRequests ?? 0} label="requests to decide" />}
              >
                Approvals
              </Tabs.Tab>
            )}
          </Tabs.List>
          <Tabs.Panel value="groups" pt="md">
            <Stack>
              <GroupTable title="Groups I own" state={owned} empty="You don't own any groups." testId="groups-i-own" />
              <GroupTable title="Groups I'm in" state={member} empty="You're not a member of any group." testId="groups-im-in" />
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="discover" pt="md">
            <DiscoverGroups memberOf={new Set((member.data ?? []).map((g) => g.id))} onJoined={reloadLists} />
          </Tabs.Panel>
          <Tabs.Panel value="requests" pt="md">
            <MyJoinRequests />
          </Tabs.Panel>
          <Tabs.Panel value="approvals" pt="md">
            <JoinApprovals onDecided={approvals.reload} />
          </Tabs.Panel>
        </Tabs>
      )}
      <NewMyGroupDialog opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}
