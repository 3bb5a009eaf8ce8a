import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { addDays, calendarDayOf, daysBetween } from '@strata/core';
import {
  forEachWorkspace,
  inWorkspaceTransaction,
  listSegments,
  readWorkspaceHours,
  saveAnalyticsBackfill,
  workspaceScope,
  type AnalyticsBackfill,
  type WorkspaceScope,
} from '@strata/storage';
import { enqueue, type Task } from '../jobs/index.js';
import { snapshotMetricDay } from './snapshot-metric-days.js';

/** The longest range one backfill covers: the longest retention window, and some. */
export const maxBackfillDays = 400;

/**
 * Stores yesterday's facts (in each workspace's time zone) for every segment, once a day after
 * midnight UTC: yesterday is over everywhere by then, and the days since are computed on demand.
 */
export const snapshotSegmentMetricsTask: Task<{ workspaceId?: string | undefined }> = {
  name: 'snapshot-segment-metrics',
  payload: z.object({ workspaceId: z.string().optional() }).passthrough(),
  singleton: true,
  schedule: '20 0 * * *',
  maxAttempts: 3,
  async run(payload, { db, now, log }) {
    const snapshot = async (scope: WorkspaceScope) => {
      const { timezone } = await readWorkspaceHours(scope);
      const yesterday = addDays(calendarDayOf(now(), timezone), -1);
      const segments = await snapshotMetricDay(scope, yesterday);
      log('info', 'segment metrics snapshotted', { workspaceId: scope.workspaceId, day: yesterday, segments });
    };
    if (payload.workspaceId) await snapshot(workspaceScope(db, payload.workspaceId, now));
    else await forEachWorkspace(db, now, snapshot);
  },
};

type BackfillPayload = { workspaceId: string; backfillId: string; from: string; to: string };

/** Computes the stored days of a range again from the history, oldest first, with progress. */
export const backfillSegmentMetricsTask: Task<BackfillPayload> = {
  name: 'backfill-segment-metrics',
  payload: z.object({ workspaceId: z.string(), backfillId: z.string(), from: z.string(), to: z.string() }).passthrough(),
  maxAttempts: 3,
  async run(payload, { db, now, lastAttempt }) {
    const scope = workspaceScope(db, payload.workspaceId, now);
    const run = { id: payload.backfillId, fromDay: payload.from, toDay: payload.to, startedAt: now() };
    await backfillSegmentMetrics(scope, run).catch(async (error: unknown) => {
      if (lastAttempt)
        await saveAnalyticsBackfill(scope, {
          ...run,
          status: 'failed',
          done: 0,
          total: 0,
          error: error instanceof Error ? error.message : String(error),
          finishedAt: now(),
        });
      throw error;
    });
  },
};

/** Runs a backfill in this process, recording progress after each day; exported for tests and the CLI. */
export async function backfillSegmentMetrics(
  scope: WorkspaceScope,
  run: Pick<AnalyticsBackfill, 'id' | 'fromDay' | 'toDay' | 'startedAt'>,
): Promise<AnalyticsBackfill> {
  const days = daysBetween(run.fromDay, run.toDay);
  const total = days.length * (await listSegments(scope)).length;
  let done = 0;
  const progress = (status: AnalyticsBackfill['status']): AnalyticsBackfill => ({
    ...run,
    status,
    done,
    total,
    error: null,
    finishedAt: status === 'done' ? scope.clock() : null,
  });
  await saveAnalyticsBackfill(scope, progress('running'));
  for (const day of days) {
    done += await snapshotMetricDay(scope, day);
    await saveAnalyticsBackfill(scope, progress('running'));
  }
  const finished = progress('done');
  await saveAnalyticsBackfill(scope, finished);
  return finished;
}

/** Queues a backfill of the days `from` to `to`; answers its id (its progress: findAnalyticsBackfill). */
export async function requestMetricsBackfill(scope: WorkspaceScope, from: string, to: string): Promise<string> {
  const id = randomUUID();
  await inWorkspaceTransaction(scope, async (tx) => {
    await saveAnalyticsBackfill(tx, {
      id,
      fromDay: from,
      toDay: to,
      status: 'queued',
      done: 0,
      total: 0,
      error: null,
      startedAt: tx.clock(),
      finishedAt: null,
    });
    await enqueue(tx.db, backfillSegmentMetricsTask, { workspaceId: tx.workspaceId, backfillId: id, from, to });
  });
  return id;
}
