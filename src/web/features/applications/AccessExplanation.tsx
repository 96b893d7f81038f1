import { Alert, Badge, Group, List, Stack, Text, Title } from '@mantine/core';
import type { AccessPath, MembershipStep } from '../../../contracts/access-explanation';
import { type AccessExplanation, graph } from '../../api/graph';
import { useLoad } from '../../api/hooks';
import { ErrorNotice, Loading } from '../../components/States';

const day = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleDateString() : '');

/** One membership in plain words: "Ada is in Sales (added by Olive on 1/2/2026)". */
export function membershipSentence(step: MembershipStep): string {
  const by = step.by?.displayName ? ` by ${step.by.displayName}` : '';
  const when = ` on ${day(step.dateTime)}`;
  const how = {
    added: `added${by}${when}`,
    dynamicRule: `selected by the group's rule ${step.membershipRule ?? ''}`.trim(),
    joined: `joined this open group themselves${when}`,
    joinRequest: `request to join approved${by}${when}`,
    accessRequest: step.by ? `access request approved${by}${when}` : `access request granted at once${when}`,
    invitation: `invited as a guest into the group${by}${when}`,
    unknown: `member since ${day(step.dateTime)}; no record says who added them`,
  }[step.origin];
  const justification = step.justification ? ` — “${step.justification}”` : '';
  return `${step.memberDisplayName ?? step.memberId} is in ${step.group.displayName}${step.group.membershipType === 'dynamic' ? ' (dynamic group)' : ''}: ${how}${justification}.`;
}

function PathItem({ path }: { path: AccessPath }) {
  const title = path.kind === 'direct' ? 'Assigned directly' : `Through the group ${path.groupDisplayName}`;
  return (
    <List.Item>
      <Stack gap={2}>
        <Group gap="xs">
          <Text fw={600}>{title}</Text>
          <Badge size="sm" variant="light" color={path.counts ? 'green' : 'gray'}>
            {path.counts ? 'Grants access' : 'Does not count'}
          </Badge>
        </Group>
        <Text size="sm">
          Role {path.appRoleDisplayName}, assigned on {day(path.assignedDateTime)}
          {path.assignedBy?.displayName ? ` by ${path.assignedBy.displayName}` : ''}.
        </Text>
        {path.kind === 'group' && (
          <List size="sm" type="ordered" aria-label={`How this path was made: ${title}`}>
            {path.memberships.map((m) => (
              <List.Item key={`${m.memberId} ${m.group.id}`}>{membershipSentence(m)}</List.Item>
            ))}
          </List>
        )}
        {!path.counts && (
          <Text size="sm" c="dimmed">
            Nested groups do not pass access on: only direct members of the assigned group get it.
          </Text>
        )}
      </Stack>
    </List.Item>
  );
}

/** The explanation itself: the verdict, every way in, and the notes, in plain words. */
export function AccessExplanationView({ explanation: e, self }: { explanation: AccessExplanation; self?: boolean }) {
  const invitation = e.user.invitation;
  return (
    <Stack gap="sm" data-testid="access-explanation">
      <Alert color={e.hasAccess ? 'green' : 'orange'} title={e.hasAccess ? 'Has access' : 'No access'} role="status">
        {e.reasonText}
      </Alert>
      {invitation && (
        <Text size="sm">
          {self ? 'You were' : `${e.user.displayName} was`} invited
          {invitation.invitedBy?.displayName ? ` by ${invitation.invitedBy.displayName}` : ''} on{' '}
          {day(invitation.invitedDateTime)}
          {invitation.redeemedDateTime ? `, and accepted on ${day(invitation.redeemedDateTime)}.` : ', and has not accepted yet.'}
        </Text>
      )}
      <Title order={3} fz="md">
        {e.paths.length ? 'Ways in' : 'No way in'}
      </Title>
      {e.paths.length ? (
        <List spacing="sm" aria-label="Ways in">
          {e.paths.map((p) => (
            <PathItem
              key={`${p.kind} ${p.assignmentPrincipalId} ${p.appRoleId} ${p.kind === 'group' ? p.memberships.map((m) => m.group.id).join('>') : ''}`}
              path={p}
            />
          ))}
        </List>
      ) : (
        <Text size="sm" c="dimmed">
          {self ? 'You are' : `${e.user.displayName} is`} not assigned to {e.appDisplayName}, directly or through a group.
        </Text>
      )}
      {e.notes.map((n) => (
        <Text key={n} size="sm" c="dimmed">
          {n}
        </Text>
      ))}
    </Stack>
  );
}

/** Loads and shows an explanation: the signed-in user's (`userId` absent) or another user's. */
export function AccessExplanationPanel({ servicePrincipalId, userId }: { servicePrincipalId: string; userId?: string }) {
  const loaded = useLoad(
    (signal) =>
      userId === undefined
        ? graph.myAccessExplanation(servicePrincipalId, signal)
        : graph.accessExplanation(servicePrincipalId, userId, signal),
    [servicePrincipalId, userId],
  );
  if (loaded.error && !loaded.loading) return <ErrorNotice error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading label="Finding every way in…" />;
  return <AccessExplanationView explanation={loaded.data} self={userId === undefined} />;
}
