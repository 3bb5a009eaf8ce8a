import { z } from 'zod';
import { defaultEventTimeWindow } from '@strata/core';
import { parseMasterKey } from '@strata/engine';
import { minimumSecretLength } from '@strata/storage';
import { defaultIngestRateLimit, type IngestRateLimit } from './http/ingest-rate-limit.js';
import { defaultMetricsAllow, metricsAllowProblem, type MetricsAccess } from './routes/system/index.js';
import { newPasswordSchema } from './routes/users/index.js';

const boolean = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const bootstrapKey = z
  .string()
  .min(minimumSecretLength, `must be at least ${minimumSecretLength} characters; generate one with: openssl rand -base64 32`);

/** A comma-separated list, each entry checked by `problem` (which names what is wrong with it). */
const commaList = (problem: (entry: string) => string | undefined) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .superRefine((entries, context) => {
      for (const entry of entries) {
        const found = problem(entry);
        if (found) context.addIssue({ code: 'custom', message: found });
      }
    });

/** An exact origin, as browsers send it in `Origin`: scheme, host and port, no path. */
function corsOriginProblem(entry: string): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(entry);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== entry)
    return `"${entry}" is not an exact origin such as https://app.example.com (scheme, host and port; no path or trailing slash)`;
  return undefined;
}

const liveWorkersProblem =
  'must be a whole number from 0 to 16: live segment workers in this process (0 leaves live evaluation to `strata worker` processes)';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  STRATA_MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  STRATA_DATA_DIR: z.string().min(1).default('./.strata'),
  STRATA_BOOTSTRAP_ADMIN_KEY: bootstrapKey.optional(),
  STRATA_BOOTSTRAP_WRITE_KEY: bootstrapKey.optional(),
  STRATA_BOOTSTRAP_ADMIN_EMAIL: z.email('must be an email address, such as admin@example.com').optional(),
  STRATA_BOOTSTRAP_ADMIN_PASSWORD: newPasswordSchema.optional(),
  STRATA_SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(525_600).default(720),
  STRATA_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(8760).default(168),
  STRATA_DEMO: boolean.optional(),
  STRATA_ALLOW_PRIVATE_WEBHOOKS: boolean.default(false),
  STRATA_TIME_SWEEP_SECONDS: z.coerce.number().min(1).max(60).default(15),
  STRATA_LIVE_WORKERS: z.coerce
    .number({ error: liveWorkersProblem })
    .int({ error: liveWorkersProblem })
    .min(0, { error: liveWorkersProblem })
    .max(16, { error: liveWorkersProblem })
    .default(2),
  STRATA_WORK_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  STRATA_MAX_EVENT_AGE_DAYS: z.coerce.number().int().min(1).max(36_500).default(defaultEventTimeWindow.maxAgeDays),
  STRATA_MAX_EVENT_FUTURE_DAYS: z.coerce.number().int().min(1).max(3650).default(defaultEventTimeWindow.maxFutureDays),
  STRATA_SECRET_KEY: z
    .string()
    .refine((v) => parseMasterKey(v) !== undefined, 'must be 32 bytes in base64 or hex; generate one with: openssl rand -base64 32')
    .optional(),
  STRATA_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, such as https://strata.example.com' })
    .optional(),
  STRATA_INGEST_RATE_PER_SECOND: z.coerce.number().positive().max(1_000_000).default(defaultIngestRateLimit.perSecond),
  STRATA_INGEST_BURST: z.coerce.number().int().min(1).max(10_000_000).optional(),
  STRATA_CORS_ORIGINS: commaList(corsOriginProblem).optional(),
  STRATA_METRICS_TOKEN: z
    .string()
    .min(minimumSecretLength, `must be at least ${minimumSecretLength} characters; generate one with: openssl rand -base64 32`)
    .optional(),
  // `none`: no address is let in without the token.
  STRATA_METRICS_ALLOW: commaList((entry) => (entry === 'none' ? undefined : metricsAllowProblem(entry))).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Strata's configuration, read once from the environment by a composition root. */
