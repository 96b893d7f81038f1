import { Avatar, Menu, Text, UnstyledButton } from '@mantine/core';
import { Link } from 'react-router';
import { isAdminRoleSet, useProfile } from '../app/profile';
import { signOut } from '../auth/session';

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join('');

/** The signed-in person, links between the portal and the admin center, and Sign out. */
export function UserMenu() {
  const { me, roles } = useProfile();
  const name = me.data?.displayName ?? 'Account';
  const admin = isAdminRoleSet(roles.data ?? []);
  return (
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`Account menu for ${name}`} data-testid="user-menu">
          <Avatar color="blue" radius="xl" size={34}>
            {initials(name) || '?'}
          </Avatar>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)">
            {name}
          </Text>
          <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
            {me.data?.userPrincipalName}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item component={Link} to="/myapps">
          My Apps
        </Menu.Item>
        <Menu.Item component={Link} to="/mygroups">
          My Groups
        </Menu.Item>
        {admin && (
          <Menu.Item component={Link} to="/admin">
            Admin center
          </Menu.Item>
        )}
        <Menu.Divider />
        <Menu.Item onClick={() => void signOut()} data-testid="sign-out">
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
