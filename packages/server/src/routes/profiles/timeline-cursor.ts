import { z } from 'zod';

// A page cursor of a customer's events or tickets: `<epoch ms>.<id>` of the previous page's last
// row, opaque to clients. The id breaks ties between rows of the same instant: an event's is a
// bigserial (bounded here so the cast inside the query cannot overflow), a ticket's a UUID.
const ids = {
  event: /^(\d{1,15})\.(\d{1,18})$/,
  ticket: /^(\d{1,15})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
};
type Kind = keyof typeof ids;

export const encodeTimelineCursor = (at: Date, id: string): string => `${at.getTime()}.${id}`;

/** The row a cursor stands for, or undefined when it is not one this API returned. */
export function decodeTimelineCursor(kind: Kind, cursor: string): { at: Date; id: string } | undefined {
  const match = ids[kind].exec(cursor);
  if (!match) return undefined;
  const at = new Date(Number(match[1]));
  return Number.isNaN(at.getTime()) ? undefined : { at, id: match[2]! };
}

/** `cursor` of the events or the tickets list. */
export const timelineCursor = (kind: Kind) =>
  z
    .string()
    .refine((c) => decodeTimelineCursor(kind, c) !== undefined, 'cursor: not a cursor this API returned; pass back nextCursor as it came');
