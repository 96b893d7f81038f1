import { Autocomplete, Button, Group, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { DirectoryAudit } from '../../api/graph';
import { usePaged } from '../../api/hooks';
import { adminCrumbs, PageHeader } from '../../components/PageHeader';
import { PeoplePicker } from '../../components/PeoplePicker';
import { PagedList } from '../../components/States';
import { AuditTable } from './AuditTable';
import { type AuditFilters, auditUrl, KNOWN_ACTIVITIES } from './auditQuery';

interface PersonFilter {
  id: string;
  name: string;
}

/** Someone picked as initiator or target, with a button to pick another or clear. */
function PersonField({ label, value, onChange }: { label: string; value?: PersonFilter; onChange: (p?: PersonFilter) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id={`${label}-label`}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" aria-labelledby={`${label}-label`} role="group">
        <Text size="sm" c={value ? undefined : 'dimmed'} style={{ flex: 1, minWidth: 0 }} truncate>
          {value ? value.name : 'Anyone'}
        </Text>
        <Button size="xs" variant="default" onClick={() => setOpen(true)}>
          {value ? 'Change' : 'Choose'}
        </Button>
        {value && (
          <Button size="xs" variant="subtle" onClick={() => onChange(undefined)} aria-label={`Clear ${label.toLowerCase()}`}>
            Clear
          </Button>
        )}
      </Group>
      <PeoplePicker
        opened={open}
        onClose={() => setOpen(false)}
        title={`Choose ${label.toLowerCase()}`}
        submitLabel="Select"
        onSubmit={async ({ people }) => {
          const p = people[0];
          if (p) onChange({ id: p.id, name: p.displayName });
        }}
      />
    </Stack>
  );
}

export function AuditLogs() {
  const [draft, setDraft] = useState<{
    from: string;
    to: string;
    activity: string;
    initiator?: PersonFilter;
    target?: PersonFilter;
    targetId: string;
  }>({
    from: '',
    to: '',
    activity: '',
    targetId: '',
  });
  const [applied, setApplied] = useState<AuditFilters>({});
  const paged = usePaged<DirectoryAudit>(auditUrl(applied));

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setApplied({
      from: draft.from || undefined,
      to: draft.to || undefined,
      activity: draft.activity.trim() || undefined,
      initiatorId: draft.initiator?.id,
      targetId: draft.target?.id ?? (draft.targetId.trim() || undefined),
    });
  };
  const reset = () => {
    setDraft({ from: '', to: '', activity: '', targetId: '' });
    setApplied({});
  };
  const filtered = Object.values(applied).some(Boolean);

  return (
    <Stack>
      <PageHeader
        title="Audit logs"
        crumbs={adminCrumbs('Audit logs')}
        description="Every change made in the directory, newest first."
      />
      <Paper withBorder p="md" component="form" onSubmit={apply} aria-label="Filter audit logs">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          <TextInput
            type="date"
            label="From"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
          />
          <TextInput
            type="date"
            label="To"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })}
          />
          <Autocomplete
            label="Activity"
            placeholder="Any activity"
            data={KNOWN_ACTIVITIES}
            value={draft.activity}
            onChange={(activity) => setDraft({ ...draft, activity })}
            clearable
          />
          <PersonField label="Initiated by" value={draft.initiator} onChange={(initiator) => setDraft({ ...draft, initiator })} />
          <PersonField label="Target user" value={draft.target} onChange={(target) => setDraft({ ...draft, target })} />
          <TextInput
            label="Target object id"
            description="Any user, group or policy id"
            value={draft.target ? '' : draft.targetId}
            disabled={Boolean(draft.target)}
            onChange={(e) => setDraft({ ...draft, targetId: e.currentTarget.value })}
          />
        </SimpleGrid>
        <Group mt="md">
          <Button type="submit">Apply</Button>
          <Button variant="default" onClick={reset}>
            Reset
          </Button>
        </Group>
      </Paper>
      <PagedList
        paged={paged}
        label="Audit logs"
        empty={{
          title: filtered ? 'No entries match these filters' : 'No audit entries yet',
          description: filtered ? 'Widen the date range or clear a filter.' : undefined,
        }}
      >
        {(items) => <AuditTable items={items} busy={paged.loading} />}
      </PagedList>
    </Stack>
  );
}
