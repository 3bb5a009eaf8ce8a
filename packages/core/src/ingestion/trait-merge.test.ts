import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyTraits, mergeVersionedTraits, type VersionedTraits } from './trait-merge.js';

// Message ids are unique within a workspace (replays are dropped before traits apply).
const write = fc.record({
  traits: fc.dictionary(fc.constantFrom('plan', 'seats', 'role'), fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxKeys: 3 }),
  at: fc.integer({ min: 0, max: 5 }).map((d) => new Date(Date.UTC(2026, 0, 1 + d))),
  messageId: fc.string({ minLength: 1, maxLength: 4 }),
});
const empty = (): VersionedTraits => ({ traits: {}, times: {} });

describe('trait resolution by event time', () => {
  it('keeps the latest write of each trait', () => {
    const profile = empty();
    applyTraits(profile, { plan: 'pro', seats: 3 }, new Date('2026-02-01'), 'b');
    applyTraits(profile, { plan: 'free' }, new Date('2026-01-01'), 'a');
    expect(profile.traits).toEqual({ plan: 'pro', seats: 3 });
  });

  it('gives the same traits for the same writes in any order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(write, { maxLength: 12, selector: (w) => w.messageId }), fc.func(fc.integer()), (writes, key) => {
        const forward = empty();
        for (const w of writes) applyTraits(forward, w.traits, w.at, w.messageId);
        const shuffled = empty();
        for (const w of [...writes].sort((a, b) => key(a) - key(b))) applyTraits(shuffled, w.traits, w.at, w.messageId);
        expect(shuffled).toEqual(forward);
      }),
      { numRuns: 1000 },
    );
  });

  it('merges two profiles as if every write had gone to one', () => {
    fc.assert(
      fc.property(fc.uniqueArray(write, { maxLength: 16, selector: (w) => w.messageId }), (writes) => {
        const left = writes.slice(0, writes.length / 2);
        const right = writes.slice(writes.length / 2);
        const a = empty();
        const b = empty();
        const both = empty();
        for (const w of left) applyTraits(a, w.traits, w.at, w.messageId);
        for (const w of right) applyTraits(b, w.traits, w.at, w.messageId);
        for (const w of [...left, ...right]) applyTraits(both, w.traits, w.at, w.messageId);
        expect(mergeVersionedTraits(a, b)).toEqual(both);
      }),
      { numRuns: 1000 },
    );
  });

  // Names an object inherits (or that assignment treats specially) must be stored like any other.
  const prototypeNames = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__proto__', 'toLocaleString'];
  const anyKey = fc.oneof(fc.constantFrom(...prototypeNames), fc.string({ maxLength: 8 }));
  const ownObject = (entries: Array<[string, unknown]>) => {
    const object: Record<string, unknown> = {};
    for (const [key, value] of entries) Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
    return object;
  };
  const sentTraits = fc
    .uniqueArray(fc.tuple(anyKey, fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null))), {
      maxLength: 8,
      selector: ([key]) => key,
    })
    .map(ownObject);

  it('stores traits of any name, Object.prototype names included, as sent', () => {
    fc.assert(
      fc.property(sentTraits, sentTraits, (first, second) => {
        const profile = empty();
        applyTraits(profile, first, new Date('2026-01-01'), 'a');
        expect(Object.entries(profile.traits)).toEqual(Object.entries(first));
        expect(Object.keys(profile.times)).toEqual(Object.keys(first));
        // A later write replaces each name it carries; an earlier one changes nothing.
        applyTraits(profile, second, new Date('2026-02-01'), 'b');
        const expected = ownObject([...Object.entries(first), ...Object.entries(second)]);
        expect(Object.entries(profile.traits).sort()).toEqual(Object.entries(expected).sort());
        applyTraits(profile, first, new Date('2025-12-01'), 'c');
        expect(Object.entries(profile.traits).sort()).toEqual(Object.entries(expected).sort());
        expect(Object.getPrototypeOf(profile.traits)).toBe(Object.prototype);
        const merged = mergeVersionedTraits(empty(), profile);
        expect(Object.entries(merged.traits).sort()).toEqual(Object.entries(expected).sort());
      }),
      { numRuns: 500 },
    );
  });
});
