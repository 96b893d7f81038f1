import { screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithMantine } from '../test-utils';
import {
  CHUNK_RELOAD_KEY,
  CHUNK_RELOAD_WINDOW_MS,
  isChunkLoadError,
  mayReloadForNewVersion,
  RouteError,
  reloadOnceForNewVersion,
} from './RouteError';

const GONE = 'Failed to fetch dynamically imported module: http://localhost/assets/pages-Bx1f2.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

/** A route whose page throws `error` while rendering, with RouteError as its error element. */
function renderFailing(error: unknown) {
  function Boom(): never {
    throw error;
  }
  // React and React Router report the caught error (and jsdom its unimplemented reload) on the console.
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const router = createMemoryRouter([{ path: '/', element: <Boom />, errorElement: <RouteError /> }]);
  return renderWithMantine(<RouterProvider router={router} />);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('missing chunk after a new deploy', () => {
  it('recognises the browsers’ messages for a chunk that cannot be loaded', () => {
    expect(isChunkLoadError(new TypeError(GONE))).toBe(true);
    expect(isChunkLoadError(new TypeError('error loading dynamically imported module: /assets/x.js'))).toBe(true);
    expect(isChunkLoadError(new TypeError('Importing a module script failed.'))).toBe(true);
    expect(isChunkLoadError(new Error('Cannot read properties of undefined'))).toBe(false);
    expect(isChunkLoadError(undefined)).toBe(false);
  });

  it('reloads once, then not again while the flag is fresh (no reload loop), and again after a while', () => {
    const storage = memoryStorage();
    const reload = vi.fn();
    const t0 = 1_750_000_000_000;
    expect(reloadOnceForNewVersion(storage, reload, t0)).toBe(true);
    expect(reload).toHaveBeenCalledTimes(1);
    expect(storage.data.get(CHUNK_RELOAD_KEY)).toBe(String(t0));
    // The reloaded page still cannot load the chunk: no second reload.
    expect(reloadOnceForNewVersion(storage, reload, t0 + 2_000)).toBe(false);
    expect(reload).toHaveBeenCalledTimes(1);
    // A later deploy, in the same tab, is handled again.
    expect(reloadOnceForNewVersion(storage, reload, t0 + CHUNK_RELOAD_WINDOW_MS + 1)).toBe(true);
    expect(reload).toHaveBeenCalledTimes(2);
  });

  it('never reloads when sessionStorage cannot be used (the loop guard would not work)', () => {
    const reload = vi.fn();
    const blocked = {
      getItem: () => {
        throw new DOMException('blocked', 'SecurityError');
      },
      setItem: () => {},
    };
    expect(mayReloadForNewVersion(blocked)).toBe(false);
    expect(reloadOnceForNewVersion(blocked, reload)).toBe(false);
    expect(reload).not.toHaveBeenCalled();
  });

  it('shows "Loading it…" and sets the flag when it reloads', async () => {
    renderFailing(new TypeError(GONE));
    expect(await screen.findByText('A new version of Portico is available. Loading it…')).toBeTruthy();
    expect(Number(window.sessionStorage.getItem(CHUNK_RELOAD_KEY))).toBeGreaterThan(0);
    expect(screen.queryByText(/Unexpected Application Error/)).toBeNull();
  });

  it('right after such a reload, explains instead of reloading again', async () => {
    window.sessionStorage.setItem(CHUNK_RELOAD_KEY, String(Date.now() - 1_000));
    renderFailing(new TypeError(GONE));
    expect(await screen.findByRole('heading', { name: 'This page could not be loaded' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Reload the page' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Go to My Apps' }).getAttribute('href')).toBe('/myapps');
  });
});

describe('other errors while rendering a page', () => {
  it('shows a friendly page, not React Router’s "Unexpected Application Error" or a stack trace', async () => {
    renderFailing(new Error('Cannot read properties of undefined (reading "id")'));
    expect(await screen.findByRole('heading', { name: 'Something went wrong' })).toBeTruthy();
    expect(screen.getByTestId('route-error').textContent).not.toMatch(/Unexpected Application Error|reading "id"/);
    expect(window.sessionStorage.getItem(CHUNK_RELOAD_KEY)).toBeNull();
    expect(document.title).toBe('Something went wrong · Portico');
  });
});
