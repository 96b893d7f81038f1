import { Anchor, Button, type ButtonProps, Table, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Paged } from '../api/hooks';
import { PagedList } from './States';

/**
 * A table of records: scrolls sideways below `minWidth` rather than squeezing its columns.
 * `columns` are the header cells; a null one is a column of actions, named for screen readers only.
 */
export function DataTable({
  columns,
  minWidth,
  testId,
  busy,
  striped = true,
  highlight = false,
  children,
}: {
  columns: ReactNode[];
  minWidth: number;
  testId?: string;
  /** The rows are being reloaded (aria-busy). */
  busy?: boolean;
  striped?: boolean;
  /** Rows light up under the pointer (lists whose rows lead somewhere). */
  highlight?: boolean;
  children: ReactNode;
}) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped={striped} highlightOnHover={highlight} aria-busy={busy} data-testid={testId}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: header cells are positional
              <Table.Th key={i}>{c ?? <VisuallyHidden>Actions</VisuallyHidden>}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The red "Remove" (or "Delete") of a table row; `label` says whom or what it removes. */
export function RemoveButton({
  label,
  onClick,
  children = 'Remove',
  ...props
}: { label: string; onClick: () => void; children?: ReactNode } & Pick<ButtonProps, 'loading' | 'disabled'>) {
  return (
    <Button size="xs" variant="subtle" color="red" onClick={onClick} aria-label={label} {...props}>
      {children}
    </Button>
  );
}

/** A server-paged list shown as a DataTable (see PagedList), `row` drawing each item's row. */
export function PagedTable<T>({
  paged,
  label,
  empty,
  row,
  ...table
}: {
  paged: Paged<T>;
  label: string;
  empty: { title: string; description?: ReactNode };
  row: (item: T) => ReactNode;
  columns: ReactNode[];
  minWidth: number;
  testId?: string;
  highlight?: boolean;
}) {
  return (
    <PagedList paged={paged} label={label} empty={empty}>
      {(items) => (
        <DataTable {...table} busy={paged.loading}>
          {items.map(row)}
        </DataTable>
      )}
    </PagedList>
  );
}

/** A cell whose text links to a page of the SPA (an object's detail), with `children` after the link. */
export function LinkCell({ to, label, children }: { to: string; label: ReactNode; children?: ReactNode }) {
  return (
    <Table.Td>
      <Anchor component={Link} to={to}>
        {label}
      </Anchor>
      {children}
    </Table.Td>
  );
}
