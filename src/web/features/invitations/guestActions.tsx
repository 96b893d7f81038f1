import { Badge, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { graph, type User } from '../../api/graph';
import { useAction } from '../../api/hooks';
import { destructive, useConfirmedAction } from '../../components/Confirm';
import { DialogActions, useFieldProblem } from '../../components/Forms';
import { formatDateTime } from '../audit/AuditTable';
import { emailProblem, invitationStateLabel } from './invitationLogic';

/** "Pending acceptance" (yellow) or "Accepted" (green), with the date of the last change. */
export function InvitationState({
  user,
  withDate = true,
}: {
  user: Pick<User, 'externalUserState' | 'externalUserStateChangeDateTime'>;
  withDate?: boolean;
}) {
  if (!user.externalUserState) return <>—</>;
  const pending = user.externalUserState === 'PendingAcceptance';
  return (
    <Group gap={6} wrap="wrap">
      <Badge variant="light" color={pending ? 'yellow' : 'green'} data-testid="invitation-state">
        {invitationStateLabel(user.externalUserState)}
      </Badge>
      {withDate && user.externalUserStateChangeDateTime && (
        <Text size="xs" c="dimmed">
          since {formatDateTime(user.externalUserStateChangeDateTime)}
        </Text>
      )}
    </Group>
  );
}

type GuestUser = Pick<User, 'id' | 'displayName' | 'mail' | 'userPrincipalName' | 'externalUserState'>;

/**
 * The guest actions of the Guests list and the user's B2B collaboration card: Resend invitation
 * (pending only), Reset redemption status (dialog), Delete. `onChanged` runs after each success.
 */
export function useGuestActions(onChanged: (deleted?: boolean) => void) {
  const action = useConfirmedAction();
  const [resetting, setResetting] = useState<GuestUser>();

  const resend = async (u: GuestUser) => {
    if (await action.run(() => graph.resendInvitation(u.id), `resend:${u.id}`)) {
      notifications.show({ color: 'green', message: `A new invitation was sent to ${u.mail ?? u.displayName}.` });
      onChanged();
    }
  };

  const remove = async (u: GuestUser) => {
    const confirmation = destructive(
      'Delete guest',
      `Delete ${u.displayName} (${u.mail ?? u.userPrincipalName})? They lose access right away and their invitation link stops working.`,
      'Delete',
    );
    if (await action.confirmAndRun(confirmation, () => graph.deleteUser(u.id), `delete:${u.id}`)) {
      notifications.show({ color: 'green', message: `${u.displayName} was deleted.` });
      onChanged(true);
    }
  };

  const dialog = (
    <ResetRedemptionDialog
      user={resetting}
      onClose={() => setResetting(undefined)}
      onDone={() => {
        setResetting(undefined);
        onChanged();
      }}
    />
  );

  return {
    running: action.running,
    error: action.error,
    clearError: action.clearError,
    resend,
    remove,
    reset: setResetting,
    dialog,
  };
}

/**
 * Reset redemption status: the guest keeps their object, groups and roles, gets a new invitation
 * (new link; the old one stops working), optionally at a new e-mail address.
 */
export function ResetRedemptionDialog({
  user,
  onClose,
  onDone,
}: {
  user: GuestUser | undefined;
  onClose: () => void;
  onDone: () => void;
}) {
  const [other, setOther] = useState(false);
  const [address, setAddress] = useState('');
  const [fieldError, setFieldError, clearing] = useFieldProblem();
  const action = useAction();
  const [lastId, setLastId] = useState<string>();
  if (user?.id !== lastId) {
    setLastId(user?.id);
    setOther(false);
    setAddress('');
    setFieldError(undefined);
    action.clearError();
  }
  const current = user?.mail ?? '';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!user) return;
    const to = other ? address.trim() : current;
    const problem = other ? emailProblem(to) : to ? undefined : 'This user has no e-mail address: enter one.';
    if (problem) {
      if (!other) setOther(true);
      setFieldError(problem);
      return;
    }
    const invited = await action.run(() =>
      graph.invite({
        invitedUserEmailAddress: to,
        inviteRedirectUrl: `${window.location.origin}/myapps`,
        sendInvitationMessage: true,
        invitedUser: { id: user.id },
        resetRedemption: true,
      }),
    );
    if (!invited) return;
    notifications.show({ color: 'green', message: `Redemption status reset. A new invitation was sent to ${to}.` });
    onDone();
  };

  return (
    <Modal opened={user !== undefined} onClose={onClose} title="Reset redemption status" size="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">
            {user?.displayName} will have to accept a new invitation. They keep their groups, roles and app access; the old
            invitation link stops working.
          </Text>
          <Checkbox
            label="Use a different e-mail address"
            description={current ? `Otherwise the invitation goes to ${current}.` : undefined}
            checked={other}
            onChange={clearing((e) => setOther(e.currentTarget.checked))}
          />
          {other && (
            <TextInput
              label="New e-mail address"
              type="email"
              value={address}
              onChange={clearing((e) => setAddress(e.currentTarget.value))}
              error={fieldError}
              required
              data-autofocus
            />
          )}
          <DialogActions error={action.error} busy={action.busy} submitLabel="Reset" onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}
