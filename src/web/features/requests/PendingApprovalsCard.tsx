import { Anchor, Card, Group, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { PendingApprovals } from '../../api/graph';
import { CountBadge } from './RequestsUi';
import { pendingTotal } from './requestLogic';

/**
 * My Apps' "Approvals" card, for approvers and owners: how many requests wait for the user's
 * decision (the badge), with a way to each application's requests and to My Groups' approvals.
 * Nothing for people who decide nothing.
 */
export function PendingApprovalsCard({ approvals }: { approvals: PendingApprovals | undefined }) {
  if (!approvals || (approvals.applications.length === 0 && approvals.groups.length === 0)) return null;
  const total = pendingTotal(approvals);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="approvals-title" data-testid="pending-approvals">
      <Group justify="space-between" wrap="nowrap">
        <Text fw={600} id="approvals-title">
          Approvals
        </Text>
        <CountBadge count={total} label="requests wait for your decision" testId="pending-approvals-count" />
      </Group>
      <Text size="sm" c="dimmed">
        {total === 0
          ? 'Nothing waits for your decision.'
          : `${total} ${total === 1 ? 'request waits' : 'requests wait'} for your decision.`}
      </Text>
      <Stack gap={2} mt={6}>
        {approvals.applications.map((a) => (
          <Anchor key={a.id} component={Link} to={`/myapps/manage/${a.id}?view=requests`} size="sm">
            {a.displayName}
            {a.pendingCount ? ` (${a.pendingCount})` : ''}
          </Anchor>
        ))}
        {approvals.groupJoinRequests > 0 && (
          <Anchor component={Link} to="/mygroups?view=approvals" size="sm">
            Requests to join your groups ({approvals.groupJoinRequests})
          </Anchor>
        )}
      </Stack>
    </Card>
  );
}