export interface StrataConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** The schema owner's connection for migrations; DATABASE_URL is then the runtime role, bound by row-level security. */
  migrationDatabaseUrl: string | undefined;
  dataDir: string;
  bootstrapAdminKey: string | undefined;
  bootstrapWriteKey: string | undefined;
  /** The owner of the default workspace created on first start; without them a one-time setup token is printed. */
  bootstrapAdmin: { email: string; password: string } | undefined;
  /** How long a signed-in session lasts without a request, and at most. */
  sessions: { idleMs: number; absoluteMs: number };
  /** Undefined means: create the demo workspace only on an empty data folder or database. */
  demo: boolean | undefined;
  /** Outbound calls (webhooks, help-desk APIs, SMTP) may reach loopback and private addresses: development and tests only. */
  allowPrivateWebhooks: boolean;
  logLevel: string;
  /** How often the time sweep runs: memberships that hang on time change within this of the moment. */
  timeSweepSeconds: number;
  /**
   * Live segment workers in this process; 0 leaves live evaluation to other processes (`strata
   * worker`) while this one still sweeps time and runs jobs.
   */
  liveWorkers: number;
  /** How long each live-segment and backfill statement may run before it fails and its work backs off. */
  workStatementTimeoutMs: number;
  /** Event times the ingestion API accepts, in days around the server clock; `strata import` is not bound by it. */
  eventTimeWindow: { maxAgeDays: number; maxFutureDays: number };
  /** Encrypts integration secrets and signs survey links; generated into the data dir when unset in embedded mode. */
  secretKey: Buffer | undefined;
  /** The address people and providers reach Strata at, for webhook URLs and survey links; else the address Strata listens on. */
  publicUrl: string | undefined;
  /** Ingestion requests per write key and second, and the burst, in each process. */
  ingestRateLimit: IngestRateLimit;
  /** Origins whose browser pages may call the management API (CORS); none by default. */
  corsOrigins: string[];
  /** Who may read `/metrics`: a bearer token and/or addresses (loopback by default). */
  metricsAccess: MetricsAccess;
}

export type ReadConfigResult = { ok: true; config: StrataConfig } | { ok: false; problems: string[] };

/** Reads the environment, reporting every problem at once, each naming the variable. */
export function readConfig(env: Record<string, string | undefined>): ReadConfigResult {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  }
  const e = parsed.data;
  if ((e.STRATA_BOOTSTRAP_ADMIN_EMAIL === undefined) !== (e.STRATA_BOOTSTRAP_ADMIN_PASSWORD === undefined)) {
    const missing = e.STRATA_BOOTSTRAP_ADMIN_EMAIL === undefined ? 'STRATA_BOOTSTRAP_ADMIN_EMAIL' : 'STRATA_BOOTSTRAP_ADMIN_PASSWORD';
    return { ok: false, problems: [`${missing}: set both STRATA_BOOTSTRAP_ADMIN_EMAIL and STRATA_BOOTSTRAP_ADMIN_PASSWORD, or neither`] };
  }
  return {
    ok: true,
    config: {
      port: e.PORT,
      host: e.HOST,
      databaseUrl: e.DATABASE_URL,
      migrationDatabaseUrl: e.STRATA_MIGRATION_DATABASE_URL,
      dataDir: e.STRATA_DATA_DIR,
      bootstrapAdminKey: e.STRATA_BOOTSTRAP_ADMIN_KEY,
      bootstrapWriteKey: e.STRATA_BOOTSTRAP_WRITE_KEY,
      bootstrapAdmin:
        e.STRATA_BOOTSTRAP_ADMIN_EMAIL !== undefined && e.STRATA_BOOTSTRAP_ADMIN_PASSWORD !== undefined
          ? { email: e.STRATA_BOOTSTRAP_ADMIN_EMAIL, password: e.STRATA_BOOTSTRAP_ADMIN_PASSWORD }
          : undefined,
      sessions: { idleMs: e.STRATA_SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.STRATA_SESSION_ABSOLUTE_HOURS * 3_600_000 },
      demo: e.STRATA_DEMO,
      allowPrivateWebhooks: e.STRATA_ALLOW_PRIVATE_WEBHOOKS,
      logLevel: e.LOG_LEVEL,
      timeSweepSeconds: e.STRATA_TIME_SWEEP_SECONDS,
      liveWorkers: e.STRATA_LIVE_WORKERS,
      workStatementTimeoutMs: e.STRATA_WORK_STATEMENT_TIMEOUT_MS,
      eventTimeWindow: { maxAgeDays: e.STRATA_MAX_EVENT_AGE_DAYS, maxFutureDays: e.STRATA_MAX_EVENT_FUTURE_DAYS },
      secretKey: e.STRATA_SECRET_KEY === undefined ? undefined : parseMasterKey(e.STRATA_SECRET_KEY),
      publicUrl: e.STRATA_PUBLIC_URL?.replace(/\/+$/, ''),
      ingestRateLimit: {
        perSecond: e.STRATA_INGEST_RATE_PER_SECOND,
        // Without a burst of its own, a raised rate brings its burst along (two seconds' worth).
        burst: e.STRATA_INGEST_BURST ?? Math.max(1, Math.ceil(2 * e.STRATA_INGEST_RATE_PER_SECOND)),
      },
      corsOrigins: e.STRATA_CORS_ORIGINS ?? [],
      metricsAccess: {
        ...(e.STRATA_METRICS_TOKEN ? { token: e.STRATA_METRICS_TOKEN } : {}),
        allow: (e.STRATA_METRICS_ALLOW ?? [...defaultMetricsAllow]).filter((entry) => entry !== 'none'),
      },
    },
  };
}
