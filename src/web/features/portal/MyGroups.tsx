import { Alert, Badge, Stack, Table, Text, Title } from '@mantine/core';
import { ApiError } from '../../api/client';
import { type DirectoryObject, type Group as GroupT, graph, groupTypeLabel, membershipTypeLabel } from '../../api/graph';
import { type Loaded, useLoad } from '../../api/hooks';
import { isAdminRoleSet, useProfile } from '../../app/profile';
import { DataTable, LinkCell } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorNotice, Loading } from '../../components/States';

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

/** My Groups: "Groups I own" and "Groups I'm in". */
export function MyGroups() {
  const { roles } = useProfile();
  const owned = useLoad(async () => groupsOnly((await graph.myOwnedObjects()).value), []);
  const member = useLoad(async () => groupsOnly((await graph.myMemberOf()).value), []);
  const policy = useLoad(async () => {
    try {
      return await graph.groupManagementPolicy();
    } catch {
      return undefined; // not readable for some guests; the lists below still say what they can
    }
  }, []);
  const restrictedByPolicy = policy.data?.restrictGroupsFeaturesInMyGroups === true && !isAdminRoleSet(roles.data ?? []);
  const forbidden = [owned.error, member.error].some((e) => e instanceof ApiError && e.status === 403);

  return (
    <Stack>
      <PageHeader title="Groups" crumbs={[{ label: 'My Apps', to: '/myapps' }, { label: 'Groups' }]} />
      {restrictedByPolicy ? (
        <Empty
          title="Groups are turned off"
          description="Your organization doesn't let people manage groups here. Ask an administrator if you need a change in a group."
        />
      ) : forbidden ? (
        <Alert color="gray" variant="light" title="Groups aren't available to you">
          Your organization limits what guests can see, so your groups can't be shown here.
        </Alert>
      ) : policy.loading && !policy.data ? (
        <Loading />
      ) : (
        <>
          <GroupTable title="Groups I own" state={owned} empty="You don't own any groups." testId="groups-i-own" />
          <GroupTable title="Groups I'm in" state={member} empty="You're not a member of any group." testId="groups-im-in" />
        </>
      )}
    </Stack>
  );
}
