import { Stack, Table } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { type AppAccessRequest, graph, type ServicePrincipal } from '../../api/graph';
import { usePaged } from '../../api/hooks';
import { PagedTable } from '../../components/DataTable';
import { FilterButtons } from '../../components/ListControls';
import { type Decision, DecisionButtons, DecisionDialog, DecisionNote, RequestSummary, StatusBadge } from './RequestsUi';

const FILTERS = [
  ['pending', 'Pending'],
  ['', 'All requests'],
] as const;

/**
 * Manage your application → Requests (approvers and owners): the application's access requests,
 * pending first by default, with Approve and Deny (a reason, which the requester is told).
 */
export function AppRequestsPanel({ app, onDecided }: { app: ServicePrincipal; onDecided?: () => void }) {
  const [status, setStatus] = useState<'pending' | ''>('pending');
  const paged = usePaged<AppAccessRequest>(graph.appAccessRequestsUrl(app.id, status || undefined));
  const [deciding, setDeciding] = useState<{ request: AppAccessRequest; decision: Decision }>();

  const open = (request: AppAccessRequest, kind: Decision['kind']) =>
    setDeciding({ request, decision: { kind, target: `access to ${app.displayName}`, requester: request.requesterDisplayName } });
  const decide = async (reason: string | null) => {
    if (!deciding) return;
    const { request, decision } = deciding;
    if (decision.kind === 'approve') await graph.approveAppAccessRequest(request.id, reason);
    else await graph.denyAppAccessRequest(request.id, reason ?? '');
    notifications.show({
      color: 'green',
      message: `${request.requesterDisplayName}'s request was ${decision.kind === 'approve' ? 'approved' : 'denied'}.`,
    });
    paged.reload();
    onDecided?.();
  };

  return (
    <Stack>
      <FilterButtons label="Show" options={FILTERS} value={status} onChange={setStatus} />
      <PagedTable
        paged={paged}
        label="Access requests"
        empty={{
          title: status ? 'No request waits for a decision' : 'No one has requested access yet',
          description: app.selfServiceAccess.enabled ? undefined : 'Self-service access to this application is off.',
        }}
        columns={['Request', 'Status', null]}
        minWidth={560}
        testId="app-requests-table"
        row={(r) => (
          <Table.Tr key={r.id}>
            <Table.Td>
              <RequestSummary
                name={r.requesterDisplayName}
                login={r.requesterUserPrincipalName}
                created={r.createdDateTime}
                justification={r.justification}
              />
            </Table.Td>
            <Table.Td>
              <StatusBadge status={r.status} />
              <DecisionNote by={r.decidedByDisplayName} reason={r.decisionReason} />
            </Table.Td>
            <Table.Td>
              {r.status === 'pending' && (
                <DecisionButtons
                  label={`the request of ${r.requesterDisplayName}`}
                  denyWord="Deny"
                  onApprove={() => open(r, 'approve')}
                  onDeny={() => open(r, 'deny')}
                />
              )}
            </Table.Td>
          </Table.Tr>
        )}
      />
      <DecisionDialog decision={deciding?.decision} denyWord="Deny" onClose={() => setDeciding(undefined)} onDecide={decide} />
    </Stack>
  );
}
