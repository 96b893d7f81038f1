import type { MyApp } from '../../../contracts/myapps';

/**
 * My Apps search: case- and accent-insensitive match of every word of the query against the
 * app's name and description, keeping the server's order. An empty query keeps everything.
 */
export function filterApps<T extends Pick<MyApp, 'displayName' | 'description'>>(apps: readonly T[], query: string): T[] {
  const fold = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...apps];
  return apps.filter((a) => {
    const text = fold(`${a.displayName} ${a.description ?? ''}`);
    return words.every((w) => text.includes(w));
  });
}

/** The letter shown on a tile without a logo. */
export const initialOf = (name: string): string => (name.trim().match(/[\p{L}\p{N}]/u)?.[0] ?? '?').toUpperCase();
