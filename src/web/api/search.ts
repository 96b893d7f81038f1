import { GROUP_SEARCH_FIELDS, type Group, graph, PEOPLE_SEARCH_FIELDS, type User } from './graph';
import { type Loaded, useDebounced, useLoad } from './hooks';
import { searchExpression } from './odata';

export type DirectoryKind = 'users' | 'groups';
export type DirectoryItem<K extends DirectoryKind> = K extends 'users' ? User : Group;

export interface DirectorySearch<T> {
  /** What was searched for: the typed text, trimmed, once typing paused. */
  search: string;
  /** There is something to search for (blank text finds nothing and asks nothing). */
  active: boolean;
  results: Loaded<T[]>;
  /** The results answer exactly the text in the box (nothing newer is being typed or loaded). */
  settled: boolean;
}

/** The one people (and group) search of the app: names or addresses that start with the words typed. */
export function useDirectorySearch<K extends DirectoryKind>(kind: K, term: string, top = 15): DirectorySearch<DirectoryItem<K>> {
  const typed = term.trim();
  const search = useDebounced(typed, 250);
  const expr = searchExpression(kind === 'users' ? PEOPLE_SEARCH_FIELDS : GROUP_SEARCH_FIELDS, search);
  const results = useLoad(
    async (signal): Promise<DirectoryItem<K>[]> => {
      if (!expr) return [];
      const found = kind === 'users' ? graph.searchUsers(expr, top, signal) : graph.searchGroups(expr, top, signal);
      return (await found) as DirectoryItem<K>[];
    },
    [expr, kind, top],
  );
  return { search, active: expr !== undefined, results, settled: search === typed && !results.loading && !results.error };
}
