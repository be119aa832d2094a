import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { mapProblemToFields } from '../api/problem';

/**
 * Puts an API error on a react-hook-form form: field errors on their fields (the first one
 * focused), the rest returned as a form-level message (or null).
 */
export function applyApiError<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
  aliases: Partial<Record<string, Path<T>>> = {},
): string | null {
  const mapped = mapProblemToFields<Path<T>>(error, fields, aliases);
  let first = true;
  for (const f of fields) {
    const message = mapped.fields[f];
    if (message) {
      setError(f, { type: 'server', message }, { shouldFocus: first });
      first = false;
    }
  }
  return mapped.formMessage;
}
