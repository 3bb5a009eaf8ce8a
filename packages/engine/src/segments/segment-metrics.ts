import type { MembershipChange } from '@strata/storage';

const lagBucketsMs = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];

/** A cumulative histogram, rendered the way Prometheus reads it. */
class Histogram {
  readonly counts = lagBucketsMs.map(() => 0);
  count = 0;
  sumMs = 0;
  private readonly recent: number[] = [];

  observe(ms: number): void {
    this.count++;
    this.sumMs += ms;
    for (const [i, bound] of lagBucketsMs.entries()) if (ms <= bound) this.counts[i]!++;
    this.recent.push(ms);
    if (this.recent.length > 10_000) this.recent.splice(0, this.recent.length - 10_000);
  }

  /** A quantile of the last 10,000 observations. */
  quantile(q: number): number | null {
    if (this.recent.length === 0) return null;
    const sorted = [...this.recent].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  }

  render(name: string, help: string): string[] {
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
    for (const [i, bound] of lagBucketsMs.entries()) lines.push(`${name}_bucket{le="${bound / 1000}"} ${this.counts[i]}`);
    lines.push(`${name}_bucket{le="+Inf"} ${this.count}`, `${name}_sum ${this.sumMs / 1000}`, `${name}_count ${this.count}`);
    return lines;
  }
}

/** What this process's live evaluation has done, for `/metrics` and the segment telemetry. */
export class SegmentMetrics {
  readonly lag = new Histogram();
  readonly batch = new Histogram();
  workItems = 0;
  decisions = 0;
  /** Failed evaluations of queued work: retried after a backoff, or parked. */
  workRetried = 0;
  workParked = 0;
  private readonly changes = new Map<string, number>();
  /** Per workspace, then segment key: when live evaluation last changed a segment here. Keyed by workspace
   * first because segment keys repeat across workspaces, and one's freshness must not show another's changes. */
  private readonly lastLiveAt = new Map<string, Map<string, Date>>();

  /** A batch is one workspace's work; `at` is when it committed, by the injected clock. */
  recordBatch(batch: {
    workspaceId: string;
    at: Date;
    items: number;
    decided: number;
    changes: readonly MembershipChange[];
    lagsMs: number[];
    tookMs: number;
  }): void {
    this.workItems += batch.items;
    this.decisions += batch.decided;
    for (const ms of batch.lagsMs) this.lag.observe(ms);
    this.batch.observe(batch.tookMs);
    for (const change of batch.changes) {
      this.changes.set(change.kind, (this.changes.get(change.kind) ?? 0) + 1);
      let segments = this.lastLiveAt.get(batch.workspaceId);
      if (!segments) this.lastLiveAt.set(batch.workspaceId, (segments = new Map<string, Date>()));
      segments.set(change.segmentKey, batch.at);
    }
  }

  /** When live evaluation in this process last changed the workspace's segment, if it has. */
  lastLiveChangeAt(workspaceId: string, segmentKey: string): Date | undefined {
    return this.lastLiveAt.get(workspaceId)?.get(segmentKey);
  }

  recordFailure(failure: { retrying: number; parked: number }): void {
    this.workRetried += failure.retrying;
    this.workParked += failure.parked;
  }

  /** Prometheus text for the counters this process keeps. */
  render(): string[] {
    const lines = [
      '# HELP strata_segment_work_items_total Queued profile changes this process evaluated.',
      '# TYPE strata_segment_work_items_total counter',
      `strata_segment_work_items_total ${this.workItems}`,
      '# HELP strata_segment_decisions_total Segment verdicts this process decided.',
      '# TYPE strata_segment_decisions_total counter',
      `strata_segment_decisions_total ${this.decisions}`,
      '# HELP strata_segment_work_failures_total Queued profile changes whose evaluation failed here, by what became of them.',
      '# TYPE strata_segment_work_failures_total counter',
      `strata_segment_work_failures_total{outcome="retrying"} ${this.workRetried}`,
      `strata_segment_work_failures_total{outcome="parked"} ${this.workParked}`,
      '# HELP strata_segment_changes_total Membership enters and exits this process applied.',
      '# TYPE strata_segment_changes_total counter',
    ];
    // By kind only: /metrics is unauthenticated, so it names no workspace or segment.
    for (const [kind, count] of [...this.changes].sort()) lines.push(`strata_segment_changes_total{kind="${kind}"} ${count}`);
    for (const [name, histogram, help] of [
      ['strata_segment_live_lag_recent_seconds', this.lag, 'Live lag over the last 10,000 items.'],
      ['strata_segment_batch_recent_seconds', this.batch, 'Batch time over the last 10,000 batches.'],
    ] as const) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const q of [0.5, 0.9, 0.99]) lines.push(`${name}{quantile="${q}"} ${(histogram.quantile(q) ?? 0) / 1000}`);
    }
    lines.push(
      ...this.lag.render('strata_segment_live_lag_seconds', 'Time from a change being queued to its membership result committing.'),
      ...this.batch.render('strata_segment_batch_seconds', 'Time to evaluate and apply one batch of work.'),
    );
    return lines;
  }
}
