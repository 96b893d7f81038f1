import { Badge, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type ComponentProps, type FormEvent, type ReactNode, useState } from 'react';
import type { AppAccessRequestStatus, GroupJoinRequestStatus } from '../../../contracts/requests';
import { type Paged, useAction } from '../../api/hooks';
import { PagedTable } from '../../components/DataTable';
import { DialogActions, LongText } from '../../components/Forms';
import { ErrorAlert } from '../../components/States';
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

/** Who asked, when, and why: the cell of a request row that an approver reads. */
export function RequestSummaryCell({
  request: r,
}: {
  request: {
    requesterDisplayName: string;
    requesterUserPrincipalName: string | null;
    createdDateTime: string;
    justification: string | null;
  };
}) {
  return (
    <Table.Td>
      <Stack gap={2}>
        <Text size="sm" fw={600}>
          {r.requesterDisplayName}
        </Text>
        {r.requesterUserPrincipalName && (
          <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
            {r.requesterUserPrincipalName}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {formatDateTime(r.createdDateTime)}
        </Text>
        {r.justification && (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="request-justification">
            {r.justification}
          </Text>
        )}
      </Stack>
    </Table.Td>
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
 * A dialog that asks for one text (a reason, a justification) and sends it: checked against `field`
 * (required or not, its length), then `onSubmit` with the trimmed text. The server's refusal stays in
 * the dialog; a success closes it.
 */
export function ReasonDialog({
  opened,
  title,
  intro,
  field: { noun, required, max, ...textarea },
  submitLabel,
  onClose,
  onSubmit,
}: {
  opened: boolean;
  title: string;
  intro: ReactNode;
  field: {
    label: string;
    /** The text's name in a problem ("Enter a reason"). */
    noun: string;
    required: boolean;
    max: number;
    description?: string;
    minRows: number;
    testId: string;
  };
  submitLabel: string;
  onClose: () => void;
  onSubmit: (text: string) => Promise<unknown>;
}) {
  const [text, setText] = useState('');
  const action = useAction();
  const close = () => {
    setText('');
    action.clearError();
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = textProblem(text, noun, required, max);
    if (problem) return action.setError(problem);
    if (await action.run(() => onSubmit(text.trim()))) close();
  };
  return (
    <Modal opened={opened} onClose={close} title={title} centered>
      <form onSubmit={submit} noValidate aria-label={title}>
        <Stack>
          <Text size="sm">{intro}</Text>
          <LongText
            label={textarea.label}
            description={textarea.description}
            required={required}
            value={text}
            onChange={setText}
            minRows={textarea.minRows}
            maxLength={max}
            data-testid={textarea.testId}
          />
          <DialogActions error={action.error} busy={action.busy} submitLabel={submitLabel} onCancel={close} />
        </Stack>
      </form>
    </Modal>
  );
}

/** What a request dialog tells its page: it closed, or the request was made (with the server's answer). */
export interface RequestedProps<R> {
  onClose: () => void;
  onRequested: (r: R) => void;
}

/**
 * A ReasonDialog that asks for one thing: open while `target` is set, titled after it, and on submit
 * `send`s the request for it and hands the server's answer to `onRequested`.
 */
export function RequestDialog<T, R>({
  target,
  title,
  send,
  onRequested,
  ...dialog
}: Omit<ComponentProps<typeof ReasonDialog>, 'opened' | 'title' | 'onSubmit'> &
  RequestedProps<R> & {
    target: T | undefined;
    title: (target: T) => string;
    send: (target: T, text: string) => Promise<R>;
  }) {
  return (
    <ReasonDialog
      {...dialog}
      opened={target !== undefined}
      title={target ? title(target) : ''}
      onSubmit={async (text) => target && onRequested(await send(target, text))}
    />
  );
}

/** Approve (reason optional) or deny / reject (reason required) a request, in a ReasonDialog. */
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
  const approving = decision?.kind === 'approve';
  return (
    <ReasonDialog
      opened={decision !== undefined}
      title={decision ? `${approving ? 'Approve' : denyWord} the request of ${decision.requester}` : ''}
      intro={
        approving
          ? `${decision?.requester} gets ${decision?.target}. They are told by e-mail.`
          : `${decision?.requester} does not get ${decision?.target}. They are told by e-mail, with your reason.`
      }
      field={{
        label: approving ? 'Reason (optional)' : 'Reason',
        noun: 'a reason',
        required: !approving,
        max: REQUEST_LIMITS.reason,
        minRows: 2,
        testId: 'decision-reason',
      }}
      submitLabel={approving ? 'Approve' : denyWord}
      onClose={onClose}
      onSubmit={(reason) => onDecide(reason || null)}
    />
  );
}

/** The Approve / Deny pair of a pending request's row. */
function DecisionButtons({
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

/** A request that a user decides on: who asked. */
interface DecidableRequest {
  id: string;
  requesterDisplayName: string;
}

/**
 * Approve / deny (or reject) of the requests in a list:
 * `buttons` draws Approve / Deny of a request (`label` says whose, for assistive technology),
 * `dialog` asks for the reason; after the server's answer, a notice (`told` words it, given
 * "approved" or "denied" / "rejected") and `onDecided`.
 */
export function useDecisions<R extends DecidableRequest>({
  denyWord,
  target,
  approve,
  deny,
  told,
  onDecided,
}: {
  denyWord: 'Deny' | 'Reject';
  /** What the requester gets ("access to …", "a place in …"). */
  target: (request: R) => string;
  approve: (id: string, reason: string | null) => Promise<unknown>;
  deny: (id: string, reason: string) => Promise<unknown>;
  told: (request: R, outcome: string) => string;
  onDecided: () => void;
}) {
  const [deciding, setDeciding] = useState<{ request: R; decision: Decision }>();
  const open = (request: R, kind: Decision['kind']) =>
    setDeciding({ request, decision: { kind, target: target(request), requester: request.requesterDisplayName } });
  const decide = async (reason: string | null) => {
    if (!deciding) return;
    const { request, decision } = deciding;
    if (decision.kind === 'approve') await approve(request.id, reason);
    else await deny(request.id, reason ?? '');
    const outcome = decision.kind === 'approve' ? 'approved' : denyWord === 'Deny' ? 'denied' : 'rejected';
    notifications.show({ color: 'green', message: told(request, outcome) });
    onDecided();
  };
  const dialog = (
    <DecisionDialog decision={deciding?.decision} denyWord={denyWord} onClose={() => setDeciding(undefined)} onDecide={decide} />
  );
  const buttons = (request: R, label: string) => (
    <DecisionButtons
      label={label}
      denyWord={denyWord}
      onApprove={() => open(request, 'approve')}
      onDeny={() => open(request, 'deny')}
    />
  );
  return { buttons, dialog };
}

/** A request of the signed-in user, as its own list shows it. */
interface OwnRequest {
  id: string;
  status: AppAccessRequestStatus | GroupJoinRequestStatus;
  createdDateTime: string;
  decidedByDisplayName: string | null;
  decisionReason: string | null;
}

/**
 * The signed-in user's requests: what was asked for (`subject`, the first column), when, its status
 * and decision, and Cancel request while pending (`cancel`; `canceled` words the notice).
 */
export function MyRequestsTable<R extends OwnRequest>({
  paged,
  subject,
  cancel,
  onCanceled,
  ...table
}: {
  paged: Paged<R>;
  empty: { title: string };
  columns: ReactNode[];
  testId: string;
  subject: (request: R) => ReactNode;
  cancel: {
    run: (id: string) => Promise<unknown>;
    /** The button's name for assistive technology. */
    label: (request: R) => string;
    canceled: (request: R) => string;
  };
  onCanceled?: () => void;
}) {
  const action = useAction();
  const run = async (r: R) => {
    if (await action.run(() => cancel.run(r.id), r.id)) {
      notifications.show({ color: 'green', message: cancel.canceled(r) });
      paged.reload();
      onCanceled?.();
    }
  };
  return (
    <>
      <ErrorAlert error={action.error} onClose={action.clearError} />
      <PagedTable
        paged={paged}
        label="My requests"
        minWidth={560}
        {...table}
        row={(r) => (
          <Table.Tr key={r.id}>
            {subject(r)}
            <Table.Td>{formatDateTime(r.createdDateTime)}</Table.Td>
            <Table.Td>
              <StatusBadge status={r.status} />
              <DecisionNote by={r.status === 'canceled' ? null : r.decidedByDisplayName} reason={r.decisionReason} />
            </Table.Td>
            <Table.Td>
              {r.status === 'pending' && (
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  loading={action.running === r.id}
                  onClick={() => run(r)}
                  aria-label={cancel.label(r)}
                >
                  Cancel request
                </Button>
              )}
            </Table.Td>
          </Table.Tr>
        )}
      />
    </>
  );
}
