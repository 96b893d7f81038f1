import { Alert, Badge, Button, Group, Stack, Table, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { friendlyError } from '../../api/errors';
import { type DirectoryObject, graph, type ServicePrincipal } from '../../api/graph';
import { usePaged } from '../../api/hooks';
import { useConfirm } from '../../components/Confirm';
import { Pager } from '../../components/Pager';
import { PeoplePicker } from '../../components/PeoplePicker';
import { Empty, ErrorNotice, Loading } from '../../components/States';
import { objectKind, objectSubtitle } from '../groups/Relationship';

/** The Owners blade: owners manage the application (also from My Apps). */
export function OwnersBlade({ app }: { app: ServicePrincipal }) {
  const confirm = useConfirm();
  const paged = usePaged<DirectoryObject>(graph.servicePrincipalOwnersUrl(app.id));
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<string>();

  const remove = async (o: DirectoryObject) => {
    const ok = await confirm({
      title: 'Remove owner',
      message: `Remove ${o.displayName} from the owners of ${app.displayName}?`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    setError(undefined);
    try {
      await graph.removeServicePrincipalOwner(app.id, o.id);
      notifications.show({ color: 'green', message: `${o.displayName} was removed.` });
      paged.reload();
    } catch (err) {
      setError(friendlyError(err));
    }
  };

  return (
    <Stack>
      <Group>
        <Button onClick={() => setPicking(true)}>Add owners</Button>
      </Group>
      {error && (
        <Alert
          color="red"
          variant="light"
          role="alert"
          withCloseButton
          onClose={() => setError(undefined)}
          data-testid="error-notice"
        >
          {error}
        </Alert>
      )}
      {paged.error ? (
        <ErrorNotice error={paged.error} onRetry={paged.reload} />
      ) : paged.loading && paged.items.length === 0 ? (
        <Loading />
      ) : paged.items.length === 0 ? (
        <Empty title="No owners" description="Owners can manage this application and its users from My Apps." />
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table striped aria-busy={paged.loading} data-testid="owners-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>E-mail</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {paged.items.map((o) => (
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
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={() => remove(o)}
                      aria-label={`Remove ${o.displayName}`}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Pager paged={paged} label="Owners" />
      <PeoplePicker
        opened={picking}
        onClose={() => setPicking(false)}
        title="Add owners"
        submitLabel="Add"
        excludeIds={new Set(paged.items.map((o) => o.id))}
        excludedLabel="Already an owner"
        onSubmit={async (people) => {
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
