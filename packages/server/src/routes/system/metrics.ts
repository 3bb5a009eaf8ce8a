import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { SegmentEngine } from '@strata/engine';
import { readSegmentBacklog, readWorkFailures, type Database } from '@strata/storage';

/**
 * `/metrics` in Prometheus text format: this process's live evaluation (work, verdicts, changes,
 * lag and batch-time histograms) and the shared queue. No workspace, segment or profile names:
 * scrapers are not authenticated.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  deps: { db: () => Kysely<Database>; engine: () => SegmentEngine | undefined; now: () => Date },
): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const backlog = await readSegmentBacklog(deps.db());
    const failing = await readWorkFailures(deps.db());
    const engine = deps.engine();
    const oldestAge = backlog.oldest ? Math.max(0, (deps.now().getTime() - backlog.oldest.getTime()) / 1000) : 0;
    const lines = [
      '# HELP strata_segment_backlog Profile changes queued for live evaluation, all workspaces.',
      '# TYPE strata_segment_backlog gauge',
      `strata_segment_backlog ${backlog.queued}`,
      '# HELP strata_segment_backlog_oldest_seconds Age of the oldest queued change.',
      '# TYPE strata_segment_backlog_oldest_seconds gauge',
      `strata_segment_backlog_oldest_seconds ${oldestAge}`,
      '# HELP strata_segment_work_retrying Queued profile changes whose evaluation failed, waiting to be retried with backoff.',
      '# TYPE strata_segment_work_retrying gauge',
      `strata_segment_work_retrying ${failing.retrying}`,
      '# HELP strata_segment_work_parked Profile changes parked after failing every attempt, all workspaces.',
      '# TYPE strata_segment_work_parked gauge',
      `strata_segment_work_parked ${failing.parked}`,
      ...(engine?.metrics.render() ?? []),
    ];
    if (engine?.lastSweep) {
      lines.push(
        '# HELP strata_segment_last_sweep_timestamp_seconds When this process last swept time.',
        '# TYPE strata_segment_last_sweep_timestamp_seconds gauge',
        `strata_segment_last_sweep_timestamp_seconds ${engine.lastSweep.at.getTime() / 1000}`,
      );
    }
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
}
