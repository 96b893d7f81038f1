import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  Pill,
  ScrollArea,
  Stack,
  Text,
  Textarea,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, type Collection, withQuery } from '../../api/client';
import { friendlyError } from '../../api/errors';
import { graph, type MyGroupsAddResult, PEOPLE_SEARCH_FIELDS, type User } from '../../api/graph';
import { useDebounced, useLoad } from '../../api/hooks';
import { searchExpression } from '../../api/odata';
import { ErrorNotice, Loading } from '../../components/States';
import { emailProblem, inviteCandidate, looksLikeEmail, WELCOME_MESSAGE_MAX } from '../invitations/invitationLogic';

export interface AddedEntry {
  /** The name or address the person picked. */
  label: string;
  result: MyGroupsAddResult;
}

export interface AddMembersDialogProps {
  opened: boolean;
  onClose: () => void;
  groupId: string;
  groupName: string;
  /** People already in the group: shown, but not selectable. */
  memberIds: ReadonlySet<string>;
  /** Called after each success (the list behind the dialog refreshes) and once at the end with all of them. */
  onAdded: (added: AddedEntry[]) => void;
}

/**
 * My Groups → group → + → Add members (the seed's flow, steps 6–7). One search box: a name finds
 * people in the directory; an e-mail address that nobody in the directory has is offered as
 * "Invite … as a guest", with an optional welcome message. **Add** sends each choice to
 * `POST /groups/{id}/members/add`, which applies the same rules as everywhere else (owner, Assigned
 * group, self-service settings, who may invite, collaboration restrictions) and answers in words.
 */
