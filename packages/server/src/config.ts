import { z } from 'zod';
import { defaultEventTimeWindow } from '@strata/core';
import { parseMasterKey } from '@strata/engine';
import { minimumSecretLength } from '@strata/storage';

const boolean = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const bootstrapKey = z
  .string()
  .min(minimumSecretLength, `must be at least ${minimumSecretLength} characters; generate one with: openssl rand -base64 32`);

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
  STRATA_DEMO: boolean.optional(),
  STRATA_ALLOW_PRIVATE_WEBHOOKS: boolean.default(false),
  STRATA_TIME_SWEEP_SECONDS: z.coerce.number().min(1).max(60).default(15),
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
  /** Undefined means: create the demo workspace only on an empty data folder or database. */
  demo: boolean | undefined;
  /** Outbound calls (webhooks, help-desk APIs, SMTP) may reach loopback and private addresses: development and tests only. */
  allowPrivateWebhooks: boolean;
  logLevel: string;
  /** How often the time sweep runs: memberships that hang on time change within this of the moment. */
  timeSweepSeconds: number;
  /** How long each live-segment and backfill statement may run before it fails and its work backs off. */
  workStatementTimeoutMs: number;
  /** Event times the ingestion API accepts, in days around the server clock; `strata import` is not bound by it. */
  eventTimeWindow: { maxAgeDays: number; maxFutureDays: number };
  /** Encrypts integration secrets and signs survey links; generated into the data dir when unset in embedded mode. */
  secretKey: Buffer | undefined;
  /** The address people and providers reach Strata at, for webhook URLs and survey links; else the address Strata listens on. */
  publicUrl: string | undefined;
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
      demo: e.STRATA_DEMO,
      allowPrivateWebhooks: e.STRATA_ALLOW_PRIVATE_WEBHOOKS,
      logLevel: e.LOG_LEVEL,
      timeSweepSeconds: e.STRATA_TIME_SWEEP_SECONDS,
      workStatementTimeoutMs: e.STRATA_WORK_STATEMENT_TIMEOUT_MS,
      eventTimeWindow: { maxAgeDays: e.STRATA_MAX_EVENT_AGE_DAYS, maxFutureDays: e.STRATA_MAX_EVENT_FUTURE_DAYS },
      secretKey: e.STRATA_SECRET_KEY === undefined ? undefined : parseMasterKey(e.STRATA_SECRET_KEY),
      publicUrl: e.STRATA_PUBLIC_URL?.replace(/\/+$/, ''),
    },
  };
}
