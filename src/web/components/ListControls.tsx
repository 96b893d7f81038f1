import { Button, type ButtonProps, Group, Stack, Table, TextInput } from '@mantine/core';
import { type ComponentProps, type ReactNode, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useDebounced, usePaged } from '../api/hooks';
import { searchExpression } from '../api/odata';
import { LinkCell, PagedTable } from './DataTable';
import { PageHeader } from './PageHeader';

/** How many objects a page of an admin list shows. */
export const LIST_PAGE_SIZE = 20;

/** A text kept in the page's address (`?q=…`), so that a search survives a reload and the Back button. */
export function useQueryParam(name: string): [string, (value: string) => void] {
  const [params, setParams] = useSearchParams();
  const [value, setValue] = useState(params.get(name) ?? '');
  const set = (v: string) => {
    setValue(v);
    setParams(
      (p) => {
        if (v) p.set(name, v);
        else p.delete(name);
        return p;
      },
      { replace: true },
    );
  };
  return [value, set];
}

/**
 * The search of a list page: the text in the box (kept in the address as `?q=`), the text searched
 * for once typing paused, and the `$search` expression over `fields` (undefined while blank).
 */
export function useListSearch(fields: readonly string[]) {
  const [term, setTerm] = useQueryParam('q');
  const search = useDebounced(term.trim(), 300);
  return { term, setTerm, search, expr: searchExpression(fields, search) };
}

/** The search box above a list. */
export function ListSearch({
  label,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <TextInput
      label={label}
      placeholder={placeholder}
      type="search"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      w={{ base: '100%', sm: 340 }}
    />
  );
}

/** A row of buttons of which one is pressed: a filter with a few values (All users / Members / Guests). */
export function FilterButtons<T extends string>({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: readonly (readonly [value: T, text: string])[];
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <Group gap={4} role="group" aria-label={label}>
      {options.map(([v, text]) => (
        <Button
          key={v || 'all'}
          size="xs"
          variant={value === v ? 'filled' : 'default'}
          onClick={() => onChange(v)}
          aria-pressed={value === v}
        >
          {text}
        </Button>
      ))}
    </Group>
  );
}

/** A button that leads to another page of the SPA (New user, Invite external user, Cancel…). */
export function LinkButton({ to, variant, children }: { to: string; variant?: ButtonProps['variant']; children: ReactNode }) {
  return (
    <Button component={Link} to={to} variant={variant}>
      {children}
    </Button>
  );
}

/** A list page of the admin center: its header, the search box (and filters) above the list. */
export function ListPage({
  header,
  search,
  filters,
  children,
}: {
  header: ComponentProps<typeof PageHeader>;
  search: ComponentProps<typeof ListSearch>;
  /** FilterButtons beside the search box. */
  filters?: ReactNode;
  /** The list, and whatever goes with it (a notice, a dialog). */
  children: ReactNode;
}) {
  return (
    <Stack>
      <PageHeader {...header} />
      <Group align={filters ? 'flex-end' : undefined}>
        <ListSearch {...search} />
        {filters}
      </Group>
      {children}
    </Stack>
  );
}

/**
 * An admin list of directory objects: the page header, a search over `fields` (kept in the address),
 * the server-paged table, and what an empty list says. `url` builds the request from the `$search`
 * expression; `filters` sit beside the search box. A row starts with the object's name, a link to
 * `{detailPath}/{id}`, followed by its `cells`.
 */
export function SearchListPage<T extends { id: string; displayName: string }>({
  header,
  search: { fields, ...box },
  url,
  filters,
  empty,
  detailPath,
  cells,
  ...table
}: {
  header: ComponentProps<typeof PageHeader>;
  search: { label: string; placeholder: string; fields: readonly string[] };
  url: (expr: string | undefined) => string;
  filters?: ReactNode;
  /** `noun`: "No <noun> match …" / "No <noun> yet"; the descriptions without and with a search. */
  empty: { noun: string; description: string; whenSearching?: string };
  label: string;
  columns: ReactNode[];
  minWidth: number;
  testId: string;
  /** The details page of an object is `{detailPath}/{id}`. */
  detailPath: string;
  /** The cells after the name. */
  cells: (item: T) => ReactNode;
}) {
  const { term, setTerm, search, expr } = useListSearch(fields);
  const paged = usePaged<T>(url(expr), { eventual: true });
  return (
    <ListPage header={header} search={{ ...box, value: term, onChange: setTerm }} filters={filters}>
      <PagedTable
        paged={paged}
        empty={{
          title: search ? `No ${empty.noun} match “${search}”` : `No ${empty.noun} yet`,
          description: search ? empty.whenSearching : empty.description,
        }}
        highlight
        row={(item) => (
          <Table.Tr key={item.id}>
            <LinkCell to={`${detailPath}/${item.id}`} label={item.displayName} />
            {cells(item)}
          </Table.Tr>
        )}
        {...table}
      />
    </ListPage>
  );
}
