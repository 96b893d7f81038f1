import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import type { MyApp } from '../../../contracts/myapps';
import { graph } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { useProfile } from '../../app/profile';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorNotice, Loading } from '../../components/States';
import { filterApps, initialOf } from './myAppsFilter';

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

/** The app's logo, or its initial when it has none (or the logo cannot be loaded). */
function AppLogo({ app }: { app: MyApp }) {
  const [failed, setFailed] = useState(false);
  if (app.logoUrl && !failed) {
    return <img src={app.logoUrl} alt="" width={36} height={36} style={{ borderRadius: 8 }} onError={() => setFailed(true)} />;
  }
  return (
    <svg width="36" height="36" viewBox="0 0 36 36" aria-hidden="true" focusable="false">
      <rect width="36" height="36" rx="8" fill="#1c6fd1" />
      <text x="18" y="24" textAnchor="middle" fontSize="18" fontWeight="600" fill="#fff">
        {initialOf(app.displayName)}
      </text>
    </svg>
  );
}

/** One tile: a link that starts the app's sign-on (direct sign-on link), in the same tab. */
function AppTile({ app }: { app: MyApp }) {
  const descId = `app-desc-${app.id}`;
  return (
    <Card
      withBorder
      padding="md"
      component="a"
      href={app.launchUrl}
      aria-label={app.displayName}
      aria-describedby={app.description ? descId : undefined}
      data-testid="app-tile"
      style={{ textDecoration: 'none' }}
    >
      <Group wrap="nowrap" align="flex-start">
        <AppLogo app={app} />
        <div style={{ minWidth: 0 }}>
          <Text fw={600} c="dark" truncate>
            {app.displayName}
          </Text>
          {app.description && (
            <Text size="sm" c="dimmed" lineClamp={2} id={descId}>
              {app.description}
            </Text>
          )}
          {app.isOwner && (
            <Badge size="xs" variant="light" mt={4}>
              Owner
            </Badge>
          )}
        </div>
      </Group>
    </Card>
  );
}

function AppsList() {
  const apps = useLoad((signal) => graph.myApps(signal), []);
  const [query, setQuery] = useState('');
  if (apps.error && !apps.loading) return <ErrorNotice error={apps.error} onRetry={apps.reload} />;
  if (!apps.data) return <Loading label="Loading your apps…" />;
  const all = apps.data.value;
  if (all.length === 0) {
    return (
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
    );
  }
  const shown = filterApps(all, query);
  return (
    <Stack gap="sm">
      <TextInput
        label="Search apps"
        placeholder="Search by name or description"
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        maw={360}
        type="search"
      />
      {shown.length === 0 ? (
        <Text c="dimmed" size="sm" role="status">
          No apps match “{query.trim()}”.
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {shown.map((a) => (
            <li key={a.id}>
              <AppTile app={a} />
              {a.isOwner && (
                <Anchor
                  component={Link}
                  to={`/myapps/manage/${a.id}`}
                  size="sm"
                  aria-label={`Manage your application ${a.displayName}`}
                  data-testid="manage-app"
                >
                  Manage your application
                </Anchor>
              )}
            </li>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}

/** My Apps: the Groups entry and a tile for each application assigned to (or owned by) the user. */
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
      <AppsList />
    </Stack>
  );
}