export function AddMembersDialog({ opened, onClose, groupId, groupName, memberIds, onAdded }: AddMembersDialogProps) {
  const [term, setTerm] = useState('');
  const [people, setPeople] = useState<User[]>([]);
  const [invitees, setInvitees] = useState<string[]>([]);
  const [welcome, setWelcome] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const search = useDebounced(term.trim(), 250);

  useEffect(() => {
    if (opened) {
      setTerm('');
      setPeople([]);
      setInvitees([]);
      setWelcome('');
      setError(undefined);
    }
  }, [opened]);

  const expr = searchExpression(PEOPLE_SEARCH_FIELDS, search);
  const results = useLoad(
    async (signal) =>
      expr
        ? (
            await api.get<Collection<User>>(withQuery('/users', { $search: expr, $top: 15, $orderby: 'displayName' }), {
              eventual: true,
              signal,
            })
          ).value
        : [],
    [expr],
  );
  // Offer the invitation only once the search for that exact text has answered.
  const settled = search === term.trim() && !results.loading && !results.error;
  const candidate = settled ? inviteCandidate(search, results.data) : undefined;
  const alreadyChosen = candidate !== undefined && invitees.some((a) => a.toLowerCase() === candidate.toLowerCase());
  const candidateProblem = candidate ? emailProblem(candidate) : undefined;

  const togglePerson = (u: User) => setPeople((s) => (s.some((x) => x.id === u.id) ? s.filter((x) => x.id !== u.id) : [...s, u]));
  const addInvitee = (address: string) => {
    setInvitees((s) => (s.some((a) => a.toLowerCase() === address.toLowerCase()) ? s : [...s, address]));
    setTerm('');
  };
  const removeInvitee = (address: string) => setInvitees((s) => s.filter((a) => a !== address));

  const count = people.length + invitees.length;

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    const added: AddedEntry[] = [];
    try {
      for (const p of people) {
        added.push({ label: p.displayName, result: await graph.myGroupsAdd(groupId, { userId: p.id }) });
        setPeople((s) => s.filter((x) => x.id !== p.id));
      }
      const message = welcome.trim() ? welcome : undefined;
      for (const address of invitees) {
        const result = await graph.myGroupsAdd(groupId, {
          emailAddress: address,
          ...(message ? { welcomeMessage: message } : {}),
        });
        added.push({ label: address, result });
        setInvitees((s) => s.filter((a) => a !== address));
      }
      onAdded(added);
      onClose();
    } catch (err) {
      // What succeeded stays done (and leaves the selection); the dialog stays open on the refusal.
      if (added.length) onAdded(added);
      setError(friendlyError(err));
    } finally {
      setBusy(false);
    }
  };

  const list = results.data ?? [];
  return (
    <Modal opened={opened} onClose={onClose} title="Add members" size="lg">
      <Stack gap="sm">
        <TextInput
          label="Search"
          description="Type a name, or the e-mail address of someone outside your organization to invite them as a guest"
          placeholder="Search by name or e-mail"
          value={term}
          onChange={(e) => setTerm(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && candidate && !candidateProblem && !alreadyChosen) {
              e.preventDefault();
              addInvitee(candidate);
            }
          }}
          data-autofocus
          data-testid="people-search"
          type="search"
        />
        {count > 0 && (
          <Group gap={6} aria-label="Selected">
            <Text size="sm" fw={600}>
              Selected:
            </Text>
            {people.map((u) => (
              <Pill
                key={u.id}
                withRemoveButton
                onRemove={() => togglePerson(u)}
                removeButtonProps={{ 'aria-label': `Remove ${u.displayName}` }}
              >
                {u.displayName}
              </Pill>
            ))}
            {invitees.map((a) => (
              <Pill
                key={a}
                withRemoveButton
                onRemove={() => removeInvitee(a)}
                removeButtonProps={{ 'aria-label': `Remove ${a}` }}
                data-testid="selected-invitee"
              >
                {a} (guest)
              </Pill>
            ))}
          </Group>
        )}
        <ScrollArea.Autosize mah={300} type="auto">
          {!expr || !term.trim() ? (
            <Text size="sm" c="dimmed" py="sm">
              Start typing to find people in your organization, or enter an e-mail address to invite a guest.
            </Text>
          ) : results.error ? (
            <ErrorNotice error={results.error} onRetry={results.reload} />
          ) : results.loading && !results.data ? (
            <Loading label="Searching…" />
          ) : (
            <Stack gap={4}>
              {list.length === 0 && !candidate && (
                <Text size="sm" c="dimmed" py="sm" role="status">
                  No one matches “{search}”.
                  {!looksLikeEmail(search) && search.includes('@') ? ' To invite a guest, type their whole e-mail address.' : ''}
                </Text>
              )}
              {list.length > 0 && (
                <Stack gap={4} role="group" aria-label="Search results">
                  {list.map((u) => {
                    const already = memberIds.has(u.id);
                    return (
                      <Checkbox
                        key={u.id}
                        disabled={already}
                        checked={already || people.some((x) => x.id === u.id)}
                        onChange={() => togglePerson(u)}
                        label={
                          <Group gap={6} wrap="nowrap">
                            <span>{u.displayName}</span>
                            {u.userType === 'Guest' && (
                              <Badge size="xs" variant="light" color="grape">
                                Guest
                              </Badge>
                            )}
                            {already && (
                              <Badge size="xs" variant="light" color="gray">
                                Member
                              </Badge>
                            )}
                          </Group>
                        }
                        description={u.mail ?? u.userPrincipalName}
                        py={4}
                      />
                    );
                  })}
                </Stack>
              )}
              {candidate &&
                (candidateProblem ? (
                  <Text size="sm" c="red.8" py="sm" role="status" data-testid="invite-guest-problem">
                    {candidate} can't be invited: {candidateProblem}
                  </Text>
                ) : alreadyChosen ? (
                  <Text size="sm" c="dimmed" py="sm" role="status">
                    {candidate} is already selected.
                  </Text>
                ) : (
                  <Paper withBorder p={0}>
                    <UnstyledButton
                      onClick={() => addInvitee(candidate)}
                      data-testid="invite-guest-option"
                      p="sm"
                      w="100%"
                      aria-label={`Invite ${candidate} as a guest`}
                    >
                      <Group gap="sm" wrap="nowrap">
                        <Badge variant="light" color="grape">
                          Guest
                        </Badge>
                        <Stack gap={0}>
                          <Text size="sm" fw={600} style={{ wordBreak: 'break-all' }}>
                            Invite {candidate} as a guest
                          </Text>
                          <Text size="xs" c="dimmed">
                            Not in your organization yet: they get an invitation e-mail and join {groupName} as a guest.
                          </Text>
                        </Stack>
                      </Group>
                    </UnstyledButton>
                  </Paper>
                ))}
            </Stack>
          )}
        </ScrollArea.Autosize>
        {invitees.length > 0 && (
          <Textarea
            label="Welcome message (optional)"
            description="Included in the invitation e-mail, as plain text."
            value={welcome}
            onChange={(e) => setWelcome(e.currentTarget.value.slice(0, WELCOME_MESSAGE_MAX))}
            maxLength={WELCOME_MESSAGE_MAX}
            autosize
            minRows={3}
            maxRows={8}
            data-testid="welcome-message"
          />
        )}
        {invitees.length > 0 && (
          <Text size="xs" c="dimmed" ta="right" mt={-8} aria-live="polite" data-testid="welcome-message-count">
            {welcome.length} / {WELCOME_MESSAGE_MAX}
          </Text>
        )}
        {error && (
          <Alert color="red" variant="light" role="alert" data-testid="error-notice">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} loading={busy} disabled={count === 0}>
            Add
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
