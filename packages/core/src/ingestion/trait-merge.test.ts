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
});
