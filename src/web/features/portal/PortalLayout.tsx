import { Anchor, AppShell, Group } from '@mantine/core';
import { Link, Outlet, useLocation } from 'react-router';
import { Brand } from '../../components/Brand';
import { UserMenu } from '../../components/UserMenu';

const LINKS: [string, string][] = [
  ['Apps', '/myapps'],
  ['Groups', '/mygroups'],
];

/** The end-user portal frame: My Apps and My Groups. */
export function PortalLayout() {
  const { pathname } = useLocation();
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Brand area="My Apps" to="/myapps" />
            <Group gap="md" component="nav" aria-label="Portal" wrap="nowrap">
              {LINKS.map(([label, to]) => {
                const active = pathname === to || pathname.startsWith(`${to}/`);
                return (
                  <Anchor
                    key={to}
                    component={Link}
                    to={to}
                    fw={active ? 700 : 500}
                    c={active ? 'blue.8' : 'dark.6'}
                    underline={active ? 'always' : 'hover'}
                    aria-current={active ? 'page' : undefined}
                  >
                    {label}
                  </Anchor>
                );
              })}
            </Group>
          </Group>
          <UserMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Main maw={1100} mx="auto">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
