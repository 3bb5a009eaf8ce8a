/** Trait columns a members table offers first: what a support lead recognises a person or account by. */
export const defaultTraits = { person: ['email', 'name', 'plan'], account: ['name', 'plan', 'domain'] } as const;

/** A trait's value as one short line of a table cell. */
export function traitText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The end of a calendar day (YYYY-MM-DD, UTC) as the ISO time the members' `asOf` takes. */
export function endOfDay(day: string): string {
  return `${day}T23:59:59.999Z`;
}
