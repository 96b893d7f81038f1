import { Badge, Checkbox, Group, Pill, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { api, type Collection, withQuery } from '../../api/client';
import { GROUP_SEARCH_FIELDS, type Group as GroupT, groupTypeLabel, isDynamicGroup } from '../../api/graph';
import { useDebounced, useLoad } from '../../api/hooks';
import { searchExpression } from '../../api/odata';
import { ErrorNotice, Loading } from '../../components/States';

/** Search groups and pick up to `max` of them (inline, for forms). Dynamic groups can't be picked. */
export function GroupPicker({
  value,
  onChange,
  max,
  label = 'Groups',
  description,
}: {
  value: GroupT[];
  onChange: (groups: GroupT[]) => void;
  max: number;
  label?: string;
  description?: string;
}) {
  const [term, setTerm] = useState('');
  const search = useDebounced(term.trim(), 250);
  const expr = searchExpression(GROUP_SEARCH_FIELDS, search);
  const results = useLoad(
    async (signal) =>
      expr
        ? (
            await api.get<Collection<GroupT>>(withQuery('/groups', { $search: expr, $top: 10, $orderby: 'displayName' }), {
              eventual: true,
              signal,
            })
          ).value
        : [],
    [expr],
  );
  const toggle = (g: GroupT) =>
    onChange(value.some((x) => x.id === g.id) ? value.filter((x) => x.id !== g.id) : [...value, g].slice(0, max));
  const full = value.length >= max;

  return (
    <Stack gap={6}>
      <TextInput
        label={label}
        description={description ?? `Search groups by name; up to ${max}.`}
        placeholder="Search groups"
        value={term}
        onChange={(e) => setTerm(e.currentTarget.value)}
        type="search"
        data-testid="group-search"
      />
      {value.length > 0 && (
        <Group gap={6} aria-label="Selected groups">
          {value.map((g) => (
            <Pill
              key={g.id}
              withRemoveButton
              onRemove={() => toggle(g)}
              removeButtonProps={{ 'aria-label': `Remove ${g.displayName}` }}
            >
              {g.displayName}
            </Pill>
          ))}
          <Text size="xs" c="dimmed">
            {value.length} / {max}
          </Text>
        </Group>
      )}
      {expr && (
        <ScrollArea.Autosize mah={220} type="auto">
          {results.error ? (
            <ErrorNotice error={results.error} onRetry={results.reload} />
          ) : results.loading && !results.data ? (
            <Loading label="Searching…" />
          ) : (results.data ?? []).length === 0 ? (
            <Text size="sm" c="dimmed" role="status">
              No group matches “{search}”.
            </Text>
          ) : (
            <Stack gap={2} role="group" aria-label="Group search results">
              {(results.data ?? []).map((g) => {
                const dynamic = isDynamicGroup(g);
                const checked = value.some((x) => x.id === g.id);
                return (
                  <Checkbox
                    key={g.id}
                    checked={checked}
                    disabled={dynamic || g.onPremisesSyncEnabled === true || (full && !checked)}
                    onChange={() => toggle(g)}
                    label={
                      <Group gap={6} wrap="nowrap">
                        <span>{g.displayName}</span>
                        <Badge size="xs" variant="light" color="gray">
                          {groupTypeLabel(g)}
                        </Badge>
                        {dynamic && (
                          <Badge size="xs" variant="light" color="orange">
                            Dynamic: can't add
                          </Badge>
                        )}
                      </Group>
                    }
                    py={3}
                  />
                );
              })}
            </Stack>
          )}
        </ScrollArea.Autosize>
      )}
    </Stack>
  );
}
