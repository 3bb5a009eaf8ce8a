/** A path into a JSON body: `$` is the body itself, `ticket.requester.email` a field, `items.0.id` an array element. */
export const jsonPathPattern = /^\$$|^(\$\.)?[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*$/;

/** What a path finds in a value: `{found: false}` when any step is missing, so a null value is told from an absent one. */
export function readPath(value: unknown, path: string): { found: true; value: unknown } | { found: false } {
  if (path === '$') return { found: true, value };
  let current = value;
  for (const step of path.replace(/^\$\./, '').split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(step) && Number(step) < current.length) current = current[Number(step)];
    else if (current !== null && typeof current === 'object' && !Array.isArray(current) && Object.hasOwn(current, step))
      current = (current as Record<string, unknown>)[step];
    else return { found: false };
  }
  return { found: true, value: current };
}
