import { rm, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { generateAccounts, loadSampleData, sampleSizes, type SampleSize } from '@strata/engine';
import { findWorkspaceBySlug, readIngestionStats, workspaceScope, type StrataDb } from '@strata/storage';
import { readConfig } from '@strata/server';
import { openCommandDatabase } from '../database-for-command.js';
import {
  createBenchSegments,
  measureExpiryLag,
  measureLiveLatency,
  readServerLiveStats,
  timeRecompute,
  waitForLiveBacklog,
} from './bench-segments.js';
import { countWithStrata, disagreements, loadIntoDuckDb, runNaiveOnDuckDb, runNaiveOnPostgres } from './bench-baselines.js';
import { runSetBasedOnDuckDb } from './bench-duckdb-setbased.js';
import { measureAnalytics } from './bench-analytics.js';
import { measureHealthLatency } from './bench-health.js';
import { measureTicketRedecision } from './bench-redecision.js';
import { measureSupportLatency, measureTicketThroughput } from './bench-support.js';
import { describeMachine } from './bench-server.js';
import { driveIngestion, ingestBatch } from './bench-ingest.js';
import { measureIngestOnly, sustainedThroughput } from './bench-live.js';
import { BenchProcesses } from './bench-processes.js';
import { runSoak } from './bench-soak.js';
import { benchOwnerEnv, measureSegmentsList, timeListRequests } from './bench-web.js';
import { registerBenchWebhook, waitForWebhookDeliveries, WebhookReceiver, webhookDeliveryStats, type Quantiles } from './bench-webhooks.js';

/** Events sent through the ingestion API per size, and the shape of the load. */
const ingestPlan = {
  xs: { events: 20_000, latencySeconds: 20 },
  s: { events: 200_000, latencySeconds: 60 },
  m: { events: 500_000, latencySeconds: 60 },
} as const;
/** Background load while latency is measured: the issue's goal is stated at 1,000 events/s. */
const latencyLoadPerSecond = 1000;
/** The second latency step's load: three times the first, where the next goal is stated. */
const heavyLatencyLoadPerSecond = 3000;
/**
 * How long a probe of the heavy latency step may wait: an engine that falls behind at 3,000
 * events/s shows a long latency rather than failing the run.
 */
const heavyProbeTimeoutMs = 600_000;
/**
 * How long the benchmark waits for the webhook deliveries still queued: after the ingestion burst
 * (so the latency step starts with no backlog of deliveries) and after the latency step.
 */
const webhookDrainMs = { afterIngest: 300_000, afterLatency: 120_000 };

interface BenchOptions {
  size: SampleSize;
  out?: string;
  seed: string;
  soak?: string;
  rate: string;
  interval: string;
  only?: 'live' | 'web' | 'support' | 'analytics' | 'recompute';
  workerProcesses: string;
}

/** `strata bench`: measures Strata on generated data and writes the results as JSON. */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('benchmark ingestion on generated data against a fresh embedded PostgreSQL')
    .addOption(new Option('--size <size>', 'data size').choices(Object.keys(sampleSizes)).default('xs'))
    .option('--out <file>', 'write results as JSON')
    .option('--seed <n>', 'random seed', '1')
    .option('--soak <seconds>', 'instead: a soak of this many seconds with normal tenants and a poisoned one (docs/benchmarks.md)')
    .option('--rate <events>', 'soak: events per second the normal tenants send', '1000')
    .option('--interval <seconds>', 'soak: seconds per reported interval', '30')
    .addOption(
      new Option(
        '--only <steps>',
        "run only these steps: live = generate, build, ingestion, catch-up and latency; web = generate, build, the segments list in Chromium; support = generate, build, tickets/s, ticket re-decision; analytics = generate, build, a day's snapshot and 90 days of metrics; recompute = generate, build, the full recompute against plain and set-based SQL, previews",
      ).choices(['live', 'web', 'support', 'analytics', 'recompute']),
    )
    .option(
      '--worker-processes <n>',
      'run n `strata worker` processes beside the server, which then leaves live evaluation to them (STRATA_LIVE_WORKERS=0)',
      '0',
    )
    .action(async (options: BenchOptions) => {
      if (options.soak !== undefined) return soak(options);
      const results = await runBench(options);
      const text = JSON.stringify(results, null, 2);
      process.stdout.write(`${text}\n`);
      // The live step's summary; a web-only, support-only or analytics-only run has none.
      if (options.only === undefined || options.only === 'live') process.stderr.write(`\n${summaryTable(results)}\n`);
      if (options.out) await writeFile(options.out, `${text}\n`);
    });
}

