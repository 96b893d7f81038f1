import { Anchor, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useProfile } from '../../app/profile';
import { PageHeader } from '../../components/PageHeader';
import { Empty } from '../../components/States';

function GroupsIcon() {
  return (
    <svg width="36" height="36" viewBox="0 0 36 36" aria-hidden="true" focusable="false">
      <rect width="36" height="36" rx="8" fill="#e7f0fb" />
      <circle cx="13" cy="14" r="4" fill="#1c6fd1" />
      <circle cx="23" cy="14" r="4" fill="#4a90e2" />
      <path d="M6 27c0-4 3-7 7-7s7 3 7 7z" fill="#1c6fd1" />
      <path d="M16 27c0-4 3-7 7-7s7 3 7 7z" fill="#4a90e2" />
    </svg>
  );
}

/** My Apps: the Groups entry, and (until applications arrive) an honest empty list of apps. */
export function MyApps() {
  const { me } = useProfile();
  return (
    <Stack>
      <PageHeader title="My Apps" description={me.data ? `Signed in as ${me.data.displayName}` : undefined} />
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <Card
          withBorder
          padding="md"
          component={Link}
          to="/mygroups"
          aria-label="Groups"
          data-testid="groups-tile"
          style={{ textDecoration: 'none' }}
        >
          <Group wrap="nowrap">
            <GroupsIcon />
            <div>
              <Text fw={600} c="dark">
                Groups
              </Text>
              <Text size="sm" c="dimmed">
                Groups you own and groups you're in
              </Text>
            </div>
          </Group>
        </Card>
      </SimpleGrid>
      <Title order={2} fz="lg" mt="md">
        Apps
      </Title>
      <Empty
        title="No apps are assigned to you yet"
        description={
          <>
            When an administrator or an app owner gives you access to an application, it appears here. Meanwhile you can manage
            your{' '}
            <Anchor component={Link} to="/mygroups">
              groups
            </Anchor>
            .
          </>
        }
      />
    </Stack>
  );
}
