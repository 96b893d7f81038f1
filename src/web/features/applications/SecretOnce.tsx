import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { CopyValueButton } from '../../components/CopyValue';

/**
 * A new client secret, shown once: the value is only in the addPassword answer (the API never
 * returns it again), so the page says so and offers a copy button. `onDone` forgets the value.
 */
export function SecretOnce({ secret, name, onDone }: { secret: string; name?: string | null; onDone: () => void }) {
  return (
    <Alert color="yellow" variant="light" title="Copy the new client secret now" data-testid="new-secret">
      <Stack gap="xs">
        <Text size="sm" data-testid="secret-warning">
          This is the only time the value of {name ? `“${name}”` : 'this secret'} is shown. Copy it to your application's settings
          now: once you leave this page it can't be displayed again, and you would need to create a new secret.
        </Text>
        <Group gap="xs" wrap="nowrap" align="center">
          <Code data-testid="secret-value" style={{ wordBreak: 'break-all', minWidth: 0 }}>
            {secret}
          </Code>
          <CopyValueButton value={secret} label="Copy secret value" size="xs" variant="filled" testId="copy-secret" />
        </Group>
        <Group>
          <Button size="xs" variant="default" onClick={onDone} data-testid="secret-done">
            I have copied it
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
