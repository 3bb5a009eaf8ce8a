import type { Kysely } from 'kysely';
import { deleteSessionByToken, findSessionByToken, touchSession, type Database, type Session } from '@strata/storage';
import type { SessionPolicy } from './session-cookie.js';

// Stamping every request would write a row per request; a minute is fine grain for a 12-hour idle timeout.
const touchEveryMs = 60_000;

/**
 * The live session with this token: one past its absolute end or idle too long is deleted and
 * answers undefined. `at` is the app's clock, so tests can move time.
 */
export async function resolveSession(db: Kysely<Database>, token: string, at: Date, policy: SessionPolicy): Promise<Session | undefined> {
  const session = await findSessionByToken(db, token);
  if (!session) return undefined;
  const idleMs = at.getTime() - session.lastSeenAt.getTime();
  if (session.expiresAt <= at || idleMs > policy.idleMs) {
    await deleteSessionByToken(db, token);
    return undefined;
  }
  if (idleMs > touchEveryMs) await touchSession(db, session, at);
  return session;
}
