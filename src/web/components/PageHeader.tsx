import { Anchor, Breadcrumbs, Group, Stack, Text, Title } from '@mantine/core';
import { type ComponentProps, type ReactNode, useEffect } from 'react';
import { Link } from 'react-router';

export interface Crumb {
  label: string;
  to?: string;
}

/** Breadcrumbs from the admin center down: each step a label, or [label, address] when it links. */
export const adminCrumbs = (...trail: (string | [label: string, to: string])[]): Crumb[] => [
  { label: 'Admin center', to: '/admin' },
  ...trail.map((c) => (typeof c === 'string' ? { label: c } : { label: c[0], to: c[1] })),
];

/** Page title (also the document title), optional breadcrumbs, description and actions. */
export function PageHeader({
  title,
  description,
  crumbs,
  actions,
}: {
  title: string;
  description?: ReactNode;
  crumbs?: Crumb[];
  actions?: ReactNode;
}) {
  useEffect(() => {
    document.title = `${title} · Portico`;
  }, [title]);
  return (
    <Stack gap={6} mb="lg">
      {crumbs && crumbs.length > 0 && (
        <Breadcrumbs aria-label="Breadcrumb" separator="›" fz="sm">
          {crumbs.map((c) =>
            c.to ? (
              <Anchor component={Link} to={c.to} key={c.label} fz="sm">
                {c.label}
              </Anchor>
            ) : (
              <Text key={c.label} fz="sm" c="dimmed">
                {c.label}
              </Text>
            ),
          )}
        </Breadcrumbs>
      )}
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Title order={1} fz={{ base: 22, sm: 26 }} style={{ wordBreak: 'break-word' }}>
          {title}
        </Title>
        {actions && <Group gap="xs">{actions}</Group>}
      </Group>
      {description && (
        <Text c="dimmed" size="sm" maw={760}>
          {description}
        </Text>
      )}
    </Stack>
  );
}

/** A page of one form or one set of settings: its header, then a column `maw` wide. */
export function NarrowPage({
  maw,
  children,
  ...header
}: ComponentProps<typeof PageHeader> & { maw: number; children: ReactNode }) {
  return (
    <Stack maw={maw}>
      <PageHeader {...header} />
      {children}
    </Stack>
  );
}
