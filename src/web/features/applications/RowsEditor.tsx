import { ActionIcon, Button, Group, Stack, Text, TextInput } from '@mantine/core';

/**
 * An editable list of one-line values (redirect URIs, identifiers): a text box per row, a remove
 * button per row and "Add". `problems` (by row index) are shown under the rows they concern.
 */
export function RowsEditor({
  label,
  description,
  rows,
  onChange,
  problems = {},
  addLabel,
  placeholder,
  testId,
}: {
  label: string;
  description?: string;
  rows: string[];
  onChange: (rows: string[]) => void;
  problems?: Record<number, string>;
  addLabel: string;
  placeholder?: string;
  testId?: string;
}) {
  return (
    <Stack gap={6} role="group" aria-label={label} data-testid={testId}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      {description && (
        <Text size="xs" c="dimmed">
          {description}
        </Text>
      )}
      {rows.map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional and may repeat while typed
        <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
          <TextInput
            aria-label={`${label} ${i + 1}`}
            value={row}
            placeholder={placeholder}
            onChange={(e) => {
              const v = e.currentTarget.value;
              onChange(rows.map((r, j) => (j === i ? v : r)));
            }}
            error={problems[i]}
            style={{ flex: 1 }}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            size="lg"
            aria-label={`Remove ${row || `row ${i + 1}`}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            ×
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button size="xs" variant="default" onClick={() => onChange([...rows, ''])}>
          {addLabel}
        </Button>
      </Group>
    </Stack>
  );
}
