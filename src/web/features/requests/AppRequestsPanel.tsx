import { Stack, Table } from '@mantine/core';
import { useState } from 'react';
import { type AppAccessRequest, graph, type ServicePrincipal } from '../../api/graph';
import { usePaged } from '../../api/hooks';
import { PagedTable } from '../../components/DataTable';
import { FilterButtons } from '../../components/ListControls';
import { DecisionNote, RequestSummaryCell, StatusBadge, useDecisions } from './RequestsUi';

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
  const decisions = useDecisions<AppAccessRequest>({
    denyWord: 'Deny',
    target: () => `access to ${app.displayName}`,
    approve: graph.approveAppAccessRequest,
    deny: graph.denyAppAccessRequest,
    told: (r, outcome) => `${r.requesterDisplayName}'s request was ${outcome}.`,
    onDecided: () => {
      paged.reload();
      onDecided?.();
    },
  });

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
            <RequestSummaryCell request={r} />
            <Table.Td>
              <StatusBadge status={r.status} />
              <DecisionNote by={r.decidedByDisplayName} reason={r.decisionReason} />
            </Table.Td>
            <Table.Td>{r.status === 'pending' && decisions.buttons(r, `the request of ${r.requesterDisplayName}`)}</Table.Td>
          </Table.Tr>
        )}
      />
      {decisions.dialog}
    </Stack>
  );
}
