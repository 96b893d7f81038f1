import { Modal, Stack } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { useAction } from '../api/hooks';
import { DirectoryPicker, type Picked, type PickerTexts, WelcomeMessage } from './DirectoryPicker';
import { DialogActions } from './Forms';

/** What was chosen in the dialog. `welcomeMessage` is set only when one was written. */
export interface PeopleChoice {
  people: Picked[];
  invitees: string[];
  welcomeMessage?: string;
}

/** Takes a person or an address out of the selection once it is done, so that a retry does not repeat it. */
export interface Settle {
  person: (id: string) => void;
  invitee: (address: string) => void;
}

export interface PeoplePickerProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** Label of the confirming button ("Select", "Add"…). */
  submitLabel: string;
  /** People already there: shown, but not selectable. */
  excludeIds?: ReadonlySet<string>;
  excludedLabel?: string;
  /** Words that differ from the default people search. */
  texts?: Partial<PickerTexts>;
  /** Also offer to invite an e-mail address that nobody in the directory has, with a welcome message. */
  invite?: { tag: string; explanation?: string; welcomeDescription: string };
  /** Called with the choice; a thrown error is shown in the dialog, which then stays open. */
  onSubmit: (choice: PeopleChoice, settle: Settle) => Promise<void>;
  /** Shown above the search, before anyone types (e.g. why guests cannot be invited, and whom to ask). */
  notice?: ReactNode;
}

/**
 * The people picker dialog of the admin center and the portal: search the directory by name or
 * e-mail and pick one or more people (and, where the flow invites, addresses to invite).
 */
export function PeoplePicker({ opened, onClose, title, ...form }: PeoplePickerProps) {
  // The form is mounted only while the dialog is open, so each opening starts afresh.
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg">
      <PeoplePickerForm onClose={onClose} {...form} />
    </Modal>
  );
}

function PeoplePickerForm({
  onClose,
  submitLabel,
  excludeIds,
  excludedLabel,
  texts,
  invite,
  onSubmit,
  notice,
}: Omit<PeoplePickerProps, 'opened' | 'title'>) {
  const [people, setPeople] = useState<Picked[]>([]);
  const [invitees, setInvitees] = useState<string[]>([]);
  const [welcome, setWelcome] = useState('');
  const action = useAction();
  const settle: Settle = {
    person: (id) => setPeople((s) => s.filter((p) => p.id !== id)),
    invitee: (address) => setInvitees((s) => s.filter((a) => a !== address)),
  };
  const submit = async () => {
    const welcomeMessage = welcome.trim() ? welcome : undefined;
    if (await action.run(() => onSubmit({ people, invitees, ...(welcomeMessage ? { welcomeMessage } : {}) }, settle))) onClose();
  };
  return (
    <Stack gap="sm">
      {notice}
      <DirectoryPicker
        kind="users"
        inDialog
        label="Search"
        value={people}
        onChange={setPeople}
        excludeIds={excludeIds}
        excludedLabel={excludedLabel}
        texts={{ selectedPrefix: 'Selected:', hint: 'Start typing to find people in your organization.', ...texts }}
        invite={invite && { invitees, onChange: setInvitees, tag: invite.tag, explanation: invite.explanation }}
      />
      {invitees.length > 0 && invite && (
        <WelcomeMessage value={welcome} onChange={setWelcome} description={invite.welcomeDescription} />
      )}
      <DialogActions
        error={action.error}
        busy={action.busy}
        submitLabel={submitLabel}
        onCancel={onClose}
        onSubmit={submit}
        disabled={people.length + invitees.length === 0}
      />
    </Stack>
  );
}
