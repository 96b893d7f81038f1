import { z } from 'zod';

/** A trimmed, non-empty, bounded display string without control characters. */
/** A required string: "is required" when absent, "must be a string" when of another type. */
export const requiredString = () => z.string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') });

export const displayString = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

export const optionalText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'must not contain control characters')
    .nullable()
    .optional();

// Pragmatic address syntax: one @, dot-atom local part, domain of labels; no spaces or controls.
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export const emailAddress = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .refine((s) => EMAIL.test(s) && (s.split('@')[0]?.length ?? 0) <= 64, 'must be a valid e-mail address');

/** `{"@odata.id": "https://…/directoryObjects/{id}"}` as sent to `$ref` endpoints. */
export const odataRef = z.object({ '@odata.id': z.string().min(1).max(2048) }).strict();

/** Extracts the object id from an `@odata.id` reference URL (or accepts a bare id). */
export function idFromODataRef(ref: string): string | undefined {
  const m = /(?:^|\/)([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?:\/\$ref)?\/?$/.exec(
    ref.trim(),
  );
  return m?.[1]?.toLowerCase();
}

export type ODataRef = z.infer<typeof odataRef>;

/**
 * A trimmed, non-empty string of at most `max` characters that parses as an absolute URL which
 * `accepts` (given the parsed URL and the string); otherwise `message`.
 */
export const absoluteUrl = (max: number, accepts: (url: URL, s: string) => boolean, message: string) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => {
      try {
        return accepts(new URL(s), s);
      } catch {
        return false;
      }
    }, message);

/** A required display name: present, a string, and a valid `displayString(max)`. */
export const requiredDisplayString = (max: number) => requiredString().pipe(displayString(max));
