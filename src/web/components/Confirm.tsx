import { Button, Group, Modal, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { createContext, type ReactNode, useCallback, useContext, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { type Action, useAction } from '../api/hooks';

export interface ConfirmOptions {
  title: string;
  message: ReactNode;
  confirmLabel?: string;
  /** Destructive actions get a red button. */
  danger?: boolean;
}

type Confirm = (o: ConfirmOptions) => Promise<boolean>;
const ConfirmContext = createContext<Confirm>(async () => window.confirm('Are you sure?'));

/** `const confirm = useConfirm(); if (await confirm({...})) …` — an accessible confirmation dialog. */
export const useConfirm = (): Confirm => useContext(ConfirmContext);

/** The confirmation of something that can't be undone (a removal, a deletion): its button is red. */
export const destructive = (title: string, message: ReactNode, confirmLabel = 'Remove'): ConfirmOptions => ({
  title,
  message,
  confirmLabel,
  danger: true,
});

/** useAction for changes that are confirmed first (removals, deletions, settings for everyone). */
export function useConfirmedAction(): Action & {
  /** Asks with `options`; on yes runs `change`. Resolves to whether it ran and succeeded. */
  confirmAndRun: (options: ConfirmOptions, change: () => Promise<unknown>, key?: string) => Promise<boolean>;
} {
  const confirm = useConfirm();
  const action = useAction();
  const confirmAndRun = async (options: ConfirmOptions, change: () => Promise<unknown>, key?: string) =>
    (await confirm(options)) && (await action.run(change, key));
  return { ...action, confirmAndRun };
}

export type ConfirmedAction = ReturnType<typeof useConfirmedAction>;

/**
 * Removal of one entry of a list: asks `title` / `message`, runs `remove` with `action` (its refusal
 * shows where that action's does), says that the entry's `displayName` was removed and `reload`s the list.
 */
export async function removeFromList(
  action: ConfirmedAction,
  o: { displayName: string },
  confirmation: { title: string; message: string },
  remove: () => Promise<unknown>,
  reload: () => void,
): Promise<void> {
  if (await action.confirmAndRun(destructive(confirmation.title, confirmation.message), remove)) {
    notifications.show({ color: 'green', message: `${o.displayName} was removed.` });
    reload();
  }
}

/** What useDeleteAndLeave asks, deletes, names and goes to. */
export interface DeleteAndLeave {
  title: string;
  message: string;
  name: string;
  remove: () => Promise<unknown>;
  to: string;
}

/**
 * Delete of an object's page: asks (`title`, `message`), deletes with `action` (its refusal shows
 * where the page shows that action's), says that `name` was deleted and goes to the list `to`.
 */
export function useDeleteAndLeave(action: ConfirmedAction) {
  const navigate = useNavigate();
  return async (o: DeleteAndLeave) => {
    if (await action.confirmAndRun(destructive(o.title, o.message, 'Delete'), o.remove, 'delete')) {
      notifications.show({ color: 'green', message: `${o.name} was deleted.` });
      navigate(o.to);
    }
  };
}

export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [opts, setOpts] = useState<ConfirmOptions | undefined>();
  const resolver = useRef<((ok: boolean) => void) | undefined>(undefined);
  const confirm = useCallback<Confirm>(
    (o) =>
      new Promise<boolean>((resolve) => {
        resolver.current?.(false);
        resolver.current = resolve;
        setOpts(o);
      }),
    [],
  );
  const settle = (ok: boolean) => {
    resolver.current?.(ok);
    resolver.current = undefined;
    setOpts(undefined);
  };
  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      <Modal opened={opts !== undefined} onClose={() => settle(false)} title={opts?.title} centered>
        <Text size="sm">{opts?.message}</Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={() => settle(false)}>
            Cancel
          </Button>
          <Button color={opts?.danger ? 'red' : undefined} onClick={() => settle(true)} data-autofocus>
            {opts?.confirmLabel ?? 'Yes'}
          </Button>
        </Group>
      </Modal>
    </ConfirmContext.Provider>
  );
}
