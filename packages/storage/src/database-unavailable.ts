/**
 * SQLSTATEs that say the database cannot serve right now, not that the statement was wrong:
 * class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now) and
 * 53100 (disk full). Whatever the client sent may be retried unchanged once it is back.
 */
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53100']);

/** Node socket errors that mean the server is not there (refused, reset, gone mid-write). */
const unavailableSocketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);

/** Messages pg and pg-pool give without a code when a connection is lost or cannot be had. */
const unavailableMessages = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

/**
 * Why the database is unavailable, when `error` says it is (lost or refused connection, server
 * shutting down or recovering, disk full); undefined for every other error.
 *
 * @example databaseUnavailableReason(error) // 'connect ECONNREFUSED 127.0.0.1:5432'
 */
export function databaseUnavailableReason(error: unknown): string | undefined {
  // Errors wrap others (Kysely rollback failures, AggregateError of a dual-stack connect): look inside.
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const { code, message, cause, errors } = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    const text = typeof message === 'string' && message !== '' ? message : String(code);
    if (typeof code === 'string' && (code.startsWith('08') || unavailableStates.has(code) || unavailableSocketCodes.has(code))) {
      return code === '53100' ? `disk full: ${text}` : text;
    }
    if (typeof message === 'string' && unavailableMessages.some((pattern) => pattern.test(message))) return message;
    if (cause !== undefined) pending.push(cause);
    if (Array.isArray(errors)) pending.push(...(errors as unknown[]));
  }
  return undefined;
}
