/** A time as the reader's locale writes it, or what its absence means. */
export function when(at: string | null | undefined, absent = 'never'): string {
  return at ? new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : absent;
}
