const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** How long ago a time was, as the reader's locale says it ("3 minutes ago", "just now" under a minute). */
export function ago(at: string, now = Date.now()): string {
  const seconds = Math.round((now - new Date(at).getTime()) / 1000);
  if (seconds < 60) return 'just now';
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const [unit, size] = units.find(([, size]) => seconds >= size)!;
  return format.format(-Math.floor(seconds / size), unit);
}
