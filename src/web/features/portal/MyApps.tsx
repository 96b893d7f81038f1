import { Anchor, Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import type { MyApp } from '../../../contracts/myapps';
import { graph, type PendingApprovals } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { useProfile } from '../../app/profile';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorNotice, Loading } from '../../components/States';
import { AccessExplanationPanel } from '../applications/AccessExplanation';
import { PendingApprovalsCard } from '../requests/PendingApprovalsCard';
import { CountBadge } from '../requests/RequestsUi';
import { pendingForApp } from '../requests/requestLogic';
import { AppLogo } from './AppLogo';
import { filterApps } from './myAppsFilter';

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

/** "Manage your application" under a tile: for its owners and approvers, with the pending requests. */
function ManageLink({ app, pending }: { app: MyApp; pending: number | undefined }) {
  if (!app.isOwner && pending === undefined) return null;
  return (
    <Group gap={6} mt={4}>
      <Anchor
        component={Link}
        to={`/myapps/manage/${app.id}${pending ? '?view=requests' : ''}`}
        size="sm"
        aria-label={`Manage your application ${app.displayName}`}
        data-testid="manage-app"
      >
        Manage your application
      </Anchor>
      <CountBadge count={pending ?? 0} label="requests to decide" />
    </Group>
  );
}

/** "Why do I have access?" under a tile: the paths from the signed-in user to the app, in a dialog. */
function WhyAccess({ app }: { app: MyApp }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="subtle"
        size="compact-sm"
        onClick={() => setOpen(true)}
        aria-label={`Why do I have access to ${app.displayName}?`}
        data-testid="why-access"
      >
        Why do I have access?
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={`Why do I have access to ${app.displayName}?`} size="lg">
        {open && <AccessExplanationPanel servicePrincipalId={app.id} />}
      </Modal>
    </>
  );
}

function AppsList({ approvals }: { approvals: PendingApprovals | undefined }) {
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
            When an administrator or an app owner gives you access to an application, it appears here. You can also{' '}
            <Anchor component={Link} to="/myapps/request">
              request new apps
            </Anchor>{' '}
            or manage your{' '}
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
              <ManageLink app={a} pending={pendingForApp(approvals, a.id)} />
              <WhyAccess app={a} />
            </li>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}

/** A card of the top row (Groups, Request new apps): a link with an icon, a title and a line. */
function EntryCard({
  to,
  title,
  line,
  icon,
  testId,
}: {
  to: string;
  title: string;
  line: string;
  icon: ReactNode;
  testId: string;
}) {
  return (
    <Card
      withBorder
      padding="md"
      component={Link}
      to={to}
      aria-label={title}
      data-testid={testId}
      style={{ textDecoration: 'none' }}
    >
      <Group wrap="nowrap">
        {icon}
        <div>
          <Text fw={600} c="dark">
            {title}
          </Text>
          <Text size="sm" c="dimmed">
            {line}
          </Text>
        </div>
      </Group>
    </Card>
  );
}

function PlusIcon() {
  return (
    <svg width="36" height="36" viewBox="0 0 36 36" aria-hidden="true" focusable="false">
      <rect width="36" height="36" rx="8" fill="#e7f0fb" />
      <path d="M18 10v16M10 18h16" stroke="#1c6fd1" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}

/**
 * My Apps: Groups, Request new apps, what waits for the user's decision (approvers and owners),
 * and a tile for each application assigned to (or owned by) the user. `?request=<appId>` (the
 * no-access page's "Request access") leads to that application's request.
 */
export function MyApps() {
  const { me } = useProfile();
  const [params] = useSearchParams();
  const approvals = useLoad((signal) => graph.pendingApprovals(signal).catch(() => undefined), []);
  const requested = params.get('request');
  if (requested) return <Navigate to={`/myapps/request?app=${encodeURIComponent(requested)}`} replace />;
  return (
    <Stack>
      <PageHeader title="My Apps" description={me.data ? `Signed in as ${me.data.displayName}` : undefined} />
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <EntryCard
          to="/mygroups"
          title="Groups"
          line="Groups you own and groups you're in"
          icon={<GroupsIcon />}
          testId="groups-tile"
        />
        <EntryCard
          to="/myapps/request"
          title="Request new apps"
          line="Ask for access to an application"
          icon={<PlusIcon />}
          testId="request-new-apps"
        />
        <PendingApprovalsCard approvals={approvals.data} />
      </SimpleGrid>
      <Title order={2} fz="lg" mt="md">
        Apps
      </Title>
      <AppsList approvals={approvals.data} />
    </Stack>
  );
}
