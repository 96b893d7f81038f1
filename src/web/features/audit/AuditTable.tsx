import { Badge, Code, Popover, Stack, Table, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import type { DirectoryAudit } from '../../api/graph';
import { DataTable } from '../../components/DataTable';

const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const formatDateTime = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : fmt.format(d);
};

export const initiatorName = (a: DirectoryAudit): string =>
  a.initiatedBy.user?.displayName ?? a.initiatedBy.user?.userPrincipalName ?? a.initiatedBy.app?.displayName ?? 'System';

export const targetNames = (a: DirectoryAudit): string =>
  a.targetResources.map((t) => t.displayName ?? t.userPrincipalName ?? t.id).join(', ') || '—';

function Details({ a }: { a: DirectoryAudit }) {
  const changes = a.targetResources.flatMap((t) =>
    (t.modifiedProperties ?? []).map((m) => ({ ...m, target: t.displayName ?? t.id })),
  );
  return (
    <Popover width={360} position="bottom-end" withArrow shadow="md">
      <Popover.Target>
        <UnstyledButton
          fz="sm"
          c="blue.8"
          td="underline"
          aria-label={`Details of ${a.activityDisplayName} at ${formatDateTime(a.activityDateTime)}`}
        >
          Details
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={4}>
          <Text size="xs">Category: {a.category}</Text>
          <Text size="xs">Service: {a.loggedByService}</Text>
          <Text size="xs">Correlation id: {a.correlationId}</Text>
          {a.initiatedBy.user?.userPrincipalName && <Text size="xs">Initiated by: {a.initiatedBy.user.userPrincipalName}</Text>}
          {changes.length > 0 && (
            <>
              <Text size="xs" fw={600} mt={4}>
                Modified properties
              </Text>
              {changes.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: static list
                <Text size="xs" key={i}>
                  {c.displayName}: <Code>{c.oldValue ?? '—'}</Code> → <Code>{c.newValue ?? '—'}</Code>
                </Text>
              ))}
            </>
          )}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

export function AuditTable({ items, busy }: { items: DirectoryAudit[]; busy?: boolean }) {
  return (
    <DataTable
      columns={['Date', 'Activity', 'Initiated by', 'Target', 'Result', <VisuallyHidden key="d">Details</VisuallyHidden>]}
      minWidth={720}
      busy={busy}
      testId="audit-table"
    >
      {items.map((a) => (
        <Table.Tr key={a.id}>
          <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(a.activityDateTime)}</Table.Td>
          <Table.Td>{a.activityDisplayName}</Table.Td>
          <Table.Td>{initiatorName(a)}</Table.Td>
          <Table.Td style={{ wordBreak: 'break-word' }}>{targetNames(a)}</Table.Td>
          <Table.Td>
            {/* Mantine's Badge may shrink and truncate ("SUCC…") in a tight table: keep its whole text. */}
            <Badge variant="light" color={a.result === 'success' ? 'green' : 'red'} style={{ minWidth: 'max-content' }}>
              {a.result === 'success' ? 'Success' : a.result}
            </Badge>
          </Table.Td>
          <Table.Td>
            <Details a={a} />
          </Table.Td>
        </Table.Tr>
      ))}
    </DataTable>
  );
}