async function soak(options: BenchOptions): Promise<void> {
  const numbers = { seconds: Number(options.soak), rate: Number(options.rate), interval: Number(options.interval) };
  for (const [name, value] of Object.entries(numbers))
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name === 'seconds' ? 'soak' : name} must be a positive number`);
  const { soak, table } = await runSoak(
    { seconds: numbers.seconds, size: options.size, seed: Number(options.seed), rate: numbers.rate, intervalSeconds: numbers.interval },
    (text) => process.stderr.write(`[soak] ${text}\n`),
  );
  const text = JSON.stringify({ soak }, null, 2);
  if (options.out) await writeFile(options.out, `${text}\n`);
  else process.stdout.write(`${text}\n`);
  const { totals, memory } = soak;
  process.stdout.write(
    `\n${table}\n\n${soak.command}: ${totals.events_per_s} events/s acknowledged, ${soak.server_5xx} answers 5xx, ` +
      `server RSS ${memory.server_mb.start} -> ${memory.server_mb.end} MB (${memory.server_slope_mb_per_min} MB/min), ` +
      `normal tenants' queue ${soak.normal_backlog_drained ? `drained in ${soak.drain_s} s` : 'NOT drained'}` +
      `${soak.server_exited === null ? '' : `; the server EXITED (${soak.server_exited})`}\n`,
  );
}

