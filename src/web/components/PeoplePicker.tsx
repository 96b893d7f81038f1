import { Modal, Stack } from '@mantine/core';
import { useState } from 'react';
import { useAction } from '../api/hooks';
import { DirectoryPicker, type Picked } from './DirectoryPicker';
import { DialogActions } from './Forms';

export interface PeoplePickerProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** Label of the confirming button ("Select", "Add"…). */
  submitLabel: string;
  /** People already there: shown, but not selectable. */
  excludeIds?: ReadonlySet<string>;
  excludedLabel?: string;
  /** Called with the chosen people; a thrown error is shown in the dialog, which then stays open. */
  onSubmit: (people: Picked[]) => Promise<void>;
}

/** A dialog to search the directory by name or e-mail and pick one or more people. */
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
  onSubmit,
}: Omit<PeoplePickerProps, 'opened' | 'title'>) {
  const [people, setPeople] = useState<Picked[]>([]);
  const action = useAction();
  const submit = async () => {
    if (await action.run(() => onSubmit(people))) onClose();
  };
  return (
    <Stack gap="sm">
      <DirectoryPicker
        kind="users"
        inDialog
        label="Search"
        value={people}
        onChange={setPeople}
        excludeIds={excludeIds}
        excludedLabel={excludedLabel}
        texts={{ selectedPrefix: 'Selected:', hint: 'Start typing to find people in your organization.' }}
      />
      <DialogActions
        error={action.error}
        busy={action.busy}
        submitLabel={submitLabel}
        onCancel={onClose}
        onSubmit={submit}
        disabled={people.length === 0}
      />
    </Stack>
  );
}
