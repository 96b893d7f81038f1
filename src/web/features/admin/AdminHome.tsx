import { Anchor, Card, SimpleGrid, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { graph } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { PageHeader } from '../../components/PageHeader';

const tiles: [string, string, string][] = [
  ['Users', '/admin/users', 'Create, edit, disable and delete the people in your directory.'],
  ['All groups', '/admin/groups', 'Security and Microsoft 365 groups, their members and owners.'],
  ['Group settings', '/admin/groups/settings', 'Self-service group management in My Groups.'],
  ['Enterprise applications', '/admin/applications', 'Single sign-on (OpenID Connect, SAML) and who may use each app.'],
  ['Roles and administrators', '/admin/roles', 'Who holds which administrator role.'],
  ['External collaboration settings', '/admin/external-collaboration', 'Who may invite guests and what guests can see.'],
  ['Organization', '/admin/organization', 'Name, privacy statement and contacts.'],
  ['Audit logs', '/admin/audit', 'Every change made in the directory, newest first.'],
];

export function AdminHome() {
  const org = useLoad(() => graph.organization(), []);
  return (
    <Stack>
      <PageHeader title="Admin center" description={org.data ? `Organization: ${org.data.displayName}` : undefined} />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {tiles.map(([label, to, text]) => (
          <Card key={to} withBorder padding="md">
            <Anchor component={Link} to={to} fw={600}>
              {label}
            </Anchor>
            <Text size="sm" c="dimmed" mt={4}>
              {text}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
