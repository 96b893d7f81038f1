import { Badge, Table } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type AppRoleAssignment, graph, type ServicePrincipal } from '../../api/graph';
import type { Paged } from '../../api/hooks';
import { destructive, useConfirmedAction } from '../../components/Confirm';
import { DataTable, RemoveButton } from '../../components/DataTable';
import { ErrorAlert, PagedList } from '../../components/States';
import { roleName } from './appLogic';

/**
 * Who is assigned to an application (name, object type, role), with Remove after a confirmation.
 * `paged` belongs to the caller, whose Add dialog also reloads it.
 */
export function AssignmentsList({
  app,
  paged,
  label,
  empty,
  confirmRemoval,
  removedMessage,
}: {
  app: ServicePrincipal;
  paged: Paged<AppRoleAssignment>;
  label: string;
  empty: { title: string; description: string };
  /** The confirmation's title, and what the removal means after "Remove <name> from <app>?". */
  confirmRemoval: { title: string; consequence?: (a: AppRoleAssignment) => string };
  removedMessage?: string;
}) {
  const removal = useConfirmedAction();
  const remove = async (a: AppRoleAssignment) => {
    const question = `Remove ${a.principalDisplayName ?? 'this assignment'} from ${app.displayName}?`;
    const confirmation = destructive(
      confirmRemoval.title,
      confirmRemoval.consequence ? `${question} ${confirmRemoval.consequence(a)}` : question,
    );
    if (!(await removal.confirmAndRun(confirmation, () => graph.removeAppAssignment(app.id, a.id)))) return;
    if (removedMessage) notifications.show({ color: 'green', message: removedMessage });
    paged.reload();
  };
  return (
    <>
      <ErrorAlert error={removal.error} onClose={removal.clearError} />
      <PagedList paged={paged} label={label} empty={empty}>
        {(items) => (
          <DataTable
            columns={['Display name', 'Object type', 'Role assigned', null]}
            minWidth={520}
            busy={paged.loading}
            testId="app-assignments-table"
          >
            {items.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>{a.principalDisplayName ?? a.principalId}</Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={a.principalType === 'Group' ? 'teal' : 'blue'}>
                    {a.principalType}
                  </Badge>
                </Table.Td>
                <Table.Td>{roleName(app.appRoles, a.appRoleId)}</Table.Td>
                <Table.Td ta="right">
                  <RemoveButton label={`Remove ${a.principalDisplayName ?? 'assignment'}`} onClick={() => remove(a)} />
                </Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        )}
      </PagedList>
    </>
  );
}
