import { describe, expect, it } from 'vitest';
import { parseSegmentMessages } from './segment-message.js';

describe('parseSegmentMessages', () => {
  it('accepts every message type with its required fields, coercing numeric ids to strings', () => {
    const result = parseSegmentMessages([
      { type: 'identify', userId: 42, traits: { plan: 'pro' } },
      { type: 'track', anonymousId: 'a', event: 'login' },
      { type: 'group', userId: 'u', groupId: 7 },
      { type: 'page', userId: 'u' },
      { type: 'screen', userId: 'u', name: 'Home' },
      { type: 'alias', userId: 'u', previousId: 'a' },
    ]);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.messages[0]).toMatchObject({ userId: '42' });
      expect(result.messages[2]).toMatchObject({ groupId: '7' });
    }
  });

  it('reports every problem of every message with its index and field', () => {
    const result = parseSegmentMessages([
      { type: 'track', userId: 'u' },
      'text',
      { type: 'group', userId: 'u' },
      { type: 'identify', traits: {} },
    ]);
    expect(result).toEqual({
      ok: false,
      issues: [
        { index: 0, field: 'event', code: 'missing-field', message: 'event is required' },
        { index: 1, field: '', code: 'invalid-type', message: 'each message must be a JSON object' },
        { index: 2, field: 'groupId', code: 'missing-field', message: 'groupId is required' },
        { index: 3, field: 'userId', code: 'missing-field', message: 'userId or anonymousId is required' },
      ],
    });
  });

  it('lets the endpoint decide the type of a single message', () => {
    const result = parseSegmentMessages([{ type: 'identify', userId: 'u', event: 'login' }], 'track');
    expect(result.ok && result.messages[0]?.type).toBe('track');
  });

  it('refuses dates that are not dates or fall outside 1970-2100', () => {
    const result = parseSegmentMessages([
      { type: 'track', userId: 'u', event: 'e', timestamp: 'soon' },
      { type: 'track', userId: 'u', event: 'e', timestamp: '1969-12-31T23:59:59Z' },
    ]);
    expect(result.ok ? [] : result.issues.map((i) => [i.index, i.field, i.code])).toEqual([
      [0, 'timestamp', 'invalid-value'],
      [1, 'timestamp', 'invalid-value'],
    ]);
  });

  it('accepts account-only group and track calls only when asked (imports)', () => {
    const messages = [
      { type: 'group', groupId: 'g' },
      { type: 'track', event: 'e', context: { groupId: 'g' } },
    ];
    expect(parseSegmentMessages(messages).ok).toBe(false);
    expect(parseSegmentMessages(messages, undefined, { allowAccountOnly: true }).ok).toBe(true);
  });

  it('refuses NUL, unpaired surrogates and deep nesting before anything recursive reads the message', () => {
    const deep = JSON.parse(`{"type":"track","userId":"u","event":"e","properties":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const result = parseSegmentMessages([
      { type: 'identify', userId: 'u', traits: { ['pl\u0000an']: 1 } },
      { type: 'track', userId: 'u\ud800', event: 'e' },
      deep,
    ]);
    expect(result.ok ? [] : result.issues.map((i) => [i.index, i.field, i.code])).toEqual([
      [0, 'traits.pl\\u0000an', 'invalid-character'],
      [1, 'userId', 'invalid-character'],
      [2, 'properties', 'too-deep'],
    ]);
  });

  it('passes traits and properties through as sent, an own __proto__ key included', () => {
    const raw = JSON.parse('{"type":"identify","userId":"u","traits":{"__proto__":{"x":1},"constructor":"c"}}');
    const result = parseSegmentMessages([raw]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const message = result.messages[0]!;
    expect(message.type === 'identify' && Object.keys(message.traits ?? {})).toEqual(['__proto__', 'constructor']);
  });
});
