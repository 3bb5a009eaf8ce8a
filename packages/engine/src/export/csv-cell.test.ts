import { expect, it } from 'vitest';
import { csvCell, csvLine } from './csv-cell.js';

it.each([
  ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
  ['+1+1', `"'+1+1"`],
  ['-2+3', `"'-2+3"`],
  ['@SUM(A1)', `"'@SUM(A1)"`],
  ['\tx', `"'\tx"`],
  ['\rx', `"'\rx"`],
])('prefixes and quotes a cell that starts like a formula: %j', (value, cell) => {
  expect(csvCell(value)).toBe(cell);
});

it('quotes text with commas, quotes or line breaks and leaves plain text and UTF-8 alone', () => {
  expect(csvCell('a,b')).toBe('"a,b"');
  expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  expect(csvCell('two\nlines')).toBe('"two\nlines"');
  expect(csvCell('Müller Жанна 日本')).toBe('Müller Жанна 日本');
});

it('writes numbers, booleans, dates, objects and missing values', () => {
  expect(csvLine([-5, 1.5, true, new Date('2026-12-07T00:00:00Z'), { a: 1 }, null, undefined])).toBe(
    '-5,1.5,true,2026-12-07T00:00:00.000Z,"{""a"":1}",,\r\n',
  );
});
