import { SimpleGrid, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A labelled value; an empty one shows as a dash. */
export type PropertyItem = [label: string, value: ReactNode];

/** A two-column list of labelled values (stacks on narrow screens). */
export function Properties({ items }: { items: PropertyItem[] }) {
  return (
    <SimpleGrid component="dl" cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm" m={0}>
      {items.map(([label, value]) => (
        <div key={label}>
          <Text component="dt" size="xs" c="dimmed" fw={600}>
            {label}
          </Text>
          <Text component="dd" m={0} size="sm" style={{ wordBreak: 'break-word' }}>
            {value === null || value === undefined || value === '' ? '—' : value}
          </Text>
        </div>
      ))}
    </SimpleGrid>
  );
}
