import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';

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
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button
                size="xs"
                variant={copied ? 'light' : 'filled'}
                color={copied ? 'green' : undefined}
                onClick={copy}
                style={{ flexShrink: 0 }}
                aria-label={copied ? 'Copied' : 'Copy secret value'}
                data-testid="copy-secret"
              >
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
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

/** A value to copy (issuer, client id, metadata URL…), with its label. */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap">
        <Code data-testid={testId} style={{ wordBreak: 'break-all', minWidth: 0 }}>
          {value}
        </Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button
              size="compact-xs"
              variant="default"
              onClick={copy}
              style={{ flexShrink: 0 }}
              aria-label={copied ? 'Copied' : `Copy ${label}`}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}
