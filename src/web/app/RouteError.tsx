import { Button, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { NotFound } from './NotFound';

/**
 * The message browsers give when a lazily loaded chunk is gone: after a new deploy the old
 * `/assets/*-<hash>.js` files no longer exist, and a page that was opened before it cannot load them
 * (Chromium: "Failed to fetch dynamically imported module", Firefox: "error loading dynamically
 * imported module", Safari: "Importing a module script failed").
 */
const CHUNK_GONE =
  /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed/i;

export function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return CHUNK_GONE.test(message);
}

/** sessionStorage key: when the page last reloaded itself because a chunk was gone. */
export const CHUNK_RELOAD_KEY = 'portico.chunkReloadAt';
/** A second missing chunk within this time after a reload is not a deploy: stop reloading. */
export const CHUNK_RELOAD_WINDOW_MS = 30_000;

function lastReload(storage: Pick<Storage, 'getItem'>): number | undefined {
  try {
    const v = Number(storage.getItem(CHUNK_RELOAD_KEY));
    return Number.isFinite(v) && v > 0 ? v : undefined;
  } catch {
    return Number.POSITIVE_INFINITY; // storage blocked: no way to guard against a loop, so never reload
  }
}

/** Whether the page may reload itself now (it did not do so for a missing chunk moments ago). */
export function mayReloadForNewVersion(storage: Pick<Storage, 'getItem'> = window.sessionStorage, now = Date.now()): boolean {
  const last = lastReload(storage);
  return last === undefined || (Number.isFinite(last) && now - last >= CHUNK_RELOAD_WINDOW_MS);
}

/**
 * Reloads the page once to fetch the new version (index.html is never cached, so the reload gets
 * the new chunk names). Returns false, and does not reload, when the page already reloaded for this
 * reason moments ago: a chunk that is still missing after a reload would otherwise loop forever.
 */
export function reloadOnceForNewVersion(
  storage: Pick<Storage, 'getItem' | 'setItem'> = window.sessionStorage,
  reload: () => void = () => window.location.reload(),
  now: number = Date.now(),
): boolean {
  if (!mayReloadForNewVersion(storage, now)) return false;
  try {
    storage.setItem(CHUNK_RELOAD_KEY, String(now));
  } catch {
    return false;
  }
  reload();
  return true;
}

/**
 * Error element of the routes: a missing chunk (a new version was deployed) reloads the page once;
 * anything else shows a page in plain words instead of React Router's "Unexpected Application Error".
 */
export function RouteError() {
  const error = useRouteError();
  const chunkGone = isChunkLoadError(error);
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  // While true, the page says "Loading the new version…" and reloads (once: see reloadOnceForNewVersion).
  const [reloading, setReloading] = useState(() => chunkGone && mayReloadForNewVersion());

  useEffect(() => {
    if (reloading && !reloadOnceForNewVersion()) setReloading(false);
  }, [reloading]);

  useEffect(() => {
    if (!notFound) document.title = 'Something went wrong · Portico';
  }, [notFound]);

  if (notFound) return <NotFound />;
  if (reloading) {
    return (
      <Center mih="60vh" p="md" role="status">
        <Text c="dimmed">A new version of Portico is available. Loading it…</Text>
      </Center>
    );
  }
  return (
    <Center mih="60vh" p="md">
      <Paper withBorder p="xl" maw={520} data-testid="route-error">
        <Stack>
          <Title order={1} fz={22}>
            {chunkGone ? 'This page could not be loaded' : 'Something went wrong'}
          </Title>
          <Text>
            {chunkGone
              ? 'Portico may have been updated while this page was open, or the connection was interrupted. Reload the page to continue.'
              : 'This page ran into a problem and could not be shown. Reload the page, or start again from My Apps. If it keeps happening, tell your administrator what you were doing.'}
          </Text>
          <Group>
            <Button onClick={() => window.location.reload()}>Reload the page</Button>
            <Button component="a" href="/myapps" variant="default">
              Go to My Apps
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Center>
  );
}
