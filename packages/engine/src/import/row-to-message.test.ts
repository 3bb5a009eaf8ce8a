import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RowOrdinals } from './row-ordinals.js';
import { normaliseSpreadsheetId, rowToMessage, type ImportMapping, type ImportRow } from './row-to-message.js';

const mapping: ImportMapping = { kind: 'events', userIdColumn: 'customer', eventName: 'order_line' };
const row = (line: number, values: Record<string, string>): ImportRow => ({ line, values, columns: Object.keys(values) });
const at = new Date('2026-01-01T00:00:00Z');
const idOf = (result: ReturnType<typeof rowToMessage>) => (result.ok ? result.message['messageId'] : result.problems);

describe('message ids of imported rows', () => {
  it('gives identical rows distinct ids; the first keeps the id imports gave it before', () => {
    const values = { customer: '17850', item: 'LUNCH BAG' };
    const ordinals = new RowOrdinals();
    const ids = [1, 2, 3].map((line) => idOf(rowToMessage(row(line, values), mapping, 'retail.csv', at, ordinals)));
    expect(new Set(ids).size).toBe(3);
    const before = createHash('sha256')
      .update(`retail.csv\u0000events\u0000${JSON.stringify(values)}`)
      .digest('hex')
      .slice(0, 32);
    expect(ids[0]).toBe(`import-${before}`);
  });

  it('takes an id column as the identity, so repeated ids stay one row, and refuses an empty or missing one', () => {
    const withId = { ...mapping, idColumn: 'line_id' };
    const ordinals = new RowOrdinals();
    const a = rowToMessage(row(1, { customer: '1', line_id: 'L-1.0' }), withId, 'f.csv', at, ordinals);
    const b = rowToMessage(row(2, { customer: '2', line_id: 'L-1.0' }), withId, 'f.csv', at, ordinals);
    expect(idOf(a)).toBe(idOf(b));
    expect(idOf(rowToMessage(row(3, { customer: '3', line_id: '' }), withId, 'f.csv', at, ordinals))).toEqual([
      'column "line_id" is empty',
    ]);
    expect(idOf(rowToMessage(row(4, { customer: '4' }), withId, 'f.csv', at, ordinals))).toEqual([
      'column "line_id" (--id-column) is not in the file',
    ]);
  });
});

describe('spreadsheet ids', () => {
  it('drops only a run of zeros after the point', () => {
    expect(['17850.0', '17850.00', '-3.0', '17850.5', 'A-1.0', '1.0e3', '0.0', '17850'].map(normaliseSpreadsheetId)).toEqual([
      '17850',
      '17850',
      '-3',
      '17850.5',
      'A-1.0',
      '1.0e3',
      '0',
      '17850',
    ]);
  });

  it('reads user and group ids as ids unless the format is kept', () => {
    const values = { customer: '17850.0', account: '12.0' };
    const member: ImportMapping = { kind: 'memberships', userIdColumn: 'customer', groupIdColumn: 'account' };
    const read = rowToMessage(row(2, values), member, 'm.csv', at);
    const kept = rowToMessage(row(2, values), { ...member, keepIdFormat: true }, 'm.csv', at);
    expect(read.ok && [read.message['userId'], read.message['groupId']]).toEqual(['17850', '12']);
    expect(kept.ok && [kept.message['userId'], kept.message['groupId']]).toEqual(['17850.0', '12.0']);
  });
});
