import { Alert, Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { type AppAccessRequest, graph, type RequestableApp } from '../../api/graph';
import { type Paged, useDebounced, usePaged } from '../../api/hooks';
import { searchExpression } from '../../api/odata';
import { ListSearch } from '../../components/ListControls';
import { PageHeader } from '../../components/PageHeader';
import { ErrorAlert, PagedList } from '../../components/States';
import { AppLogo } from '../portal/AppLogo';
import { type AppToRequest, RequestAppDialog } from './RequestAppDialog';
import { MyRequestsTable } from './RequestsUi';
import { appOffer } from './requestLogic';

/**
 * My Apps → Request new apps: the applications that take requests (search), a request with a
 * business justification, and the user's own requests (cancel while pending). `?app=<appId>` opens
 * the request of one application (the "Request access" link of the no-access page).
 */
export function RequestNewApps() {
  const [params, setParams] = useSearchParams();
  const [term, setTerm] = useState('');
  const search = searchExpression(['displayName', 'description'], useDebounced(term.trim(), 300));
  const catalogue = usePaged<RequestableApp>(graph.requestableAppsUrl(search), { eventual: search !== undefined });
  const mine = usePaged<AppAccessRequest>(graph.myAppAccessRequestsUrl());
  const [requesting, setRequesting] = useState<AppToRequest>();
  const linked = useLinkedApp(params.get('app'), setRequesting);

  const requested = (r: AppAccessRequest) => {
    notifications.show({
      color: 'green',
      message:
        r.status === 'approved'
          ? `Access granted: ${r.appDisplayName} is now in My Apps.`
          : `Your request was sent to the approvers of ${r.appDisplayName}.`,
    });
    catalogue.reload();
    mine.reload();
  };
  const browsingRefused = catalogue.error instanceof ApiError && catalogue.error.status === 403;

  return (
    <Stack>
      <PageHeader
        title="Request new apps"
        crumbs={[{ label: 'My Apps', to: '/myapps' }, { label: 'Request new apps' }]}
        description="Applications you can ask for. Some are yours at once; for others an approver decides."
      />
      <ErrorAlert error={linked} />
      {browsingRefused ? (
        <Alert color="gray" variant="light" title="The catalogue isn't available to you">
          Your organization limits what guests can browse. If someone sent you a link to request an application, open that link.
        </Alert>
      ) : (
        <>
          <ListSearch label="Search apps" placeholder="Search by name or description" value={term} onChange={setTerm} />
          <PagedList
            paged={catalogue}
            label="Applications you can request"
            empty={{
              title: search ? 'No application matches' : 'No applications take requests',
              description: search ? undefined : 'When an administrator lets people request an application, it appears here.',
            }}
          >
            {(items) => (
              <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                {items.map((a) => (
                  <li key={a.id}>
                    <CatalogueCard app={a} onRequest={() => setRequesting(a)} />
                  </li>
                ))}
              </SimpleGrid>
            )}
          </PagedList>
        </>
      )}
      <Title order={2} fz="lg" mt="md">
        My requests
      </Title>
      <MyRequests paged={mine} onChanged={catalogue.reload} />
      <RequestAppDialog
        app={requesting}
        onClose={() => {
          setRequesting(undefined);
          if (params.has('app')) setParams({}, { replace: true });
        }}
        onRequested={requested}
      />
    </Stack>
  );
}

/** `?app=<appId>`: opens the request of that application once it is loaded; the problem in words when it can't be. */
function useLinkedApp(appId: string | null, open: (a: AppToRequest) => void): string | undefined {
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    if (!appId) return;
    let live = true;
    graph.servicePrincipalByAppId(appId).then(
      (sp) => {
        if (!live) return;
        if (!sp.selfServiceAccess.enabled) setProblem(`${sp.displayName} does not take access requests. Ask its owner.`);
        else open({ id: sp.id, displayName: sp.displayName, requireApproval: sp.selfServiceAccess.requireApproval });
      },
      () => live && setProblem('The application of this link was not found.'),
    );
    return () => {
      live = false;
    };
  }, [appId, open]);
  return problem;
}

function CatalogueCard({ app, onRequest }: { app: RequestableApp; onRequest: () => void }) {
  const offer = appOffer(app);
  return (
    <Card withBorder padding="md" h="100%" data-testid="requestable-app" aria-label={app.displayName} component="section">
      <Group wrap="nowrap" align="flex-start">
        <AppLogo app={app} />
        <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
          <Text fw={600}>{app.displayName}</Text>
          {app.description && (
            <Text size="sm" c="dimmed" lineClamp={3}>
              {app.description}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {app.requireApproval ? 'An approver decides' : 'Access at once'}
          </Text>
          <Group mt={4}>
            {offer === 'request' && (
              <Button size="xs" onClick={onRequest} aria-label={`Request ${app.displayName}`} data-testid="request-app">
                Request
              </Button>
            )}
            {offer === 'pending' && (
              <Badge variant="light" color="yellow">
                Request pending
              </Badge>
            )}
            {offer === 'open' && (
              <Anchor component={Link} to="/myapps" size="sm">
                You have access: open My Apps
              </Anchor>
            )}
          </Group>
        </Stack>
      </Group>
    </Card>
  );
}

function MyRequests({ paged, onChanged }: { paged: Paged<AppAccessRequest>; onChanged: () => void }) {
  return (
    <MyRequestsTable
      paged={paged}
      empty={{ title: "You haven't requested any application" }}
      columns={['Application', 'Requested', 'Status', null]}
      testId="my-app-requests-table"
      subject={(r) => (
        <Table.Td>
          <Text size="sm" fw={600}>
            {r.appDisplayName}
          </Text>
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
            {r.justification}
          </Text>
        </Table.Td>
      )}
      cancel={{
        run: (id) => graph.cancelAppAccessRequest(id),
        label: (r) => `Cancel the request for ${r.appDisplayName}`,
        canceled: (r) => `Your request for ${r.appDisplayName} was canceled.`,
      }}
      onCanceled={onChanged}
    />
  );
}
