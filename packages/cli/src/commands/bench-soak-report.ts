import { quantiles, round, slope, statusCounts, type CallRecord, type Quantiles } from './bench-soak-stats.js';

/** What the sampler saw at one moment: the server's memory and the live queue per tenant. */
export interface SoakSample {
  at: number;
  server_mb: number;
  postgres_mb: number;
  backlog: Record<string, number>;
}

/** The normal tenants, whose service the poisoned one must not degrade. */
export const normalTenants = ['main', 'normal'] as const;

export interface SoakInterval {
  t_s: number;
  /** Whether the poisoned tenant ran in this interval: off, on, or from the second it started. */
  poison: string;
  events_per_s: number;
  ack_ms: Quantiles;
  membership_ms: Record<string, Quantiles & { timeouts: number }>;
  read_ms: Quantiles;
  normal_errors: Record<string, number>;
  poison_calls: number;
  poison_statuses: Record<string, number>;
  server_5xx: number;
  backlog: Record<string, number>;
  server_mb: number;
  postgres_mb: number;
}

const isNormal = (c: CallRecord) => (normalTenants as readonly string[]).includes(c.tenant);
const failed = (c: CallRecord) => c.status !== 200;

function membership(calls: readonly CallRecord[]): Record<string, Quantiles & { timeouts: number }> {
  const result: Record<string, Quantiles & { timeouts: number }> = {};
  for (const tenant of normalTenants) {
    const probes = calls.filter((c) => c.kind === 'membership' && c.tenant === tenant);
    result[tenant] = {
      ...quantiles(probes.filter((c) => c.status === 200).map((c) => c.ms)),
      timeouts: probes.filter((c) => c.status !== 200).length,
    };
  }
  return result;
}

/** The soak cut into intervals of `intervalMs`, each with what was achieved and seen in it. */
export function soakIntervals(
  calls: readonly CallRecord[],
  samples: readonly SoakSample[],
  options: { durationMs: number; intervalMs: number; poisonFromMs: number },
): SoakInterval[] {
  const rows: SoakInterval[] = [];
  for (let from = 0; from < options.durationMs; from += options.intervalMs) {
    const to = Math.min(options.durationMs, from + options.intervalMs);
    const inside = calls.filter((c) => c.at >= from && c.at < to);
    const normal = inside.filter(isNormal);
    const ingest = normal.filter((c) => c.kind === 'ingest');
    const poison = inside.filter((c) => c.tenant === 'poison');
    const sample = [...samples].reverse().find((s) => s.at <= to) ?? samples[0];
    rows.push({
      t_s: Math.round(to / 1000),
      poison:
        to <= options.poisonFromMs ? 'off' : from >= options.poisonFromMs ? 'on' : `from ${Math.round(options.poisonFromMs / 1000)} s`,
      events_per_s: Math.round(ingest.reduce((sum, c) => sum + (c.events ?? 0), 0) / ((to - from) / 1000)),
      ack_ms: quantiles(ingest.filter((c) => c.status === 200).map((c) => c.ms)),
      membership_ms: membership(normal),
      read_ms: quantiles(normal.filter((c) => c.kind.startsWith('read-') && c.status === 200).map((c) => c.ms)),
      normal_errors: statusCounts(normal.filter(failed)),
      poison_calls: poison.length,
      poison_statuses: statusCounts(poison),
      server_5xx: inside.filter((c) => c.status >= 500).length,
      backlog: sample?.backlog ?? {},
      server_mb: sample?.server_mb ?? 0,
      postgres_mb: sample?.postgres_mb ?? 0,
    });
  }
  return rows;
}

