import { Modal, Stack } from '@mantine/core';
import { useState } from 'react';
import { graph, type MyGroupsAddResult } from '../../api/graph';
import { useAction } from '../../api/hooks';
import { DirectoryPicker, type Picked, WelcomeMessage } from '../../components/DirectoryPicker';
import { DialogActions } from '../../components/Forms';
import { looksLikeEmail } from '../invitations/invitationLogic';

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
export function AddMembersDialog({ opened, onClose, ...form }: AddMembersDialogProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="Add members" size="lg">
      <AddMembersForm onClose={onClose} {...form} />
    </Modal>
  );
}

function AddMembersForm({ onClose, groupId, groupName, memberIds, onAdded }: Omit<AddMembersDialogProps, 'opened'>) {
  const [people, setPeople] = useState<Picked[]>([]);
  const [invitees, setInvitees] = useState<string[]>([]);
  const [welcome, setWelcome] = useState('');
  const action = useAction();

  const submit = async () => {
    const added: AddedEntry[] = [];
    const ok = await action.run(async () => {
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
    });
    // What succeeded stays done (and leaves the selection); on a refusal the dialog stays open.
    if (added.length) onAdded(added);
    if (ok) onClose();
  };

  return (
    <Stack gap="sm">
      <DirectoryPicker
        kind="users"
        inDialog
        label="Search"
        value={people}
        onChange={setPeople}
        excludeIds={memberIds}
        excludedLabel="Member"
        texts={{
          description: 'Type a name, or the e-mail address of someone outside your organization to invite them as a guest',
          selected: 'Selected',
          selectedPrefix: 'Selected:',
          hint: 'Start typing to find people in your organization, or enter an e-mail address to invite a guest.',
          noMatch: (search) =>
            `No one matches “${search}”.${!looksLikeEmail(search) && search.includes('@') ? ' To invite a guest, type their whole e-mail address.' : ''}`,
        }}
        invite={{
          invitees,
          onChange: setInvitees,
          tag: 'guest',
          explanation: `Not in your organization yet: they get an invitation e-mail and join ${groupName} as a guest.`,
        }}
      />
      {invitees.length > 0 && (
        <WelcomeMessage value={welcome} onChange={setWelcome} description="Included in the invitation e-mail, as plain text." />
      )}
      <DialogActions
        error={action.error}
        busy={action.busy}
        submitLabel="Add"
        onCancel={onClose}
        onSubmit={submit}
        disabled={people.length + invitees.length === 0}
      />
    </Stack>
  );
}
