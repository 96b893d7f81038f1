import { Badge, Paper, Stack, Tabs } from '@mantine/core';
import { useNavigate, useParams } from 'react-router';
import { graph, type ServicePrincipal } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { PageHeader } from '../../components/PageHeader';
import { Properties } from '../../components/Properties';
import { Async } from '../../components/States';
import { formatDateTime } from '../audit/AuditTable';
import { isHidden, ssoModeLabel } from './appLogic';
import { OwnersBlade } from './OwnersBlade';
import { PropertiesBlade } from './PropertiesBlade';
import { SelfServiceBlade } from './SelfServiceBlade';
import { SingleSignOnBlade } from './SingleSignOnBlade';
import { UsersAndGroupsBlade } from './UsersAndGroupsBlade';

const BLADES = ['overview', 'properties', 'owners', 'users', 'sso', 'self-service'] as const;
type Blade = (typeof BLADES)[number];

/** An enterprise application in the admin center, with its blades. */
export function AppDetail() {
  const { id = '', blade: rawBlade } = useParams();
  const navigate = useNavigate();
  const blade: Blade = (BLADES as readonly string[]).includes(rawBlade ?? '') ? (rawBlade as Blade) : 'overview';
  const app = useLoad(() => graph.servicePrincipal(id), [id]);
  const title = app.data?.displayName ?? 'Application';
  return (
    <Stack>
      <PageHeader
        title={title}
        crumbs={[
          { label: 'Admin center', to: '/admin' },
          { label: 'All applications', to: '/admin/applications' },
          { label: title },
        ]}
      />
      <Async state={app}>
        {(sp) => (
          <Tabs
            value={blade}
            onChange={(b) => navigate(b === 'overview' ? `/admin/applications/${sp.id}` : `/admin/applications/${sp.id}/${b}`)}
            keepMounted={false}
          >
            <Tabs.List aria-label="Manage">
              <Tabs.Tab value="overview">Overview</Tabs.Tab>
              <Tabs.Tab value="properties">Properties</Tabs.Tab>
              <Tabs.Tab value="owners">Owners</Tabs.Tab>
              <Tabs.Tab value="users">Users and groups</Tabs.Tab>
              <Tabs.Tab value="sso">Single sign-on</Tabs.Tab>
              <Tabs.Tab value="self-service">Self-service</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="overview" pt="md">
              <Overview app={sp} />
            </Tabs.Panel>
            <Tabs.Panel value="properties" pt="md">
              <PropertiesBlade app={sp} onSaved={app.setData} />
            </Tabs.Panel>
            <Tabs.Panel value="owners" pt="md">
              <OwnersBlade app={sp} />
            </Tabs.Panel>
            <Tabs.Panel value="users" pt="md">
              <UsersAndGroupsBlade app={sp} />
            </Tabs.Panel>
            <Tabs.Panel value="sso" pt="md">
              <SingleSignOnBlade app={sp} onChanged={app.reload} />
            </Tabs.Panel>
            <Tabs.Panel value="self-service" pt="md">
              <SelfServiceBlade app={sp} onSaved={app.reload} />
            </Tabs.Panel>
          </Tabs>
        )}
      </Async>
    </Stack>
  );
}

function Overview({ app: a }: { app: ServicePrincipal }) {
  return (
    <Paper withBorder p="md">
      <Properties
        items={[
          ['Name', a.displayName],
          ['Application ID', a.appId],
          ['Object ID', a.id],
          ['Single sign-on', ssoModeLabel(a.preferredSingleSignOnMode)],
          ['Enabled for users to sign in', a.accountEnabled ? 'Yes' : 'No'],
          ['Assignment required', a.appRoleAssignmentRequired ? 'Yes' : 'No'],
          ['Visible to users', isHidden(a.tags) ? 'No' : 'Yes'],
          ['Homepage URL', a.homepage],
          ['Description', a.description],
          [
            'Gallery application',
            a.applicationTemplateId ? (
              <Badge key="t" variant="light" size="sm">
                {a.applicationTemplateId}
              </Badge>
            ) : (
              'No'
            ),
          ],
          ['Created', formatDateTime(a.createdDateTime)],
        ]}
      />
    </Paper>
  );
}