/** Memory at the start and end and how fast it grew, over the whole run and its second half. */
export function memoryTrend(samples: readonly SoakSample[], durationMs: number) {
  const during = samples.filter((s) => s.at <= durationMs);
  const perMinute = (pick: (s: SoakSample) => number, from: number) =>
    round(slope(during.filter((s) => s.at >= from).map((s) => ({ x: s.at / 60_000, y: pick(s) }))));
  const first = during[0];
  const last = during.at(-1);
  return {
    server_mb: { start: first?.server_mb ?? 0, end: last?.server_mb ?? 0, max: Math.max(0, ...during.map((s) => s.server_mb)) },
    postgres_private_mb: { start: first?.postgres_mb ?? 0, end: last?.postgres_mb ?? 0 },
    server_slope_mb_per_min: perMinute((s) => s.server_mb, 0),
    server_slope_second_half_mb_per_min: perMinute((s) => s.server_mb, durationMs / 2),
    postgres_slope_mb_per_min: perMinute((s) => s.postgres_mb, 0),
  };
}

/** Every answer of the poisoned tenant, by what it tried. */
export function poisonByKind(
  calls: readonly CallRecord[],
): Record<string, { statuses: Record<string, number>; p50_ms: number; max_ms: number }> {
  const kinds: Record<string, CallRecord[]> = {};
  for (const call of calls.filter((c) => c.tenant === 'poison')) (kinds[call.kind] ??= []).push(call);
  return Object.fromEntries(
    Object.entries(kinds).map(([kind, list]) => {
      const q = quantiles(list.map((c) => c.ms));
      return [kind, { statuses: statusCounts(list), p50_ms: q.p50, max_ms: q.max }];
    }),
  );
}

/** Whole-run figures for the normal tenants, split before and while the poisoned one runs. */
export function normalTotals(calls: readonly CallRecord[], durationMs: number, poisonFromMs: number) {
  const normal = calls.filter(isNormal);
  const ingest = normal.filter((c) => c.kind === 'ingest');
  return {
    events_acknowledged: ingest.reduce((sum, c) => sum + (c.events ?? 0), 0),
    events_per_s: Math.round(ingest.reduce((sum, c) => sum + (c.events ?? 0), 0) / (durationMs / 1000)),
    batches: ingest.length,
    ack_ms: quantiles(ingest.filter((c) => c.status === 200).map((c) => c.ms)),
    membership_ms_before_poison: membership(normal.filter((c) => c.at < poisonFromMs)),
    membership_ms_with_poison: membership(normal.filter((c) => c.at >= poisonFromMs)),
    read_ms: quantiles(normal.filter((c) => c.kind.startsWith('read-') && c.status === 200).map((c) => c.ms)),
    errors: statusCounts(normal.filter(failed)),
    errors_by_kind: Object.fromEntries(
      [...new Set(normal.filter(failed).map((c) => c.kind))].map((kind) => [
        kind,
        statusCounts(normal.filter((c) => failed(c) && c.kind === kind)),
      ]),
    ),
  };
}

/** The intervals as a fixed-width table a person can read in a terminal or paste into Markdown. */
export function soakTable(rows: readonly SoakInterval[]): string {
  const header = [
    't (s)',
    'poison',
    'events/s',
    'ack p50/p95/p99 ms',
    'main memb. p50/p99 ms',
    'normal memb. p50/p99 ms',
    'reads p50/p99 ms',
    'errors (normal)',
    '5xx',
    'queued m/n/p',
    'poison retrying/parked',
    'RSS MB srv/pg',
  ];
  const pair = (q: Quantiles & { timeouts?: number }) =>
    `${q.n === 0 ? '–' : `${q.p50} / ${q.p99}`}${q.timeouts ? ` (${q.timeouts} timed out)` : ''}`;
  const errors = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ') || '–';
  const body = rows.map((r) => [
    String(r.t_s),
    r.poison,
    String(r.events_per_s),
    r.ack_ms.n === 0 ? '–' : `${r.ack_ms.p50} / ${r.ack_ms.p95} / ${r.ack_ms.p99}`,
    pair(r.membership_ms['main']!),
    pair(r.membership_ms['normal']!),
    pair(r.read_ms),
    errors(r.normal_errors),
    String(r.server_5xx),
    `${r.backlog['main'] ?? 0} / ${r.backlog['normal'] ?? 0} / ${r.backlog['poison'] ?? 0}`,
    `${r.backlog['poison_retrying'] ?? 0} / ${r.backlog['poison_parked'] ?? 0}`,
    `${r.server_mb} / ${r.postgres_mb}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