async function runBench(options: BenchOptions): Promise<Record<string, unknown>> {
  const progress = (text: string) => process.stderr.write(`[bench] ${text}\n`);
  const workerProcesses = Number(options.workerProcesses);
  if (!Number.isInteger(workerProcesses) || workerProcesses < 0 || workerProcesses > 16)
    throw new Error(`--worker-processes must be a whole number from 0 to 16, not ${options.workerProcesses}`);
  // Membership webhooks give the job runner real work during the live step: every change is a
  // message and a deliver-webhook job, posted to this receiver on loopback.
  const receiver = await WebhookReceiver.start();
  const processes = await BenchProcesses.start(
    'strata-bench-',
    progress,
    {
      STRATA_ALLOW_PRIVATE_WEBHOOKS: 'true',
      // An owner who signs in to the web UI for the segments list's timing.
      ...benchOwnerEnv,
    },
    workerProcesses,
  ).catch(async (error: unknown) => {
    await receiver.stop();
    throw error;
  });
  const { dataDir } = processes;
  const { write: writeKey, admin: adminKey } = processes.keys;
  try {
    const config = readConfig({ STRATA_DATA_DIR: dataDir });
    if (!config.ok) throw new Error(config.problems.join('; '));
    const database = await openCommandDatabase(config.config);
    let generated;
    let generateSeconds;
    const seed = Number(options.seed);
    try {
      const workspace = await findWorkspaceBySlug(database.strata.db, 'default');
      if (!workspace) throw new Error('bootstrap workspace missing');
      // The workspace's rows are read through its scope (row-level security shows a bare pool none).
      const scoped = workspaceScope(database.strata.db, workspace.id, () => new Date()).db;
      progress(`generating size ${options.size} (seed ${seed})`);
      const started = performance.now();
      generated = await loadSampleData(
        workspaceScope(scoped, workspace.id, () => new Date()),
        database.strata.pool,
        {
          size: options.size,
          seed,
          onProgress: (p) => {
            if (p.accountsDone % 5000 === 0 || p.accountsDone === p.accounts)
              progress(`  ${p.accountsDone}/${p.accounts} accounts, ${p.events} events`);
          },
        },
      );
      generateSeconds = (performance.now() - started) / 1000;

      progress('creating 39 segments through the API (each is backfilled before it answers; 11 more are predefined)');
      const built = await createBenchSegments(processes.url, adminKey);
      progress('full recompute of all segments (a first pass fills the predefined ones from the generated rows)');
      await timeRecompute(scoped, workspace.id);
      await waitForLiveBacklog(processes.url);
      const segmentsOf = async () =>
        Number(
          (
            await scoped
              .selectFrom('segments')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('workspace_id', '=', workspace.id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      // Captured where both are assigned: in a closure TypeScript no longer narrows an untyped `let`.
      const data = generated;
      const dataSeconds = generateSeconds;
      /** What a run measured on: the data generated and the segments built (the partial runs' first keys). */
      const dataset = (segments: number) => ({
        size: options.size,
        machine: describeMachine(),
        people: data.people,
        accounts: data.accounts,
        events: data.events,
        generate_s: round(dataSeconds),
        segments,
        segment_build_s: round(built.reduce((sum, b) => sum + b.seconds, 0)),
      });
      if (options.only === 'web') {
        const segmentCount = await segmentsOf();
        progress(`loading the segments list (${segmentCount} segments) 5 times in Chromium`);
        const web = await measureSegmentsList(processes.url, segmentCount);
        const requests = await timeListRequests(processes.url, adminKey);
        return {
          ...dataset(segmentCount),
          web_segments_list_ms: web.list,
          web_segments_sparklines_ms: web.sparklines,
          web_api_segments_ms: requests.segments,
          web_api_activity_ms: requests.activity,
          worker_processes: workerProcesses,
          ...(await processes.memory()),
          only: 'web',
        };
      }
      if (options.only === 'support') {
        progress('posting 1000 tickets from new requesters through POST /api/v1/tickets, 8 at a time, text analysis on');
        const ticketsPerS = await measureTicketThroughput(processes.url, writeKey, 1000, 8);
        progress('latency from a membership change to the open ticket decided again by a support policy (40 probes)');
        const redecision = await measureTicketRedecision(processes.url, { write: writeKey, admin: adminKey }, 40);
        return {
          size: options.size,
          machine: describeMachine(),
          tickets_per_s: Math.round(ticketsPerS),
          ticket_redecision_ms: redecision.change,
          ticket_redecision_ack_ms: redecision.ack,
          only: 'support',
        };
      }
      if (options.only === 'analytics') {
        const analytics = await measureAnalytics(
          workspaceScope(scoped, workspace.id, () => new Date()),
          processes.url,
          adminKey,
          built[0]!.key,
          progress,
        );
        return { size: options.size, machine: describeMachine(), segments: await segmentsOf(), ...analytics, only: 'analytics' };
      }
      const live = options.only === 'live';
      const recompute = live ? undefined : await timeRecompute(scoped, workspace.id);
      const segmentCount = await segmentsOf();
      const baselines = live ? undefined : await runBaselines(database.strata, dataDir, workspace.id, progress);
      if (options.only === 'recompute') {
        progress(`previewing ${previewRules.length} rules ${previewRounds} times each through POST /api/v1/segments/preview`);
        const preview = await drivePreviews(processes.url, adminKey);
        return {
          ...dataset(segmentCount),
          ...recomputeResults(recompute!, baselines!),
          preview_ms_p50: round(preview.p50),
          preview_ms_p95: round(preview.p95),
          preview_rules: preview.rules,
          ...(await processes.memory()),
          only: 'recompute',
        };
      }
      const userIds: string[] = [];
      for (const account of generateAccounts(options.size, seed, Date.now()))
        for (const person of account.people) userIds.push(person.userId);
      const total = ingestPlan[options.size].events;
      // Before the webhook is registered, so its catch-up makes no deliveries for the burst to wait behind.
      const ingestOnly = await measureIngestOnly(processes, userIds, total, progress);
      const url = processes.url;
      progress(`registering a membership webhook (every enter and exit) posting to ${receiver.url}`);
      await registerBenchWebhook(url, adminKey, receiver.url);
      progress(
        `ingesting ${total} events through POST /v1/batch (${ingestBatch.size} per batch, ${ingestBatch.concurrency} concurrent), live evaluation on`,
      );
      const ingest = await driveIngestion(url, writeKey, userIds, total);
      const catchUp = await waitForLiveBacklog(url);
      const sustained = sustainedThroughput({
        events: total,
        ingestSeconds: ingest.seconds,
        catchUpSeconds: catchUp,
        ingestOnlyEventsPerS: ingestOnly.eventsPerSecond,
      });
      const stats = await readIngestionStats(workspaceScope(scoped, workspace.id, () => new Date()));
      // The burst, and ingestion alone before it.
      if (stats.stored !== 2 * total) throw new Error(`expected ${2 * total} stored events, the counters say ${stats.stored}`);
      progress('waiting for the webhook deliveries of the ingestion burst');
      const ingestDrain = await waitForWebhookDeliveries(scoped, workspace.id, webhookDrainMs.afterIngest);
      const keys = { write: writeKey, admin: adminKey };
      progress(
        `latency from acknowledgement to visible membership, ${ingestPlan[options.size].latencySeconds} s under ${latencyLoadPerSecond} events/s`,
      );
      const latencyStartedAt = Date.now();
      const latency = await measureLiveLatency(url, keys, userIds, {
        seconds: ingestPlan[options.size].latencySeconds,
        rate: latencyLoadPerSecond,
      });
      const serverLive = await readServerLiveStats(url);
      progress('waiting for the webhook deliveries still queued');
      const drain = await waitForWebhookDeliveries(scoped, workspace.id, webhookDrainMs.afterLatency);
      const webhooks = await webhookDeliveryStats(scoped, workspace.id, receiver, latencyStartedAt);
      const common = {
        size: options.size,
        machine: describeMachine(),
        people: generated.people,
        accounts: generated.accounts,
        events: generated.events,
        generate_s: round(generateSeconds),
        ingest_events: total,
        ingest_events_per_s: Math.round(ingest.eventsPerSecond),
        ingest_batch_ms: { p50: round(ingest.p50), p99: round(ingest.p99) },
        segments: segmentCount,
        segment_build_s: round(built.reduce((sum, b) => sum + b.seconds, 0)),
        live_catch_up_after_ingest_s: round(catchUp),
        latency_ms: { p50: round(latency.p50), p99: round(latency.p99), max: round(latency.max) },
        latency_probes: latency.probes,
        server_live_ms: serverLive,
        latency_load_events_per_s: Math.round(latency.loadEventsPerS),
        webhook_messages: webhooks.messages,
        webhooks_delivered: receiver.received,
        webhooks_repeated: receiver.repeated,
        webhook_drain_after_ingest_s: round(ingestDrain.seconds),
        webhooks_pending_after_ingest_drain: ingestDrain.pending,
        webhooks_pending_after_drain: drain.pending,
        webhook_drain_s: round(drain.seconds),
        webhook_delivery_ms: roundQuantiles(webhooks.delivery),
        webhook_job_ms: roundQuantiles(webhooks.job),
        webhook_delivery_all_ms: roundQuantiles(webhooks.deliveryAll),
        webhook_job_all_ms: roundQuantiles(webhooks.jobAll),
        tickets: generated.tickets,
        survey_answers: generated.surveys,
        ingest_only_events_per_s: Math.round(ingestOnly.eventsPerSecond),
        ...sustained,
        worker_processes: workerProcesses,
      };
      await waitForLiveBacklog(url);
      progress(
        `latency from acknowledgement to visible membership, ${ingestPlan[options.size].latencySeconds} s under ${heavyLatencyLoadPerSecond} events/s`,
      );
      const heavy = await measureLiveLatency(url, keys, userIds, {
        seconds: ingestPlan[options.size].latencySeconds,
        rate: heavyLatencyLoadPerSecond,
        probeTimeoutMs: heavyProbeTimeoutMs,
      });
      const live3k = {
        latency_ms_3k: { p50: round(heavy.p50), p99: round(heavy.p99), max: round(heavy.max) },
        latency_probes_3k: heavy.probes,
        latency_load_3k_events_per_s: Math.round(heavy.loadEventsPerS),
      };
      if (live || !recompute || !baselines) return { ...common, ...live3k, ...(await processes.memory()), only: 'live' };
      progress('window expiry with no new event (a 1-minute window; takes about 1.5 minutes)');
      const expiry = await measureExpiryLag(url, keys);
      progress('latency from an acknowledged ticket or survey answer to the membership change it causes (40 probes each)');
      const support = await measureSupportLatency(url, keys, 40);
      progress('latency from an account write to its new health score (40 probes)');
      const health = await measureHealthLatency(url, keys, 40);
      progress('latency from a membership change to the open ticket decided again by a support policy (40 probes)');
      const redecision = await measureTicketRedecision(url, keys, 40);
      progress(`previewing ${previewRules.length} rules ${previewRounds} times each through POST /api/v1/segments/preview`);
      const preview = await drivePreviews(url, adminKey);
      // Counted again: the support step created two segments of its own, which the list shows too.
      const listed = await segmentsOf();
      progress(`loading the segments list (${listed} segments) 5 times in Chromium`);
      const web = await measureSegmentsList(url, listed);
      const requests = await timeListRequests(url, adminKey);
      const analytics = await measureAnalytics(
        workspaceScope(scoped, workspace.id, () => new Date()),
        url,
        adminKey,
        built[0]!.key,
        progress,
      );
      const memory = await processes.memory();
      return {
        ...common,
        ...live3k,
        ...memory,
        support_latency_ms: support,
        health_latency_ms: health,
        ticket_redecision_ms: redecision.change,
        ticket_redecision_ack_ms: redecision.ack,
        ...recomputeResults(recompute, baselines),
        expiry_lag_s: round(expiry.max_s),
        expiry_lag_mean_s: round(expiry.mean_s),
        preview_ms_p50: round(preview.p50),
        preview_ms_p95: round(preview.p95),
        preview_rules: preview.rules,
        web_segments_list_ms: web.list,
        web_segments_sparklines_ms: web.sparklines,
        web_api_segments_ms: requests.segments,
        web_api_activity_ms: requests.activity,
        ...analytics,
      };
    } finally {
      await database.close();
    }
  } finally {
    await processes.stop();
    await receiver.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The recompute's keys of the results: Strata's time, the baselines', and whether their counts agree. */
function recomputeResults(
  recompute: Awaited<ReturnType<typeof timeRecompute>>,
  { naive, duck, setBased, mismatches, strataCounts }: Awaited<ReturnType<typeof runBaselines>>,
) {
  return {
    recompute_s: round(recompute.seconds),
    recompute_ms_per_segment: recompute.perSegment,
    naive_sql_recompute_s: round(naive.seconds),
    duckdb_recompute_s: round(duck.seconds),
    duckdb_load_s: round(duck.loadSeconds),
    duckdb_unfinished: duck.unfinished,
    naive_sql_ms_per_segment: naive.perSegment,
    duckdb_ms_per_segment: duck.perSegment,
    duckdb_setbased_recompute_s: round(setBased.seconds),
    duckdb_setbased_ms_per_segment: setBased.perSegment,
    counts_agree: mismatches.length === 0,
    count_mismatches: mismatches,
    member_counts: strataCounts,
  };
}

function roundQuantiles(q: Quantiles): Quantiles {
  return { p50: round(q.p50), p99: round(q.p99), max: round(q.max), n: q.n };
}

/** The live step's headline numbers, one per line, for a reader of the terminal. */
function summaryTable(results: Record<string, unknown>): string {
  const r = results as {
    size: string;
    ingest_events_per_s: number;
    live_catch_up_after_ingest_s: number;
    latency_ms: { p50: number; p99: number };
    latency_probes: number;
    webhooks_delivered: number;
    webhook_messages: number;
    webhooks_pending_after_drain: number;
    webhook_drain_s: number;
    webhook_drain_after_ingest_s: number;
    webhooks_pending_after_ingest_drain: number;
    webhook_delivery_ms: Quantiles;
    webhook_job_ms: Quantiles;
    webhook_delivery_all_ms: Quantiles;
    ingest_only_events_per_s: number;
    live_sustained_events_per_s: number;
    live_sustained_ratio: number;
    latency_ms_3k: { p50: number; p99: number };
    latency_probes_3k: number;
    latency_load_3k_events_per_s: number;
    worker_processes: number;
    server_rss_mb: number | null;
    worker_rss_mb?: Array<number | null>;
  };
  const rows: Array<[string, string]> = [
    ['size', r.size],
    ['worker processes', r.worker_processes === 0 ? 'none (the server evaluates)' : `${r.worker_processes} (the server evaluates nothing)`],
    ['ingestion alone (live paused)', `${r.ingest_only_events_per_s} events/s`],
    ['ingestion', `${r.ingest_events_per_s} events/s`],
    ['catch-up after ingestion', `${r.live_catch_up_after_ingest_s} s`],
    ['sustained live throughput', `${r.live_sustained_events_per_s} events/s (${r.live_sustained_ratio} x ingestion alone)`],
    [
      'webhooks of the ingestion',
      `delivered ${r.webhook_drain_after_ingest_s} s after the catch-up (${r.webhooks_pending_after_ingest_drain} still pending)`,
    ],
    ['live latency p50 / p99', `${r.latency_ms.p50} / ${r.latency_ms.p99} ms (${r.latency_probes} probes)`],
    [
      'live latency at 3k p50 / p99',
      `${r.latency_ms_3k.p50} / ${r.latency_ms_3k.p99} ms (${r.latency_probes_3k} probes, ${r.latency_load_3k_events_per_s} events/s sent)`,
    ],
    [
      'webhooks delivered',
      `${r.webhooks_delivered} of ${r.webhook_messages} (${r.webhooks_pending_after_drain} pending after ${r.webhook_drain_s} s)`,
    ],
    [
      'webhook delivery p50 / p99',
      `${r.webhook_delivery_ms.p50} / ${r.webhook_delivery_ms.p99} ms from the change (${r.webhook_delivery_ms.n} in the latency step)`,
    ],
    ['webhook job p50 / p99', `${r.webhook_job_ms.p50} / ${r.webhook_job_ms.p99} ms from the enqueue`],
    ['webhook delivery, whole run', `${r.webhook_delivery_all_ms.p50} / ${r.webhook_delivery_all_ms.p99} ms`],
    ['server RSS at the end', `${r.server_rss_mb} MB`],
    ...(r.worker_rss_mb ? [['worker RSS at the end', `${r.worker_rss_mb.join(', ')} MB`] as [string, string]] : []),
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
}

/**
 * The same segments as plain SQL on PostgreSQL and on DuckDB, then as set-based SQL on the same
 * DuckDB load, at one instant; all four must agree.
 */
async function runBaselines(strata: StrataDb, dataDir: string, workspaceId: string, progress: (text: string) => void) {
  progress('the same segments as plain SQL on PostgreSQL, then on DuckDB, then set-based on DuckDB, at one instant; all must agree');
  const baselineAt = new Date();
  // Only the segments Strata's own count covers: those on stored scores (health, the quadrant,
  // churn risk) have no plain SQL over the raw rows to compare with.
  const strataCounts = await countWithStrata(strata.db, workspaceId, baselineAt);
  const segmentKeys = Object.keys(strataCounts);
  const naive = await runNaiveOnPostgres(strata.pool, segmentKeys, workspaceId, baselineAt);
  const loaded = await loadIntoDuckDb(strata.pool, dataDir, workspaceId);
  try {
    const duck = { ...(await runNaiveOnDuckDb(loaded.connection, segmentKeys, workspaceId, baselineAt)), loadSeconds: loaded.loadSeconds };
    const setBased = await runSetBasedOnDuckDb(loaded.connection, segmentKeys, workspaceId, baselineAt);
    const mismatches = disagreements(strataCounts, naive.counts, duck.counts, setBased.counts);
    if (mismatches.length > 0) progress(`DISAGREEMENT (strata, plain SQL, DuckDB, set-based DuckDB): ${JSON.stringify(mismatches)}`);
    return { naive, duck, setBased, mismatches, strataCounts };
  } finally {
    loaded.close();
  }
}

/** Rules a support-operations lead would preview while typing, covering the language's main forms. */
const previewRules: Array<{ target: 'person' | 'account'; rule: string }> = [
  { target: 'account', rule: 'plan = "pro"' },
  { target: 'account', rule: 'plan in ["pro", "enterprise"] and mrr >= 1000' },
  { target: 'person', rule: 'email ends with "@acme.com" or not (language in ["en", "de"])' },
  { target: 'person', rule: 'signed_up_at within last 14 days' },
  { target: 'person', rule: 'count(events "login" within last 30 days) >= 5' },
  { target: 'person', rule: 'count(events "feature_used" where feature = "export" within last 7 days) >= 1' },
  { target: 'person', rule: 'last(events "login") more than 14 days ago' },
  { target: 'person', rule: 'not did "login" within last 14 days' },
  { target: 'account', rule: 'count(people where did "login" within last 7 days) >= 3' },
  { target: 'account', rule: 'trial_ends_at within next 3 days' },
  { target: 'person', rule: 'count(events "login" within last 90 minutes) >= 1' },
];
const previewRounds = 10;

async function drivePreviews(url: string, adminKey: string) {
  const timings: number[] = [];
  const rules: Array<{ rule: string; count: number; p50_ms: number }> = [];
  for (const rule of previewRules) {
    const own: number[] = [];
    let count = 0;
    for (let round = 0; round < previewRounds; round++) {
      const started = performance.now();
      const response = await fetch(`${url}/api/v1/segments/preview`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify(rule),
      });
      const body = (await response.json()) as { ok: boolean; count?: number };
      if (!body.ok) throw new Error(`preview of ${rule.rule} failed: ${JSON.stringify(body)}`);
      own.push(performance.now() - started);
      count = body.count ?? 0;
    }
    own.sort((a, b) => a - b);
    rules.push({ rule: rule.rule, count, p50_ms: round(own[Math.floor(own.length / 2)]!) });
    timings.push(...own);
  }
  timings.sort((a, b) => a - b);
  const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), rules };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
