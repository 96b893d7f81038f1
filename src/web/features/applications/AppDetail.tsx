import { Badge, Paper } from '@mantine/core';
import { graph, type ServicePrincipal } from '../../api/graph';
import { BladeTabs } from '../../components/BladeTabs';
import { DetailPage } from '../../components/LoadedPages';
import { Properties } from '../../components/Properties';
import { formatDateTime } from '../audit/AuditTable';
import { isHidden, ssoModeLabel } from './appLogic';
import { OwnersBlade } from './OwnersBlade';
import { PropertiesBlade } from './PropertiesBlade';
import { SelfServiceBlade } from './SelfServiceBlade';
import { SingleSignOnBlade } from './SingleSignOnBlade';
import { UsersAndGroupsBlade } from './UsersAndGroupsBlade';

/** An enterprise application in the admin center, with its blades. */
export function AppDetail() {
  return (
    <DetailPage load={graph.servicePrincipal} noun="Application" parent={['All applications', '/admin/applications']}>
      {(sp, app) => (
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
    </DetailPage>
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
