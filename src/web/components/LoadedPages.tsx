// Pages that show one loaded thing: an object of the directory (DetailPage) or a settings policy (SettingsPage).
import { Paper, Stack } from '@mantine/core';
import type { ComponentProps, ReactNode } from 'react';
import { useParams } from 'react-router';
import { type Loaded, useLoad } from '../api/hooks';
import { type Blade, BladeTabs } from './BladeTabs';
import { adminCrumbs, NarrowPage, PageHeader } from './PageHeader';
import { Properties, type PropertyItem } from './Properties';
import { Async } from './States';

/**
 * The page of one directory object in the admin center (`:id` of the route): loaded by `load`,
 * titled with its display name (`noun` while loading), under the list it belongs to (`parent`:
 * its name and address). `children` draws the loaded object; `state` reloads or replaces it.
 */
export function DetailPage<T extends { displayName: string }>({
  load,
  noun,
  parent,
  children,
}: {
  load: (id: string) => Promise<T>;
  noun: string;
  parent: [name: string, to: string];
  children: (item: T, state: Loaded<T>) => ReactNode;
}) {
  const { id = '' } = useParams();
  const state = useLoad(() => load(id), [id]);
  const title = state.data?.displayName ?? noun;
  return (
    <Stack>
      <PageHeader title={title} crumbs={adminCrumbs(parent, title)} />
      <Async state={state}>{(item) => children(item, state)}</Async>
    </Stack>
  );
}

/**
 * A DetailPage drawn as blades at `{parent's address}/{id}/<blade>`: first the Overview, a card of
 * the loaded object's `overview` properties, then its `blades`.
 */
export function BladesDetailPage<T extends { id: string; displayName: string }>({
  overview,
  blades,
  ...page
}: Omit<ComponentProps<typeof DetailPage<T>>, 'children'> & {
  overview: (item: T) => PropertyItem[];
  blades: (item: T, state: Loaded<T>) => Blade[];
}) {
  const overviewBlade = (item: T): Blade => ({
    value: 'overview',
    label: 'Overview',
    content: (
      <Paper withBorder p="md">
        <Properties items={overview(item)} />
      </Paper>
    ),
  });
  return (
    <DetailPage {...page}>
      {(item, state) => (
        <BladeTabs base={`${page.parent[1]}/${item.id}`} blades={[overviewBlade(item), ...blades(item, state)]} />
      )}
    </DetailPage>
  );
}

/**
 * A settings page of the admin center: its header, then the settings that `load` reads, drawn by
 * `children` (given the state, to replace or reload them) while `footer` follows. A reload shows
 * the loading state again, so that the form starts over from what the server says.
 */
export function SettingsPage<T>({
  header,
  maw,
  load,
  children,
  footer,
}: {
  header: ComponentProps<typeof PageHeader>;
  maw: number;
  load: () => Promise<T>;
  children: (settings: T, state: Loaded<T>) => ReactNode;
  footer?: ReactNode;
}) {
  const state = useLoad(load, []);
  return (
    <NarrowPage maw={maw} {...header}>
      <Async state={{ ...state, data: state.loading ? undefined : state.data }}>{(s) => children(s, state)}</Async>
      {footer}
    </NarrowPage>
  );
}
