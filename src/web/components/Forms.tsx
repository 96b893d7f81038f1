import {
  Button,
  Group,
  type GroupProps,
  Paper,
  Select,
  type SelectProps,
  Stack,
  Switch,
  type SwitchProps,
  Text,
  Textarea,
  type TextareaProps,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type ChangeEvent, type FormEvent, type ReactNode, useState } from 'react';
import { useNavigate } from 'react-router';
import { useAction } from '../api/hooks';
import { type ConfirmedAction, type DeleteAndLeave, useDeleteAndLeave } from './Confirm';
import { LinkButton } from './ListControls';
import { ErrorAlert } from './States';

/** A form on a card (a page's form or a blade's settings); `label` names it for assistive technology. */
export function FormCard({
  label,
  onSubmit,
  maw,
  noValidate,
  children,
}: {
  label: string;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  maw?: number;
  /** The page checks the values itself and words the problems (no browser bubbles). */
  noValidate?: boolean;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" component="form" onSubmit={onSubmit} noValidate={noValidate} maw={maw} aria-label={label}>
      <Stack>{children}</Stack>
    </Paper>
  );
}

/**
 * The end of a form: the refusal of the last try, if any, then its buttons, the confirming one
 * first. Without `onSubmit` that button submits the surrounding form.
 */
export function FormActions({
  error,
  busy,
  submitLabel = 'Save',
  onSubmit,
  disabled,
  testId,
  justify,
  cancelTo,
  children,
}: {
  error: string | undefined;
  busy: boolean;
  submitLabel?: string;
  onSubmit?: () => void;
  disabled?: boolean;
  testId?: string;
  justify?: GroupProps['justify'];
  /** A Cancel button leading back to this page. */
  cancelTo?: string;
  /** Further buttons (Delete, Discard…). */
  children?: ReactNode;
}) {
  return (
    <>
      <ErrorAlert error={error} />
      <Group justify={justify}>
        <Button type={onSubmit ? 'button' : 'submit'} onClick={onSubmit} loading={busy} disabled={disabled} data-testid={testId}>
          {submitLabel}
        </Button>
        {cancelTo && (
          <LinkButton to={cancelTo} variant="default">
            Cancel
          </LinkButton>
        )}
        {children}
      </Group>
    </>
  );
}

/** The end of a dialog: the refusal of the last try, if any, then Cancel and the confirming button, on the right. */
export function DialogActions({
  error,
  busy,
  submitLabel,
  onCancel,
  onSubmit,
  disabled,
}: {
  error: string | undefined;
  busy: boolean;
  submitLabel: string;
  onCancel: () => void;
  /** Without it the confirming button submits the surrounding form. */
  onSubmit?: () => void;
  disabled?: boolean;
}) {
  return (
    <>
      <ErrorAlert error={error} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button type={onSubmit ? 'button' : 'submit'} onClick={onSubmit} loading={busy} disabled={disabled}>
          {submitLabel}
        </Button>
      </Group>
    </>
  );
}

/** Beside Save of a settings form that is saved as a whole: the way back, and a word that something changed. */
function UnsavedChanges({
  dirty,
  busy,
  onDiscard,
  discardLabel = 'Discard',
}: {
  dirty: boolean;
  busy: boolean;
  onDiscard: () => void;
  discardLabel?: string;
}) {
  return (
    <>
      <Button variant="default" disabled={!dirty || busy} onClick={onDiscard}>
        {discardLabel}
      </Button>
      {dirty && (
        <Text size="sm" c="dimmed" role="status">
          Unsaved changes
        </Text>
      )}
    </>
  );
}

/**
 * The actions of a settings form: Save (disabled until something changed; busy and error from
 * `save`) and Discard, with "Unsaved changes" while `dirty`.
 */
export function SaveOrDiscardActions({
  save,
  dirty,
  onSubmit,
  onDiscard,
  submitLabel,
  discardLabel,
  testId,
}: {
  save: { error: string | undefined; busy: boolean };
  dirty: boolean;
  onSubmit: () => void;
  onDiscard: () => void;
  submitLabel?: string;
  discardLabel?: string;
  testId?: string;
}) {
  return (
    <FormActions
      error={save.error}
      busy={save.busy}
      submitLabel={submitLabel}
      onSubmit={onSubmit}
      disabled={!dirty}
      testId={testId}
    >
      <UnsavedChanges dirty={dirty} busy={save.busy} discardLabel={discardLabel} onDiscard={onDiscard} />
    </FormActions>
  );
}

