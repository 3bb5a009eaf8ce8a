import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowOrdinals } from './row-ordinals.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

describe('ordinals of identical rows', () => {
  it('counts each content apart, past the table growing and across colliding slots', () => {
    const ordinals = new RowOrdinals();
    const contents = Array.from({ length: 5_000 }, (_, i) => `row ${i}`);
    for (const content of contents) expect(ordinals.next(digest(content))).toBe(0);
    for (const content of contents) expect(ordinals.next(digest(content))).toBe(1);
    // Same low 32 bits, different high bits: the same first slot.
    const a = Buffer.from([0, 0, 0, 1, 9, 9, 9, 9]);
    const b = Buffer.from([0, 0, 0, 2, 9, 9, 9, 9]);
    expect([ordinals.next(a), ordinals.next(b), ordinals.next(a), ordinals.next(b)]).toEqual([0, 0, 1, 1]);
  });

  it('agrees with counting in a map', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 3_000 }), (rows) => {
        const ordinals = new RowOrdinals();
        const counts = new Map<number, number>();
        for (const row of rows) {
          const expected = counts.get(row) ?? 0;
          counts.set(row, expected + 1);
          expect(ordinals.next(digest(String(row)))).toBe(expected);
        }
      }),
    );
  });
});
