import { Badge, Paper, Stack } from '@mantine/core';
import { useParams } from 'react-router';
import { graph, type ServicePrincipal } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { BladeTabs } from '../../components/BladeTabs';
import { adminCrumbs, PageHeader } from '../../components/PageHeader';
import { Properties } from '../../components/Properties';
import { Async } from '../../components/States';
import { formatDateTime } from '../audit/AuditTable';
import { isHidden, ssoModeLabel } from './appLogic';
import { OwnersBlade } from './OwnersBlade';
import { PropertiesBlade } from './PropertiesBlade';
import { SelfServiceBlade } from './SelfServiceBlade';
import { SingleSignOnBlade } from './SingleSignOnBlade';
import { UsersAndGroupsBlade } from './UsersAndGroupsBlade';

/** An enterprise application in the admin center, with its blades. */
export function AppDetail() {
  const { id = '' } = useParams();
  const app = useLoad(() => graph.servicePrincipal(id), [id]);
  const title = app.data?.displayName ?? 'Application';
  return (
    <Stack>
      <PageHeader title={title} crumbs={adminCrumbs(['All applications', '/admin/applications'], title)} />
      <Async state={app}>
        {(sp) => (
          <BladeTabs
            base={`/admin/applications/${sp.id}`}
            blades={[
              { value: 'overview', label: 'Overview', content: <Overview app={sp} /> },
              { value: 'properties', label: 'Properties', content: <PropertiesBlade app={sp} onSaved={app.setData} /> },
              { value: 'owners', label: 'Owners', content: <OwnersBlade app={sp} /> },
              { value: 'users', label: 'Users and groups', content: <UsersAndGroupsBlade app={sp} /> },
              { value: 'sso', label: 'Single sign-on', content: <SingleSignOnBlade app={sp} onChanged={app.reload} /> },
              { value: 'self-service', label: 'Self-service', content: <SelfServiceBlade app={sp} onSaved={app.reload} /> },
            ]}
          />
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
