import { Alert, Button, Center, EmptyState, Group, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { friendlyError, isRedirecting } from '../api/errors';
import type { Paged } from '../api/hooks';
import { Pager } from './Pager';

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

/** A failed change, in words (a refusal stays until the next try, or until closed when `onClose` is given). */
export function ErrorAlert({ error, onClose, mt }: { error: string | undefined; onClose?: () => void; mt?: string }) {
  if (!error) return null;
  return (
    <Alert
      color="red"
      variant="light"
      role="alert"
      withCloseButton={onClose !== undefined}
      onClose={onClose}
      mt={mt}
      data-testid="error-notice"
    >
      {error}
    </Alert>
  );
}

/**
 * A list read page by page from the server: its error, its first load, "nothing here" or the
 * items, and the pager (`label` names it for screen readers).
 */
export function PagedList<T>({
  paged,
  label,
  empty,
  children,
}: {
  paged: Paged<T>;
  label: string;
  empty: { title: string; description?: ReactNode };
  children: (items: T[]) => ReactNode;
}) {
  return (
    <>
      {paged.error ? (
        <ErrorNotice error={paged.error} onRetry={paged.reload} />
      ) : paged.loading && paged.items.length === 0 ? (
        <Loading />
      ) : paged.items.length === 0 ? (
        <Empty title={empty.title} description={empty.description} />
      ) : (
        children(paged.items)
      )}
      <Pager paged={paged} label={label} />
    </>
  );
}
