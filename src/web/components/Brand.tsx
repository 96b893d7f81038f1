import { Anchor, Group, Text } from '@mantine/core';
import { Link } from 'react-router';

/** Product name and the name of the current area, linking to its home. */
export function Brand({ area, to }: { area: string; to: string }) {
  return (
    <Anchor component={Link} to={to} underline="never" c="inherit" aria-label={`Portico ${area} home`}>
      <Group gap={8} wrap="nowrap">
        <svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
          <rect width="32" height="32" rx="6" fill="#1c6fd1" />
          <path d="M9 24V8h8a5 5 0 0 1 0 10h-4v6z" fill="none" stroke="#fff" strokeWidth="3" strokeLinejoin="round" />
        </svg>
        <Text fw={700}>Portico</Text>
        <Text c="dimmed" visibleFrom="xs">
          {area}
        </Text>
      </Group>
    </Anchor>
  );
}
