import { describe, expect, it } from 'vitest';
import { sustainedThroughput } from './bench-live.js';

describe('sustainedThroughput', () => {
  it('counts the catch-up after the last send, and compares with ingestion alone', () => {
    // 200k events sent in 30 s, the queue empty 70 s later: 2,000 events/s sustained.
    expect(sustainedThroughput({ events: 200_000, ingestSeconds: 30, catchUpSeconds: 70, ingestOnlyEventsPerS: 8000 })).toEqual({
      live_sustained_events_per_s: 2000,
      live_sustained_ratio: 0.25,
    });
  });

  it('equals the ingestion rate when evaluation keeps up, which can beat ingestion alone on a noisy machine', () => {
    expect(sustainedThroughput({ events: 20_000, ingestSeconds: 4, catchUpSeconds: 0, ingestOnlyEventsPerS: 4000 })).toEqual({
      live_sustained_events_per_s: 5000,
      live_sustained_ratio: 1.25,
    });
  });
});
