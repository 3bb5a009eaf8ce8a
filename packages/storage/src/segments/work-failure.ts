/**
 * How failing segment work and backfills are retried: exponential backoff from one second,
 * capped at five minutes, parked after eight attempts (about two minutes of retries in all).
 */
export const workRetryPolicy = { firstDelayMs: 1000, maxDelayMs: 5 * 60_000, maxAttempts: 8 } as const;

/** When the next attempt may run, after `attempts` failed ones (1 or more). */
export function nextAttemptAt(now: Date, attempts: number): Date {
  const delay = Math.min(workRetryPolicy.maxDelayMs, workRetryPolicy.firstDelayMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + delay);
}

/**
 * PostgreSQL's conditions that failing rules and overloaded databases raise, by SQLSTATE.
 * Only these words and the code are stored and logged: a driver's message can quote the
 * trait value or id that failed (`invalid input syntax for type numeric: "…"`).
 */
const conditions: Record<string, string> = {
  '57014': 'statement timeout: the evaluation ran longer than STRATA_WORK_STATEMENT_TIMEOUT_MS',
  '2201B': 'invalid regular expression',
  '22P02': 'invalid input syntax',
  '22003': 'numeric value out of range',
  '22008': 'date or time out of range',
  '22007': 'invalid date or time format',
  '22012': 'division by zero',
  '22023': 'invalid parameter value',
  '22021': 'character not in repertoire',
  '22000': 'data exception',
  '42883': 'undefined function',
  '42804': 'datatype mismatch',
  '40P01': 'deadlock detected',
  '40001': 'serialization failure',
  '53200': 'out of memory',
  '53100': 'disk full',
  '54001': 'statement too complex',
  '55P03': 'lock not available',
  '57P01': 'the database shut down',
  '08006': 'connection failure',
};

/** A failure as it may be stored and shown: its SQLSTATE and condition, never the driver's message. */
export function describeWorkFailure(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `SQLSTATE ${code}: ${conditions[code] ?? 'database error'}`;
  if (error instanceof Error) return `${error.name}: evaluation failed outside the database`;
  return 'evaluation failed';
}