export type FieldErrors<V> = Partial<Record<keyof V, string>>;

type TextKey<V> = { [K in keyof V]: V[K] extends string ? K : never }[keyof V];

/** The values of a form and the problems found in them; changing a field clears its problem. */
export function useFormValues<V extends object>(initial: V | (() => V)) {
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<FieldErrors<V>>({});
  const set = <K extends keyof V>(key: K, value: V[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  /** Shows the problems found; true when there are none. */
  const check = (found: FieldErrors<V>): boolean => {
    setErrors(found);
    return Object.keys(found).length === 0;
  };
  /** Value, change handler and problem of a text field, to spread on a TextInput or Textarea. */
  const field = <K extends TextKey<V>>(key: K) => ({
    value: values[key] as string,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => set(key, e.currentTarget.value as V[K]),
    error: errors[key],
  });
  /** Value and change handler of any other field (a choice, a picker), to spread on it. */
  const bound = <K extends keyof V>(key: K) => ({ value: values[key], onChange: (value: V[K]) => set(key, value) });
  return { values, errors, set, setValues, check, field, bound };
}

/** A titled card of a settings page; `id` ties the title to the section for assistive technology. */
export function SettingsSection({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Title order={2} fz="lg" id={id} mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/** A Textarea that grows with its text (from `minRows`, two by default), bound to a string. */
export function LongText({
  onChange,
  minRows = 2,
  ...props
}: Omit<TextareaProps, 'onChange' | 'autosize'> & { onChange: (value: string) => void }) {
  return <Textarea {...props} autosize minRows={minRows} onChange={(e) => onChange(e.currentTarget.value)} />;
}

/** A Switch bound to a boolean. */
export function Toggle({ onChange, ...props }: Omit<SwitchProps, 'onChange'> & { onChange: (checked: boolean) => void }) {
  return <Switch {...props} onChange={(e) => onChange(e.currentTarget.checked)} />;
}

/** A Select that always holds one of its choices `data` (it cannot be cleared). */
export function Choice<T extends string>({
  data,
  onChange,
  ...props
}: Omit<SelectProps, 'data' | 'value' | 'onChange' | 'allowDeselect'> & {
  data: readonly (T | { value: T; label: string })[];
  value: T;
  onChange: (value: T) => void;
}) {
  return <Select {...props} data={data} allowDeselect={false} onChange={(v) => v !== null && onChange(v as T)} />;
}

/**
 * The submit of a "New …" page: when `valid()`, `create`s, says that the new object was created
 * (`noun` created) and goes on to `next(made)`. The refusal and busy state are the action's.
 */
export function useCreateForm<T extends { displayName: string }>(o: {
  noun: string;
  valid: () => boolean;
  create: () => Promise<T>;
  next: (made: T) => string;
}) {
  const navigate = useNavigate();
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!o.valid()) return;
    await action.run(async () => {
      const made = await o.create();
      notifications.show({ color: 'green', title: `${o.noun} created`, message: `${made.displayName} was created.` });
      navigate(o.next(made));
    });
  };
  return { ...action, submit };
}

/**
 * A field's problem, shown until the user changes something: `[problem, setProblem, clearing]`,
 * where `clearing(change)` is `change` followed by clearing the problem.
 */
export function useFieldProblem() {
  const [problem, setProblem] = useState<string>();
  const clearing =
    <A extends unknown[]>(change: (...args: A) => void) =>
    (...args: A) => {
      change(...args);
      setProblem(undefined);
    };
  return [problem, setProblem, clearing] as const;
}

/**
 * The actions of an object's Properties blade: Save (busy while `change` runs 'save', its error
 * shown) and a red `deleteLabel` button that deletes the object and leaves for its list.
 */
export function SaveOrDeleteActions({
  change,
  deleteLabel,
  deletion,
}: {
  change: ConfirmedAction;
  deleteLabel: string;
  deletion: DeleteAndLeave;
}) {
  const leave = useDeleteAndLeave(change);
  return (
    <FormActions error={change.error} busy={change.running === 'save'} justify="space-between">
      <Button color="red" variant="light" onClick={() => leave(deletion)}>
        {deleteLabel}
      </Button>
    </FormActions>
  );
}
