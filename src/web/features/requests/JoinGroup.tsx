import { Badge, Button, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { type GroupJoinRequest, type Group as GroupT, graph } from '../../api/graph';
import { useAction } from '../../api/hooks';
import { ErrorAlert } from '../../components/States';
import { RequestDialog, type RequestedProps } from './RequestsUi';
import { JOIN_LABELS, type JoinState, joinState, REQUEST_LIMITS } from './requestLogic';

/** The outcome of joining, in words. */
const joinedMessage = (r: GroupJoinRequest): string =>
  r.status === 'approved'
    ? `You joined ${r.groupDisplayName}.`
    : `Your request to join ${r.groupDisplayName} was sent to its owners.`;

/**
 * Join group (open groups: at once) or Request to join (a dialog for the reason; an owner decides),
 * or a word on why neither is possible. `onJoined` runs after a success.
 */
export function JoinAction({
  group,
  isMember,
  pending,
  onJoined,
}: {
  group: GroupT;
  isMember: boolean;
  pending: boolean;
  onJoined: (r: GroupJoinRequest) => void;
}) {
  const state: JoinState = joinState(group, isMember, pending);
  const join = useAction();
  const [asking, setAsking] = useState(false);
  const done = (r: GroupJoinRequest) => {
    notifications.show({ color: 'green', message: joinedMessage(r) });
    onJoined(r);
  };
  const joinNow = async () => {
    let r: GroupJoinRequest | undefined;
    const ok = await join.run(async () => {
      r = await graph.joinGroup(group.id, null);
    });
    if (ok && r) done(r);
  };
  if (state === 'join' || state === 'request') {
    return (
      <Stack gap={4} align="flex-start">
        <Button
          size="xs"
          onClick={state === 'join' ? joinNow : () => setAsking(true)}
          loading={join.busy}
          aria-label={`${JOIN_LABELS[state]} ${group.displayName}`}
          data-testid="join-group"
        >
          {JOIN_LABELS[state]}
        </Button>
        <ErrorAlert error={join.error} onClose={join.clearError} />
        <RequestToJoinDialog group={asking ? group : undefined} onClose={() => setAsking(false)} onRequested={done} />
      </Stack>
    );
  }
  return (
    <Badge variant="light" color={state === 'pending' ? 'yellow' : state === 'member' ? 'green' : 'gray'}>
      {JOIN_LABELS[state]}
    </Badge>
  );
}

/** "Request to join" with an optional reason that the owners read. */
function RequestToJoinDialog({ group, ...props }: { group: GroupT | undefined } & RequestedProps<GroupJoinRequest>) {
  return (
    <RequestDialog
      target={group}
      title={(g) => `Request to join ${g.displayName}`}
      intro="An owner of the group approves or rejects your request; you are told by e-mail."
      field={{
        label: 'Reason for joining (optional)',
        noun: 'a reason',
        required: false,
        max: REQUEST_LIMITS.justification,
        minRows: 2,
        testId: 'join-reason',
      }}
      submitLabel="Send request"
      send={(g, reason) => graph.joinGroup(g.id, reason || null)}
      {...props}
    />
  );
}
