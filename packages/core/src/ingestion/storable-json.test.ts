import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonHazard, formatJsonPath, maxJsonDepth } from './storable-json.js';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('findJsonHazard', () => {
  it('finds NUL and unpaired surrogates in values and keys, with their path', () => {
    expect(findJsonHazard({ traits: { plan: 'a\u0000' } })).toMatchObject({ path: ['traits', 'plan'], code: 'invalid-character' });
    expect(findJsonHazard({ list: ['ok', 'x\ud800'] })).toMatchObject({ path: ['list', 1], code: 'invalid-character' });
    expect(findJsonHazard({ a: { 'k\udc00': 1 } })).toMatchObject({ path: ['a', 'k\udc00'], code: 'invalid-character' });
    expect(findJsonHazard('\ud800')?.problem).toMatch(/unpaired UTF-16 surrogate \(\\ud800\)/);
  });

  it('accepts paired surrogates and ordinary text', () => {
    expect(findJsonHazard({ name: 'Ada 🚀', ключ: 'значение', n: 1, b: true, z: null })).toBeUndefined();
  });

  it('accepts every well-formed string without NUL', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        fc.pre(!text.includes('\u0000'));
        expect(findJsonHazard({ [text]: [text] })).toBeUndefined();
      }),
    );
  });

  it('refuses nesting beyond the limit without recursing, at any depth', () => {
    expect(findJsonHazard(nested(maxJsonDepth))).toBeUndefined();
    expect(findJsonHazard(nested(maxJsonDepth + 1))).toMatchObject({ code: 'too-deep' });
    // Far deeper than the call stack allows: a recursive walk would throw RangeError here.
    expect(findJsonHazard({ properties: nested(500_000) })).toMatchObject({
      code: 'too-deep',
      path: expect.arrayContaining(['properties']),
    });
  });

  it('reports the first hazard in document order', () => {
    expect(findJsonHazard({ a: 'ok', b: '\u0000', c: '\u0000' })?.path).toEqual(['b']);
  });
});

describe('formatJsonPath', () => {
  it('writes characters that cannot be shown as escapes', () => {
    expect(formatJsonPath(['traits', 'pl\u0000an', 2, 'x\ud800'])).toBe('traits.pl\\u0000an.2.x\\ud800');
  });
});
