import { Alert, Button, Center, EmptyState, Group, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { friendlyError, isRedirecting } from '../api/errors';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" aria-hidden />
        <Text c="dimmed">{label}</Text>
      </Group>
    </Center>
  );
}

/** An error in plain words, with a way to try again when there is one. */
export function ErrorNotice({
  error,
  onRetry,
  title = "Something didn't work",
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  if (isRedirecting(error)) return <Loading label="Signing you in again…" />;
  return (
    <Alert color="red" variant="light" title={title} role="alert" data-testid="error-notice">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{friendlyError(error)}</Text>
        {onRetry && (
          <Button size="xs" variant="default" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

export function Empty({ title, description, children }: { title: string; description?: ReactNode; children?: ReactNode }) {
  return (
    <EmptyState title={title} description={description} py="xl" data-testid="empty-state">
      {children}
    </EmptyState>
  );
}

/** Renders loading, error or the content of an asynchronous value. */
export function Async<T>({
  state,
  children,
}: {
  state: { data: T | undefined; loading: boolean; error: unknown; reload?: () => void };
  children: (data: T) => ReactNode;
}) {
  if (state.error && !state.loading) return <ErrorNotice error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  return <>{children(state.data)}</>;
}
