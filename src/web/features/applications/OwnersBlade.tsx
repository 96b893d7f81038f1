import { Badge, Button, Group, Stack, Table } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { type DirectoryObject, graph, type ServicePrincipal } from '../../api/graph';
import { usePaged } from '../../api/hooks';
import { removeFromList, useConfirmedAction } from '../../components/Confirm';
import { PagedTable, RemoveButton } from '../../components/DataTable';
import { PeoplePicker } from '../../components/PeoplePicker';
import { ErrorAlert } from '../../components/States';
import { objectKind, objectSubtitle } from '../groups/Relationship';

/** The Owners blade: owners manage the application (also from My Apps). */
export function OwnersBlade({ app }: { app: ServicePrincipal }) {
  const paged = usePaged<DirectoryObject>(graph.servicePrincipalOwnersUrl(app.id));
  const [picking, setPicking] = useState(false);
  const removal = useConfirmedAction();

  const remove = (o: DirectoryObject) =>
    removeFromList(
      removal,
      o,
      { title: 'Remove owner', message: `Remove ${o.displayName} from the owners of ${app.displayName}?` },
      () => graph.removeServicePrincipalOwner(app.id, o.id),
      paged.reload,
    );

  return (
    <Stack>
      <Group>
        <Button onClick={() => setPicking(true)}>Add owners</Button>
      </Group>
      <ErrorAlert error={removal.error} onClose={removal.clearError} />
      <PagedTable
        paged={paged}
        label="Owners"
        empty={{ title: 'No owners', description: 'Owners can manage this application and its users from My Apps.' }}
        columns={['Name', 'E-mail', null]}
        minWidth={480}
        testId="owners-table"
        row={(o) => (
          <Table.Tr key={o.id}>
            <Table.Td>
              {o.displayName}{' '}
              {objectKind(o) === 'Guest' && (
                <Badge size="xs" variant="light" color="grape">
                  Guest
                </Badge>
              )}
            </Table.Td>
            <Table.Td>{objectSubtitle(o)}</Table.Td>
            <Table.Td ta="right">
              <RemoveButton label={`Remove ${o.displayName}`} onClick={() => remove(o)} />
            </Table.Td>
          </Table.Tr>
        )}
      />
      <PeoplePicker
        opened={picking}
        onClose={() => setPicking(false)}
        title="Add owners"
        submitLabel="Add"
        excludeIds={new Set(paged.items.map((o) => o.id))}
        excludedLabel="Already an owner"
        onSubmit={async ({ people }) => {
          try {
            for (const p of people) await graph.addServicePrincipalOwner(app.id, p.id);
          } finally {
            paged.reload();
          }
          notifications.show({
            color: 'green',
            message: people.length === 1 ? 'Owner added.' : `${people.length} owners added.`,
          });
        }}
      />
    </Stack>
  );
}
