import { type DependencyList, useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { api, type Collection } from './client';
import { friendlyError } from './errors';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again (after a change, or from a "Try again" button). */
  reload: () => void;
  setData: (d: T | undefined) => void;
}

/**
 * Runs `load` when `deps` change and tracks loading / error / data. Results of superseded runs are
 * dropped, so a slow answer for an old search never overwrites a newer one.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's
  useEffect(() => {
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    loadRef.current(ctrl.signal).then(
      (data) => {
        if (!ctrl.signal.aborted) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (!ctrl.signal.aborted) setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    return () => ctrl.abort();
  }, [...deps, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const setData = useCallback((data: T | undefined) => setState({ data, error: undefined, loading: false }), []);
  return { ...state, reload, setData };
}

// ------------------------------------------------------------------------------------------------
// Server-side paging over @odata.nextLink

export interface PagingState {
  /** Address of each page visited so far: [first, second, …]. */
  links: string[];
  index: number;
}

export type PagingAction = { type: 'reset'; first: string } | { type: 'next'; nextLink: string } | { type: 'prev' };

/**
 * Graph paging only goes forward (`@odata.nextLink`); going back re-reads the address of an
 * earlier page, kept on a stack.
 */
export function pagingReducer(state: PagingState, action: PagingAction): PagingState {
  switch (action.type) {
    case 'reset':
      return { links: [action.first], index: 0 };
    case 'next':
      return { links: [...state.links.slice(0, state.index + 1), action.nextLink], index: state.index + 1 };
    case 'prev':
      return state.index > 0 ? { ...state, index: state.index - 1 } : state;
  }
}

export interface Paged<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  /** 1-based page number. */
  page: number;
  hasNext: boolean;
  hasPrev: boolean;
  next: () => void;
  prev: () => void;
  reload: () => void;
}

/** A list read page by page from the server; `firstUrl` changes (a new search) start over at page 1. */
export function usePaged<T>(firstUrl: string, opts: { eventual?: boolean } = {}): Paged<T> {
  const [state, dispatch] = useReducer(pagingReducer, { links: [firstUrl], index: 0 });
  const current = state.links[state.index] ?? firstUrl;
  const [lastFirst, setLastFirst] = useState(firstUrl);
  if (lastFirst !== firstUrl) {
    setLastFirst(firstUrl);
    dispatch({ type: 'reset', first: firstUrl });
  }
  const url = lastFirst === firstUrl ? current : firstUrl;
  const loaded = useLoad((signal) => api.get<Collection<T>>(url, { eventual: opts.eventual, signal }), [url, opts.eventual]);
  const nextLink = loaded.data?.['@odata.nextLink'];
  return {
    items: loaded.data?.value ?? [],
    loading: loaded.loading,
    error: loaded.error,
    page: state.index + 1,
    hasNext: Boolean(nextLink) && !loaded.loading,
    hasPrev: state.index > 0,
    next: () => nextLink && dispatch({ type: 'next', nextLink }),
    prev: () => dispatch({ type: 'prev' }),
    reload: loaded.reload,
  };
}

/** `value` trimmed and settled for `ms` (for search boxes that query as you type). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export interface Action {
  /** A run is in progress. */
  busy: boolean;
  /** The key of the run in progress ('' when it was given none), for pages with several buttons. */
  running: string | undefined;
  /** The last failure, in words for people. */
  error: string | undefined;
  setError: (message: string | undefined) => void;
  clearError: () => void;
  /** Runs `change`; a failure becomes `error`. Resolves to whether it succeeded. */
  run: (change: () => Promise<unknown>, key?: string) => Promise<boolean>;
}

/** The write-side companion of useLoad: one save, removal or invitation and how it is going. */
export function useAction(): Action {
  const [running, setRunning] = useState<string>();
  const [error, setError] = useState<string>();
  const run = useCallback(async (change: () => Promise<unknown>, key = '') => {
    setRunning(key);
    setError(undefined);
    try {
      await change();
      return true;
    } catch (err) {
      setError(friendlyError(err));
      return false;
    } finally {
      setRunning(undefined);
    }
  }, []);
  const clearError = useCallback(() => setError(undefined), []);
  return { busy: running !== undefined, running, error, setError, clearError, run };
}
