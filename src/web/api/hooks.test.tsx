import { act, renderHook, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { signIn } from '../test-utils';
import { pagingReducer, usePaged } from './hooks';

describe('pagingReducer', () => {
  it('walks forward with nextLink and back through the visited pages', () => {
    let s = pagingReducer({ links: [], index: 0 }, { type: 'reset', first: '/users' });
    s = pagingReducer(s, { type: 'next', nextLink: '/users?t=2' });
    s = pagingReducer(s, { type: 'next', nextLink: '/users?t=3' });
    expect(s).toEqual({ links: ['/users', '/users?t=2', '/users?t=3'], index: 2 });
    s = pagingReducer(s, { type: 'prev' });
    s = pagingReducer(s, { type: 'prev' });
    expect(s.index).toBe(0);
    expect(pagingReducer(s, { type: 'prev' })).toBe(s);
    // Going forward again from page 1 replaces what came after it.
    s = pagingReducer(s, { type: 'next', nextLink: '/users?t=2b' });
    expect(s).toEqual({ links: ['/users', '/users?t=2b'], index: 1 });
  });
});

describe('usePaged', () => {
  const pages: Record<string, { value: { id: string }[]; '@odata.nextLink'?: string }> = {
    '/v1.0/users?$top=2': {
      value: [{ id: 'a' }, { id: 'b' }],
      '@odata.nextLink': 'http://localhost:3000/v1.0/users?$top=2&$skiptoken=p2',
    },
    '/v1.0/users?$top=2&$skiptoken=p2': { value: [{ id: 'c' }] },
    '/v1.0/groups?$top=2': { value: [{ id: 'g' }] },
  };
  beforeEach(() => {
    signIn();
    vi.stubGlobal('fetch', async (url: string) => {
      const body = pages[url];
      return new Response(JSON.stringify(body ?? { error: { code: 'x', message: 'missing' } }), { status: body ? 200 : 404 });
    });
  });

  it('pages forward and back on the server and starts over when the query changes', async () => {
    const { result, rerender } = renderHook(({ url }) => usePaged<{ id: string }>(url), {
      initialProps: { url: '/users?$top=2' },
    });
    await waitFor(() => expect(result.current.items.map((i) => i.id)).toEqual(['a', 'b']));
    expect(result.current.hasNext).toBe(true);
    expect(result.current.hasPrev).toBe(false);
    act(() => result.current.next());
    await waitFor(() => expect(result.current.items.map((i) => i.id)).toEqual(['c']));
    expect(result.current.page).toBe(2);
    expect(result.current.hasNext).toBe(false);
    act(() => result.current.prev());
    await waitFor(() => expect(result.current.items.map((i) => i.id)).toEqual(['a', 'b']));
    act(() => result.current.next());
    await waitFor(() => expect(result.current.page).toBe(2));
    rerender({ url: '/groups?$top=2' });
    await waitFor(() => expect(result.current.items.map((i) => i.id)).toEqual(['g']));
    expect(result.current.page).toBe(1);
  });
});
