import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ColumnTypeInference, coerceTypedCell, parseCsvTime } from './column-types.js';

const infer = (cells: string[]) => {
  const inference = new ColumnTypeInference();
  for (const cell of cells) inference.see({ column: cell });
  return inference.types()['column'];
};

describe('column types from all of a column', () => {
  it('widens an invoice column to string at its first "C" value, however late', () => {
    const invoices = Array.from({ length: 10_000 }, (_, i) => String(536365 + i));
    expect(infer(invoices)).toBe('number');
    expect(infer([...invoices, 'C546365'])).toBe('string');
  });

  it('types numbers, booleans and ISO times, ignores empty cells, and mixes to string', () => {
    expect(infer(['1', '', '2.5', '-3'])).toBe('number');
    expect(infer(['True', 'false', ' '])).toBe('boolean');
    expect(infer(['2010-12-01 08:26:00', '2024-10-16', '2024-10-16T08:00:00+02:00'])).toBe('datetime');
    expect(infer(['1', 'true'])).toBe('string');
    expect(infer(['2024-10-16', '12'])).toBe('string');
    expect(infer(['01234', '12345'])).toBe('string');
    expect(infer(['', ''])).toBeUndefined();
  });

  it('infers a type that holds every cell of the column', () => {
    const cell = fc.oneof(
      fc.constantFrom('', 'true', 'FALSE', '2024-02-29', '2010-12-01 08:26:00', 'C536379', '17850.0', '007'),
      fc.integer().map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(cell), (cells) => {
        const type = infer(cells);
        for (const text of cells) expect(type ? coerceTypedCell(text, type).ok : text.trim() === '').toBe(true);
      }),
    );
  });
});

describe('a forced type', () => {
  it('says which type a cell cannot be, and stores times as ISO 8601 in UTC', () => {
    expect(coerceTypedCell('six', 'number')).toEqual({ ok: false, problem: 'a number' });
    expect(coerceTypedCell('yes', 'boolean')).toEqual({ ok: false, problem: 'a boolean' });
    expect(coerceTypedCell('someday', 'datetime')).toEqual({ ok: false, problem: 'a date' });
    expect(coerceTypedCell('007', 'number')).toEqual({ ok: true, value: 7 });
    expect(coerceTypedCell('536365', 'string')).toEqual({ ok: true, value: '536365' });
    expect(coerceTypedCell('2010-12-01 08:26', 'datetime')).toEqual({ ok: true, value: '2010-12-01T08:26:00.000Z' });
    expect(coerceTypedCell('  ', 'number')).toEqual({ ok: true, value: undefined });
  });
});

describe('CSV times', () => {
  it('reads a time without a zone as UTC on any machine, in spreadsheet formats too', () => {
    const zone = process.env['TZ'];
    try {
      for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
        process.env['TZ'] = tz;
        expect(parseCsvTime('12/1/2010 8:26')?.toISOString()).toBe('2010-12-01T08:26:00.000Z');
        expect(parseCsvTime('2010-12-01 08:26')?.toISOString()).toBe('2010-12-01T08:26:00.000Z');
        expect(parseCsvTime('2010-12-01T08:26:00+01:00')?.toISOString()).toBe('2010-12-01T07:26:00.000Z');
        expect(parseCsvTime('Wed, 01 Dec 2010 08:26:00 GMT')?.toISOString()).toBe('2010-12-01T08:26:00.000Z');
      }
    } finally {
      if (zone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = zone;
    }
  });
});
