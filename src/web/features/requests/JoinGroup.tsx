import { Badge, Button, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { type GroupJoinRequest, type Group as GroupT, graph } from '../../api/graph';
import { useAction } from '../../api/hooks';
import { DialogActions } from '../../components/Forms';
import { ErrorAlert } from '../../components/States';
import { JOIN_LABELS, type JoinState, joinState, REQUEST_LIMITS, textProblem } from './requestLogic';

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
function RequestToJoinDialog({
  group,
  onClose,
  onRequested,
}: {
  group: GroupT | undefined;
  onClose: () => void;
  onRequested: (r: GroupJoinRequest) => void;
}) {
  const [reason, setReason] = useState('');
  const action = useAction();
  const close = () => {
    setReason('');
    action.clearError();
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!group) return;
    const problem = textProblem(reason, 'a reason', false, REQUEST_LIMITS.justification);
    if (problem) return action.setError(problem);
    let made: GroupJoinRequest | undefined;
    const ok = await action.run(async () => {
      made = await graph.joinGroup(group.id, reason.trim() || null);
    });
    if (ok && made) {
      onRequested(made);
      close();
    }
  };
  const title = group ? `Request to join ${group.displayName}` : '';
  return (
    <Modal opened={group !== undefined} onClose={close} title={title} centered>
      <form onSubmit={submit} noValidate aria-label={title}>
        <Stack>
          <Text size="sm">An owner of the group approves or rejects your request; you are told by e-mail.</Text>
          <Textarea
            label="Reason for joining (optional)"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={REQUEST_LIMITS.justification}
            data-testid="join-reason"
          />
          <DialogActions error={action.error} busy={action.busy} submitLabel="Send request" onCancel={close} />
        </Stack>
      </form>
    </Modal>
  );
}
