import { Badge, Table } from '@mantine/core';
import type { AppRoleAssignment, ServicePrincipal } from '../../api/graph';
import { DataTable, RemoveButton } from '../../components/DataTable';
import { roleName } from './appLogic';

/** Who is assigned to an application: name, object type, role; Remove per row. */
export function AssignmentsTable({
  items,
  app,
  busy,
  onRemove,
}: {
  items: AppRoleAssignment[];
  app: ServicePrincipal;
  busy?: boolean;
  onRemove: (a: AppRoleAssignment) => void;
}) {
  return (
    <DataTable
      columns={['Display name', 'Object type', 'Role assigned', null]}
      minWidth={520}
      busy={busy}
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
            <RemoveButton label={`Remove ${a.principalDisplayName ?? 'assignment'}`} onClick={() => onRemove(a)} />
          </Table.Td>
        </Table.Tr>
      ))}
    </DataTable>
  );
}
