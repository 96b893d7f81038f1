import { Badge, Button, Table, VisuallyHidden } from '@mantine/core';
import type { AppRoleAssignment, ServicePrincipal } from '../../api/graph';
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
    <Table.ScrollContainer minWidth={520}>
      <Table striped aria-busy={busy} data-testid="app-assignments-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Display name</Table.Th>
            <Table.Th>Object type</Table.Th>
            <Table.Th>Role assigned</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
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
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  onClick={() => onRemove(a)}
                  aria-label={`Remove ${a.principalDisplayName ?? 'assignment'}`}
                >
                  Remove
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
