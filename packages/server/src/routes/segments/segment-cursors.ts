import { z } from 'zod';

// A change cursor is `<txid>.<change id>` as PostgreSQL returned them: txid is an xid8 (unsigned
// 64-bit), the change id a bigint read back as a JavaScript number, so both are bounded here
// rather than overflowing a cast inside the query.
const maxTxid = 2n ** 64n - 1n;
const changeCursorPattern = /^(\d{1,20})\.(\d{1,16})$/;

/** True for a change cursor this API could have returned. */
export function isChangeCursor(text: string): boolean {
  const match = changeCursorPattern.exec(text);
  return match !== null && BigInt(match[1]!) <= maxTxid && Number.isSafeInteger(Number(match[2]));
}

/** `since` of the changes feed and the stream; also what a stream's `Last-Event-ID` must be. */
export const changeCursor = z.string().refine(isChangeCursor, 'not a cursor this API returned; pass back a cursor such as 1234.56');

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The members cursor: the last member's id, opaque to clients. */
export const encodeMemberCursor = (memberId: string): string => Buffer.from(memberId).toString('base64url');

/** The member id a cursor stands for, or undefined when it is not one this API returned. */
export function decodeMemberCursor(cursor: string): string | undefined {
  const memberId = Buffer.from(cursor, 'base64url').toString();
  // base64url decoding skips characters it does not know, so the cursor must also encode back to itself.
  return uuidPattern.test(memberId) && encodeMemberCursor(memberId) === cursor ? memberId : undefined;
}

/** `cursor` of the members list. */
export const memberCursor = z
  .string()
  .refine((c) => decodeMemberCursor(c) !== undefined, 'not a cursor this API returned; pass back nextCursor as it came');

// PostgreSQL's timestamps span 4713 BC to 294276 AD and JavaScript's dates ±275760 years; four-digit
// years keep every asOf comparable without an overflow inside the query.
export const asOfTime = z.coerce
  .date()
  .min(new Date('0001-01-01T00:00:00Z'), 'must be a time from year 1 to 9999')
  .max(new Date('9999-12-31T23:59:59.999Z'), 'must be a time from year 1 to 9999');
