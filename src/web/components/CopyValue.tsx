import { Button, type ButtonProps, Code, CopyButton, Group, Stack, Text } from '@mantine/core';

/** A Copy button that says Copied for a moment; `label` names what it copies for assistive technology. */
export function CopyValueButton({
  value,
  label,
  size,
  variant = 'default',
  testId,
}: {
  value: string;
  label: string;
  size?: ButtonProps['size'];
  variant?: ButtonProps['variant'];
  testId?: string;
}) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button
          size={size}
          variant={copied ? 'light' : variant}
          color={copied ? 'green' : undefined}
          onClick={copy}
          style={{ flexShrink: 0 }}
          aria-label={copied ? 'Copied' : label}
          data-testid={testId}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      )}
    </CopyButton>
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
        <CopyValueButton value={value} label={`Copy ${label}`} size="compact-xs" />
      </Group>
    </Stack>
  );
}
