import { Badge } from '@mantine/core';
import { graph, type ServicePrincipal } from '../../api/graph';
import { BladesDetailPage } from '../../components/LoadedPages';
import type { PropertyItem } from '../../components/Properties';
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
    <BladesDetailPage
      load={graph.servicePrincipal}
      noun="Application"
      parent={['All applications', '/admin/applications']}
      overview={overview}
      blades={(sp, app) => [
        { value: 'properties', label: 'Properties', content: <PropertiesBlade app={sp} onSaved={app.setData} /> },
        { value: 'owners', label: 'Owners', content: <OwnersBlade app={sp} /> },
        { value: 'users', label: 'Users and groups', content: <UsersAndGroupsBlade app={sp} /> },
        { value: 'sso', label: 'Single sign-on', content: <SingleSignOnBlade app={sp} onChanged={app.reload} /> },
        { value: 'self-service', label: 'Self-service', content: <SelfServiceBlade app={sp} onSaved={app.reload} /> },
      ]}
    />
  );
}

function overview(a: ServicePrincipal): PropertyItem[] {
  return [
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
  ];
}
