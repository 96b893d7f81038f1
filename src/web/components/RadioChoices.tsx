import { Radio, Stack } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Choice<T extends string> {
  value: T;
  label: string;
  description?: string;
}

/** One of a few options, each a radio button with its label (and description), one under the other. */
export function RadioChoices<T extends string>({
  label,
  description,
  value,
  onChange,
  options,
  compact = false,
  testId,
}: {
  label: string;
  description?: ReactNode;
  value: T;
  onChange: (value: T) => void;
  options: readonly Choice<T>[];
  /** Short options close together (a dialog's choice); settings pages leave more room. */
  compact?: boolean;
  testId?: string;
}) {
  return (
    <Radio.Group label={label} description={description} value={value} onChange={(v) => onChange(v as T)} data-testid={testId}>
      <Stack gap={compact ? 6 : 'sm'} mt={compact ? 6 : 'xs'}>
        {options.map((o) => (
          <Radio key={o.value} value={o.value} label={o.label} description={o.description} />
        ))}
      </Stack>
    </Radio.Group>
  );
}
