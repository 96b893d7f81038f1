import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Code,
  Group,
  List,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { friendlyError } from '../../api/errors';
import { graph, type Invitation, type InvitationBody } from '../../api/graph';
import { useAction } from '../../api/hooks';
import { CopyValueButton } from '../../components/CopyValue';
import { DirectoryPicker, type Picked } from '../../components/DirectoryPicker';
import { type FieldErrors, FormActions, FormCard, LongText, useFormValues } from '../../components/Forms';
import { adminCrumbs, NarrowPage } from '../../components/PageHeader';
import { emailProblem, MAX_INVITE_GROUPS, WELCOME_MESSAGE_MAX } from './invitationLogic';

interface Values {
  email: string;
  displayName: string;
  sendMessage: boolean;
  message: string;
  cc: string;
  userType: 'Guest' | 'Member';
  redirectUrl: string;
  groups: Picked[];
}

export function validateInvite(v: Values): FieldErrors<Values> {
  const errors: FieldErrors<Values> = {};
  const p = emailProblem(v.email);
  if (p) errors.email = p;
  if (v.cc.trim()) {
    const c = emailProblem(v.cc);
    if (c) errors.cc = c;
  }
  try {
    const u = new URL(v.redirectUrl.trim());
    if (u.protocol !== 'https:' && u.protocol !== 'http:') errors.redirectUrl = 'Enter an http or https address.';
  } catch {
    errors.redirectUrl = 'Enter a full address, such as https://myapps.contoso.com.';
  }
  return errors;
}

export function inviteBody(v: Values): InvitationBody {
  return {
    invitedUserEmailAddress: v.email.trim(),
    inviteRedirectUrl: v.redirectUrl.trim(),
    ...(v.displayName.trim() ? { invitedUserDisplayName: v.displayName.trim() } : {}),
    invitedUserType: v.userType,
    sendInvitationMessage: v.sendMessage,
    ...(v.sendMessage
      ? {
          invitedUserMessageInfo: {
            customizedMessageBody: v.message.trim() ? v.message : null,
            ...(v.cc.trim() ? { ccRecipients: [{ emailAddress: { address: v.cc.trim() } }] } : {}),
          },
        }
      : {}),
  };
}

interface Outcome {
  invitation: Invitation;
  groupsAdded: string[];
  groupErrors: { group: string; message: string }[];
}

/**
 * Admin center → Users → Invite external user (Entra's New user → Invite external user): invites
 * with `POST /invitations`, then adds the new user to the chosen groups, and shows the redeem URL.
 */
