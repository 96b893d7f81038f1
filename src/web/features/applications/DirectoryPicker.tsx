import { Badge, Checkbox, Group, Pill, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { api, type Collection, withQuery } from '../../api/client';
import { GROUP_SEARCH_FIELDS, type Group as GroupT, groupTypeLabel, PEOPLE_SEARCH_FIELDS, type User } from '../../api/graph';
import { useDebounced, useLoad } from '../../api/hooks';
import { searchExpression } from '../../api/odata';
import { ErrorNotice, Loading } from '../../components/States';

export interface Picked {
  id: string;
  displayName: string;
  kind: 'User' | 'Group';
  subtitle?: string | null;
  guest?: boolean;
}

const fromUser = (u: User): Picked => ({
  id: u.id,
  displayName: u.displayName,
  kind: 'User',
  subtitle: u.mail ?? u.userPrincipalName,
  guest: u.userType === 'Guest',
});
const fromGroup = (g: GroupT): Picked => ({
  id: g.id,
  displayName: g.displayName,
  kind: 'Group',
  subtitle: `${groupTypeLabel(g)} group`,
});

/**
 * Inline search of users or groups with a selection of up to `max` (for forms and dialogs).
 * `excludeIds` are shown but can't be picked (already assigned, already an owner…).
 */
export function DirectoryPicker({
  kind,
  value,
  onChange,
  max = 50,
  label,
  description,
  excludeIds,
  excludedLabel = 'Already added',
  testId,
}: {
  kind: 'users' | 'groups';
  value: Picked[];
  onChange: (v: Picked[]) => void;
  max?: number;
  label: string;
  description?: string;
  excludeIds?: ReadonlySet<string>;
  excludedLabel?: string;
  testId?: string;
}) {
  const [term, setTerm] = useState('');
  const search = useDebounced(term.trim(), 250);
  const expr = searchExpression(kind === 'users' ? PEOPLE_SEARCH_FIELDS : GROUP_SEARCH_FIELDS, search);
  const results = useLoad(
    async (signal): Promise<Picked[]> => {
      if (!expr) return [];
      const url = withQuery(`/${kind}`, { $search: expr, $top: 15, $orderby: 'displayName' });
      if (kind === 'users') return (await api.get<Collection<User>>(url, { eventual: true, signal })).value.map(fromUser);
      return (await api.get<Collection<GroupT>>(url, { eventual: true, signal })).value.map(fromGroup);
    },
    [expr, kind],
  );
  // With max 1, picking another entry replaces the current one.
  const toggle = (p: Picked) =>
    onChange(
      value.some((x) => x.id === p.id) ? value.filter((x) => x.id !== p.id) : max === 1 ? [p] : [...value, p].slice(0, max),
    );
  const full = max > 1 && value.length >= max;
  const noun = kind === 'users' ? 'people' : 'groups';

  return (
    <Stack gap={6}>
      <TextInput
        label={label}
        description={description ?? (kind === 'users' ? 'Type a name or an e-mail address' : 'Type a group name')}
        placeholder={kind === 'users' ? 'Search by name or e-mail' : 'Search groups'}
        value={term}
        onChange={(e) => setTerm(e.currentTarget.value)}
        type="search"
        data-testid={testId ?? (kind === 'users' ? 'people-search' : 'group-search')}
      />
      {value.length > 0 && (
        <Group gap={6} aria-label={`Selected ${noun}`}>
          {value.map((p) => (
            <Pill
              key={p.id}
              withRemoveButton
              onRemove={() => toggle(p)}
              removeButtonProps={{ 'aria-label': `Remove ${p.displayName}` }}
            >
              {p.displayName}
            </Pill>
          ))}
          {max > 1 && max < 50 && (
            <Text size="xs" c="dimmed">
              {value.length} / {max}
            </Text>
          )}
        </Group>
      )}
      {expr && (
        <ScrollArea.Autosize mah={240} type="auto">
          {results.error ? (
            <ErrorNotice error={results.error} onRetry={results.reload} />
          ) : results.loading && !results.data ? (
            <Loading label="Searching…" />
          ) : (results.data ?? []).length === 0 ? (
            <Text size="sm" c="dimmed" role="status">
              Nothing matches “{search}”.
            </Text>
          ) : (
            <Stack gap={2} role="group" aria-label="Search results">
              {(results.data ?? []).map((p) => {
                const already = excludeIds?.has(p.id) ?? false;
                const checked = already || value.some((x) => x.id === p.id);
                return (
                  <Checkbox
                    key={p.id}
                    checked={checked}
                    disabled={already || (full && !checked)}
                    onChange={() => toggle(p)}
                    label={
                      <Group gap={6} wrap="nowrap">
                        <span>{p.displayName}</span>
                        {p.guest && (
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
                    description={p.subtitle}
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
