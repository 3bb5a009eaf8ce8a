import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { subscribers, type SegmentEngine } from '@strata/engine';
import {
  countOutboxEmails,
  countPlaybookActivity,
  countSupportEvents,
  readSegmentBacklog,
  readWorkFailures,
  summariseSubscriberLag,
  type Database,
} from '@strata/storage';
import { metricsGate, type MetricsAccess } from './metrics-access.js';

/**
 * `/metrics` in Prometheus text format: this process's live evaluation (work, verdicts, changes,
 * lag and batch-time histograms), the shared queue, and each change subscriber's lag. No workspace, segment or profile names:
 * scrapers hold no workspace's key; they are let in by address or by their own token (`metricsGate`).
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  deps: {
    db: () => Kysely<Database>;
    engine: () => SegmentEngine | undefined;
    now: () => Date;
    access: MetricsAccess;
    /** Ingestion requests this process refused for a write key's rate. */
    ingestRateLimited: () => number;
  },
): void {
  const gate = metricsGate(deps.access);
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    gate(request);
    const backlog = await readSegmentBacklog(deps.db());
    const failing = await readWorkFailures(deps.db());
    const engine = deps.engine();
    const lag = await summariseSubscriberLag(
      deps.db(),
      subscribers.map((s) => s.name),
      10_000,
    );
    const supportEvents = await countSupportEvents(deps.db());
    const playbooks = await countPlaybookActivity(deps.db());
    const outbox = await countOutboxEmails(deps.db());
    const suppressed = playbooks.steps
      .filter((s) => (s.type === 'email' || s.type === 'survey') && s.outcome === 'suppressed')
      .reduce((sum, s) => sum + s.count, 0);
    const oldestAge = ageSeconds(backlog.oldest, deps.now());
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
      '# HELP strata_ingest_rate_limited_total Ingestion requests this process refused with 429 because their write key was over its rate.',
      '# TYPE strata_ingest_rate_limited_total counter',
      `strata_ingest_rate_limited_total ${deps.ingestRateLimited()}`,
      '# HELP strata_subscriber_lag_seconds Age of the oldest membership change a subscriber has not handled, over all workspaces; 0 when caught up.',
      '# TYPE strata_subscriber_lag_seconds gauge',
      ...lag.map((l) => `strata_subscriber_lag_seconds{subscriber="${l.subscriber}"} ${ageSeconds(l.oldestAt, deps.now())}`),
      '# HELP strata_subscriber_backlog Membership changes a subscriber has not handled, over all workspaces (each counted up to 10000).',
      '# TYPE strata_subscriber_backlog gauge',
      ...lag.map((l) => `strata_subscriber_backlog{subscriber="${l.subscriber}"} ${l.backlog}`),
      '# HELP strata_subscriber_failing_workspaces Workspaces where a subscriber is backing off after a failure.',
      '# TYPE strata_subscriber_failing_workspaces gauge',
      ...lag.map((l) => `strata_subscriber_failing_workspaces{subscriber="${l.subscriber}"} ${l.failingWorkspaces}`),
      '# HELP strata_support_events_total Support events announced (ticket.decided, sla.warning, sla.breached), all workspaces.',
      '# TYPE strata_support_events_total counter',
      ...Object.entries(supportEvents).map(([type, n]) => `strata_support_events_total{type="${type}"} ${n}`),
      '# HELP strata_playbook_runs Playbook runs (enrolments) by status, all workspaces.',
      '# TYPE strata_playbook_runs gauge',
      ...Object.entries(playbooks.runs).map(([status, n]) => `strata_playbook_runs{status="${status}"} ${n}`),
      '# HELP strata_playbook_steps_total Playbook steps run, by step type and outcome, all workspaces.',
      '# TYPE strata_playbook_steps_total counter',
      ...playbooks.steps.map((s) => `strata_playbook_steps_total{type="${s.type}",outcome="${s.outcome}"} ${s.count}`),
      '# HELP strata_playbook_experiment_runs Playbook runs in an experiment, by arm key (holdout included), all workspaces.',
      '# TYPE strata_playbook_experiment_runs gauge',
      ...playbooks.arms.map((a) => `strata_playbook_experiment_runs{arm="${a.arm}"} ${a.count}`),
      '# HELP strata_emails_total Playbook emails sent, failed for good (dead-lettered), and suppressed (unsubscribed or on the suppression list), all workspaces.',
      '# TYPE strata_emails_total counter',
      `strata_emails_total{status="sent"} ${outbox.sent}`,
      `strata_emails_total{status="failed"} ${outbox.failed}`,
      `strata_emails_total{status="suppressed"} ${suppressed}`,
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

function ageSeconds(since: Date | null, now: Date): number {
  return since ? Math.max(0, (now.getTime() - since.getTime()) / 1000) : 0;
}