export function InviteExternalUser() {
  const initial = (): Values => ({
    email: '',
    displayName: '',
    sendMessage: true,
    message: '',
    cc: '',
    userType: 'Guest',
    redirectUrl: `${window.location.origin}/myapps`,
    groups: [],
  });
  const { values: v, set, setValues, check, field, bound } = useFormValues<Values>(initial);
  const invite = useAction();
  const [outcome, setOutcome] = useState<Outcome>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!check(validateInvite(v))) return;
    await invite.run(async () => {
      const invitation = await graph.invite(inviteBody(v));
      const groupsAdded: string[] = [];
      const groupErrors: Outcome['groupErrors'] = [];
      for (const g of v.groups) {
        try {
          await graph.addMember(g.id, invitation.invitedUser.id);
          groupsAdded.push(g.displayName);
        } catch (err) {
          // Already a member is fine (an existing user invited again).
          if (err instanceof ApiError && /already exist/i.test(err.message)) groupsAdded.push(g.displayName);
          else groupErrors.push({ group: g.displayName, message: friendlyError(err) });
        }
      }
      setOutcome({ invitation, groupsAdded, groupErrors });
      notifications.show({
        color: 'green',
        message:
          invitation.status === 'Completed'
            ? `${invitation.invitedUserEmailAddress} already has an account in this directory.`
            : v.sendMessage
              ? `Invitation sent to ${invitation.invitedUserEmailAddress}.`
              : `${invitation.invitedUserEmailAddress} was invited. Share the redeem URL with them.`,
      });
    });
  };

  return (
    <NarrowPage
      maw={760}
      title="Invite external user"
      crumbs={adminCrumbs(['Users', '/admin/users'], 'Invite external user')}
      description="Invite someone from outside your organization. They sign in with a one-time passcode sent to their e-mail address."
    >
      {outcome ? (
        <InviteOutcome
          outcome={outcome}
          onAnother={() => {
            setOutcome(undefined);
            setValues(initial());
          }}
        />
      ) : (
        <FormCard label="Invite external user" onSubmit={submit} noValidate>
          <Title order={2} fz="md">
            Identity
          </Title>
          <TextInput label="Email" required type="email" {...field('email')} data-autofocus autoComplete="off" />
          <TextInput
            label="Display name"
            description="Shown in the directory; the part of the address before @ if left empty."
            {...field('displayName')}
          />
          <Checkbox
            label="Send invite message"
            checked={v.sendMessage}
            onChange={(e) => set('sendMessage', e.currentTarget.checked)}
          />
          {v.sendMessage && (
            <>
              <LongText
                label="Message"
                description="A personal message included in the invitation e-mail, as plain text."
                value={v.message}
                onChange={(text) => set('message', text.slice(0, WELCOME_MESSAGE_MAX))}
                maxLength={WELCOME_MESSAGE_MAX}
                minRows={3}
                maxRows={8}
              />
              <Text size="xs" c="dimmed" ta="right" mt={-8}>
                {v.message.length} / {WELCOME_MESSAGE_MAX}
              </Text>
              <TextInput
                label="Cc recipient"
                description="One address that receives a copy of the invitation."
                type="email"
                {...field('cc')}
              />
            </>
          )}
          <TextInput
            label="Invite redirect URL"
            description="Where they land after accepting."
            {...field('redirectUrl')}
            required
          />
          <Title order={2} fz="md" mt="sm">
            Properties and assignments
          </Title>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="user-type-label">
              User type
            </Text>
            <SegmentedControl
              aria-labelledby="user-type-label"
              value={v.userType}
              onChange={(t) => set('userType', t as Values['userType'])}
              data={[
                { value: 'Guest', label: 'Guest' },
                { value: 'Member', label: 'Member' },
              ]}
              w="fit-content"
              data-testid="invite-user-type"
            />
            <Text size="xs" c="dimmed">
              Member is for people who work like employees of your organization; only administrators can invite members.
            </Text>
          </Stack>
          <DirectoryPicker
            kind="groups"
            membershipGroupsOnly
            {...bound('groups')}
            max={MAX_INVITE_GROUPS}
            top={10}
            label="Add to groups"
            texts={{
              description: `They are added after the invitation is created; up to ${MAX_INVITE_GROUPS} groups.`,
              results: 'Group search results',
            }}
          />
          <FormActions error={invite.error} busy={invite.busy} submitLabel="Invite" cancelTo="/admin/users" />
        </FormCard>
      )}
    </NarrowPage>
  );
}

function InviteOutcome({ outcome, onAnother }: { outcome: Outcome; onAnother: () => void }) {
  const { invitation, groupsAdded, groupErrors } = outcome;
  const completed = invitation.status === 'Completed';
  return (
    <Paper withBorder p="md" data-testid="invite-result">
      <Stack>
        <Title order={2} fz="lg">
          {completed ? 'Already in your directory' : 'Invitation created'}
        </Title>
        <Text size="sm">
          {completed
            ? `${invitation.invitedUserEmailAddress} already has an account here; no new user was created.`
            : invitation.sendInvitationMessage
              ? `An invitation e-mail is on its way to ${invitation.invitedUserEmailAddress}.`
              : `No e-mail was sent. Give ${invitation.invitedUserEmailAddress} the redeem URL below.`}
        </Text>
        {!completed && (
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              Redeem URL
            </Text>
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap', flex: 1 }} data-testid="redeem-url">
                {invitation.inviteRedeemUrl}
              </Code>
              <CopyValueButton value={invitation.inviteRedeemUrl} label="Copy redeem URL" testId="copy-redeem-url" />
            </Group>
            <Text size="xs" c="dimmed">
              Only the invited address can redeem it: a one-time passcode is sent to that address.
            </Text>
          </Stack>
        )}
        {groupsAdded.length > 0 && <Text size="sm">Added to: {groupsAdded.join(', ')}.</Text>}
        {groupErrors.length > 0 && (
          <Alert color="orange" variant="light" role="alert" title="Some groups were not changed">
            <List size="sm">
              {groupErrors.map((e) => (
                <List.Item key={e.group}>
                  {e.group}: {e.message}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Group>
          <Button component={Link} to={`/admin/users/${invitation.invitedUser.id}`}>
            Open user
          </Button>
          <Button variant="default" onClick={onAnother}>
            Invite another
          </Button>
          <Anchor component={Link} to="/admin/users/guests" size="sm">
            All guests
          </Anchor>
        </Group>
      </Stack>
    </Paper>
  );
}
