import { expect, it } from 'vitest';
import { churnSnapshots } from './churn-snapshots.js';

it('held-out snapshots are the latest with a settled horizon; training labels settle before the first of them', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const daysAgo = (d: Date) => (now.getTime() - d.getTime()) / 86_400_000;
  const { training, heldOut } = churnSnapshots(now, 90, new Date('2025-01-01T00:00:00Z'));
  expect(heldOut.map(daysAgo)).toEqual([90, 120, 150]);
  // The earliest held-out instant is 150 days ago; a training label ends 90 days after its snapshot.
  expect(training.map(daysAgo)).toEqual([240, 270, 300, 330, 360]);
  expect(Math.max(...training.map((t) => t.getTime() + 90 * 86_400_000))).toBeLessThanOrEqual(Math.min(...heldOut.map((t) => t.getTime())));
});
