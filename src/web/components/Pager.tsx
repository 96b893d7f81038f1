import { Button, Group, Text } from '@mantine/core';
import type { Paged } from '../api/hooks';

/** Previous / next over server pages; hidden when everything fits on one page. */
export function Pager({ paged, label }: { paged: Paged<unknown>; label: string }) {
  if (!paged.hasPrev && !paged.hasNext) return null;
  return (
    <Group justify="flex-end" gap="sm" mt="sm" component="nav" aria-label={`${label} pages`}>
      <Button variant="default" size="xs" onClick={paged.prev} disabled={!paged.hasPrev || paged.loading}>
        Previous
      </Button>
      <Text size="sm" aria-live="polite">
        Page {paged.page}
      </Text>
      <Button variant="default" size="xs" onClick={paged.next} disabled={!paged.hasNext || paged.loading}>
        Next
      </Button>
    </Group>
  );
}
