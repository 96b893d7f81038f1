import { Alert, Badge, Button, Checkbox, Group, Modal, Pill, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, type Collection, withQuery } from '../api/client';
import { friendlyError } from '../api/errors';
import { PEOPLE_SEARCH_FIELDS, type User } from '../api/graph';
import { useDebounced, useLoad } from '../api/hooks';
import { searchExpression } from '../api/odata';
import { ErrorNotice, Loading } from './States';

export interface PeoplePickerProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** Label of the confirming button ("Select", "Add"…). */
  submitLabel: string;
  /** People already there: shown, but not selectable. */
  excludeIds?: ReadonlySet<string>;
  excludedLabel?: string;
  /** Called with the chosen people; a thrown error is shown in the dialog, which then stays open. */
  onSubmit: (people: User[]) => Promise<void>;
}

/** Search the directory by name or e-mail and pick one or more people. */
export function PeoplePicker({
  opened,
  onClose,
  title,
  submitLabel,
  excludeIds,
  excludedLabel = 'Already added',
  onSubmit,
}: PeoplePickerProps) {
  const [term, setTerm] = useState('');
  const [selected, setSelected] = useState<User[]>([]);
  const [busy, setBusy] = useState(false);
  const [submitError, setSubmitError] = useState<string | undefined>();
  const search = useDebounced(term.trim(), 250);

  useEffect(() => {
    if (opened) {
      setTerm('');
      setSelected([]);
      setSubmitError(undefined);
    }
  }, [opened]);

  const expr = searchExpression(PEOPLE_SEARCH_FIELDS, search);
  const results = useLoad(
    async (signal) =>
      expr
        ? (
            await api.get<Collection<User>>(withQuery('/users', { $search: expr, $top: 15, $orderby: 'displayName' }), {
              eventual: true,
              signal,
            })
          ).value
        : [],
    [expr],
  );

  const toggle = (u: User) => setSelected((s) => (s.some((x) => x.id === u.id) ? s.filter((x) => x.id !== u.id) : [...s, u]));

  const submit = async () => {
    setBusy(true);
    setSubmitError(undefined);
    try {
      await onSubmit(selected);
      onClose();
    } catch (err) {
      setSubmitError(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg" fullScreen={false}>
      <Stack gap="sm">
        <TextInput
          label="Search"
          description="Type a name or an e-mail address"
          placeholder="Search by name or e-mail"
          value={term}
          onChange={(e) => setTerm(e.currentTarget.value)}
          data-autofocus
          data-testid="people-search"
          type="search"
        />
        {selected.length > 0 && (
          <Group gap={6} aria-label="Selected people">
            <Text size="sm" fw={600}>
              Selected:
            </Text>
            {selected.map((u) => (
              <Pill
                key={u.id}
                withRemoveButton
                onRemove={() => toggle(u)}
                removeButtonProps={{ 'aria-label': `Remove ${u.displayName}` }}
              >
                {u.displayName}
              </Pill>
            ))}
          </Group>
        )}
        <ScrollArea.Autosize mah={320} type="auto">
          {!expr ? (
            <Text size="sm" c="dimmed" py="sm">
              Start typing to find people in your organization.
            </Text>
          ) : results.error ? (
            <ErrorNotice error={results.error} onRetry={results.reload} />
          ) : results.loading && !results.data ? (
            <Loading label="Searching…" />
          ) : (results.data ?? []).length === 0 ? (
            <Text size="sm" c="dimmed" py="sm" role="status">
              No one matches “{search}”.
            </Text>
          ) : (
            <Stack gap={4} role="group" aria-label="Search results">
              {(results.data ?? []).map((u) => {
                const already = excludeIds?.has(u.id) ?? false;
                return (
                  <Checkbox
                    key={u.id}
                    disabled={already}
                    checked={already || selected.some((x) => x.id === u.id)}
                    onChange={() => toggle(u)}
                    label={
                      <Group gap={6} wrap="nowrap">
                        <span>{u.displayName}</span>
                        {u.userType === 'Guest' && (
                          <Badge size="xs" variant="light" color="grape">
                            Guest
                          </Badge>
                        )}
                        {already && (
                          <Badge size="xs" variant="light" color="gray">
                            {excludedLabel}
                          </Badge>
                        )}
                      </Group>
                    }
                    description={u.mail ?? u.userPrincipalName}
                    py={4}
                  />
                );
              })}
            </Stack>
          )}
        </ScrollArea.Autosize>
        {submitError && (
          <Alert color="red" variant="light" role="alert" data-testid="error-notice">
            {submitError}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} loading={busy} disabled={selected.length === 0}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
