import { Badge, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import type { AppAccessRequestStatus, GroupJoinRequestStatus } from '../../../contracts/requests';
import { useAction } from '../../api/hooks';
import { DialogActions } from '../../components/Forms';
import { formatDateTime } from '../audit/AuditTable';
import { REQUEST_LIMITS, statusBadge, textProblem } from './requestLogic';

/** A request's status as a badge. */
export function StatusBadge({ status }: { status: AppAccessRequestStatus | GroupJoinRequestStatus }) {
  const b = statusBadge(status);
  return (
    <Badge variant="light" color={b.color} data-testid="request-status">
      {b.label}
    </Badge>
  );
}

/** Who asked, when, and why: the first cells of a request row. */
export function RequestSummary({
  name,
  login,
  created,
  justification,
}: {
  name: string;
  login: string | null;
  created: string;
  justification: string | null;
}) {
  return (
    <Stack gap={2}>
      <Text size="sm" fw={600}>
        {name}
      </Text>
      {login && (
        <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
          {login}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {formatDateTime(created)}
      </Text>
      {justification && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="request-justification">
          {justification}
        </Text>
      )}
    </Stack>
  );
}

/** What was decided, by whom and why (for decided requests). */
export function DecisionNote({ by, reason }: { by: string | null; reason: string | null }) {
  if (!by && !reason) return null;
  return (
    <Text size="xs" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
      {by ? `By ${by}` : ''}
      {by && reason ? ': ' : ''}
      {reason}
    </Text>
  );
}

export interface Decision {
  kind: 'approve' | 'deny';
  /** Name of what is asked for and of who asks, for the dialog's words. */
  target: string;
  requester: string;
}

/**
 * Approve (reason optional) or deny / reject (reason required) a request, in a dialog. The
 * server's refusal (already decided, changed meanwhile…) stays in the dialog.
 */
export function DecisionDialog({
  decision,
  denyWord,
  onClose,
  onDecide,
}: {
  decision: Decision | undefined;
  /** "Deny" (applications) or "Reject" (groups). */
  denyWord: 'Deny' | 'Reject';
  onClose: () => void;
  onDecide: (reason: string | null) => Promise<unknown>;
}) {
  const [reason, setReason] = useState('');
  const action = useAction();
  const approving = decision?.kind === 'approve';
  const close = () => {
    setReason('');
    action.clearError();
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = textProblem(reason, 'a reason', !approving, REQUEST_LIMITS.reason);
    if (problem) return action.setError(problem);
    if (await action.run(() => onDecide(reason.trim() || null))) close();
  };
  const title = decision ? `${approving ? 'Approve' : denyWord} the request of ${decision.requester}` : '';
  return (
    <Modal opened={decision !== undefined} onClose={close} title={title} centered>
      <form onSubmit={submit} noValidate aria-label={title}>
        <Stack>
          <Text size="sm">
            {approving
              ? `${decision?.requester} gets ${decision?.target}. They are told by e-mail.`
              : `${decision?.requester} does not get ${decision?.target}. They are told by e-mail, with your reason.`}
          </Text>
          <Textarea
            label={approving ? 'Reason (optional)' : 'Reason'}
            required={!approving}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={REQUEST_LIMITS.reason}
            data-testid="decision-reason"
          />
          <DialogActions
            error={action.error}
            busy={action.busy}
            submitLabel={approving ? 'Approve' : denyWord}
            onCancel={close}
          />
        </Stack>
      </form>
    </Modal>
  );
}

/** The Approve / Deny pair of a pending request's row. */
export function DecisionButtons({
  label,
  denyWord,
  onApprove,
  onDeny,
}: {
  /** Whose request, for assistive technology. */
  label: string;
  denyWord: 'Deny' | 'Reject';
  onApprove: () => void;
  onDeny: () => void;
}) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Button size="xs" onClick={onApprove} aria-label={`Approve ${label}`}>
        Approve
      </Button>
      <Button size="xs" variant="default" color="red" onClick={onDeny} aria-label={`${denyWord} ${label}`}>
        {denyWord}
      </Button>
    </Group>
  );
}

/** A count in a round badge (pending decisions), or nothing for zero. */
export function CountBadge({ count, label, testId }: { count: number; label: string; testId?: string }): ReactNode {
  if (count <= 0) return null;
  return (
    <Badge circle={count < 10} color="red" size="md" aria-label={`${count} ${label}`} data-testid={testId}>
      {count}
    </Badge>
  );
}
