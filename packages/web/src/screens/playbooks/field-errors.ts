import { createContext, useContext } from 'react';
import { ApiError } from '../../api/client';

/**
 * A field as the form names it: `steps[1].if`. The server names a mistake the rule checks find
 * that way already; its request-schema checks say `body.steps.1.if`, which reads the same here.
 */
export function fieldPath(field: string): string {
  return (
    field
      .replace(/^(body|params)\./, '')
      // The experiment's arms may be named from the experiment (arms.0.steps.1) or from the body.
      .replace(/^arms\b/, 'experiment.arms')
      .split('.')
      .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '')
  );
}

export interface FieldError {
  field: string;
  message: string;
}

/** The mistakes a 400 named, each at its field; none for another failure. */
export function fieldErrorsOf(error: unknown): FieldError[] {
  if (!(error instanceof ApiError) || error.status !== 400 || !Array.isArray(error.details)) return [];
  return (error.details as unknown[]).flatMap((d) => {
    const detail = d as { field?: unknown; message?: unknown } | null;
    return typeof detail?.field === 'string' && typeof detail.message === 'string'
      ? [{ field: fieldPath(detail.field), message: detail.message }]
      : [];
  });
}

/** The server's mistakes for the form being edited, by field; the fields read theirs. */
export const FieldErrorsContext = createContext<FieldError[]>([]);

/** The message(s) for exactly these fields (a field and the object holding it, say), joined, or undefined. */
export function useFieldError(...paths: string[]): string | undefined {
  const messages = useContext(FieldErrorsContext)
    .filter((e) => paths.includes(e.field))
    .map((e) => e.message);
  return messages.length > 0 ? messages.join('; ') : undefined;
}
