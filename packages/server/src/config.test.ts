import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

describe('readConfig', () => {
  it('has the documented defaults', () => {
    expect(readConfig({})).toEqual({
      ok: true,
      config: {
        port: 3000,
        host: '127.0.0.1',
        databaseUrl: undefined,
        migrationDatabaseUrl: undefined,
        dataDir: './.strata',
        bootstrapAdminKey: undefined,
        bootstrapWriteKey: undefined,
        bootstrapAdmin: undefined,
        sessions: { idleMs: 12 * 3_600_000, absoluteMs: 7 * 86_400_000 },
        demo: undefined,
        logLevel: 'info',
        timeSweepSeconds: 15,
        liveWorkers: 2,
        workStatementTimeoutMs: 30_000,
        eventTimeWindow: { maxAgeDays: 3650, maxFutureDays: 3 },
        secretKey: undefined,
        publicUrl: undefined,
        allowPrivateWebhooks: false,
        ingestRateLimit: { perSecond: 1000, burst: 2000 },
        corsOrigins: [],
        metricsAccess: { allow: ['127.0.0.0/8', '::1'] },
      },
    });
  });

  it('reads the hardening settings and names each bad entry', () => {
    const good = readConfig({
      STRATA_INGEST_RATE_PER_SECOND: '50',
      STRATA_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
      STRATA_METRICS_TOKEN: 'm'.repeat(32),
      STRATA_METRICS_ALLOW: '10.0.0.0/8,::1,192.168.1.7',
    });
    expect(good.ok && [good.config.ingestRateLimit, good.config.corsOrigins, good.config.metricsAccess]).toEqual([
      { perSecond: 50, burst: 100 },
      ['https://app.example.com', 'http://localhost:5173'],
      { token: 'm'.repeat(32), allow: ['10.0.0.0/8', '::1', '192.168.1.7'] },
    ]);
    const none = readConfig({ STRATA_METRICS_ALLOW: 'none', STRATA_INGEST_BURST: '7' });
    expect(none.ok && [none.config.metricsAccess.allow, none.config.ingestRateLimit.burst]).toEqual([[], 7]);

    const bad = readConfig({
      STRATA_INGEST_RATE_PER_SECOND: '0',
      STRATA_CORS_ORIGINS: 'https://app.example.com/,*',
      STRATA_METRICS_TOKEN: 'short',
      STRATA_METRICS_ALLOW: '10.0.0.0/33,localhost',
    });
    const problems = bad.ok ? [] : bad.problems;
    expect(problems.filter((p) => p.startsWith('STRATA_CORS_ORIGINS'))).toEqual([
      expect.stringContaining('"https://app.example.com/" is not an exact origin'),
      expect.stringContaining('"*" is not an exact origin'),
    ]);
    expect(problems.filter((p) => p.startsWith('STRATA_METRICS_ALLOW'))).toEqual([
      expect.stringContaining('"10.0.0.0/33" has a prefix length outside 0-32'),
      expect.stringContaining('"localhost" is not an address'),
    ]);
    expect(problems.some((p) => p.startsWith('STRATA_INGEST_RATE_PER_SECOND'))).toBe(true);
    expect(problems.find((p) => p.startsWith('STRATA_METRICS_TOKEN'))).toMatch(/at least 24 characters/);
  });

  it('reports every problem at once, each naming its variable', () => {
    const result = readConfig({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      STRATA_BOOTSTRAP_ADMIN_KEY: 'short',
      STRATA_DEMO: 'maybe',
      STRATA_SECRET_KEY: 'too-short',
      STRATA_PUBLIC_URL: 'strata.example.com',
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'DATABASE_URL',
      'PORT',
      'STRATA_BOOTSTRAP_ADMIN_KEY',
      'STRATA_DEMO',
      'STRATA_PUBLIC_URL',
      'STRATA_SECRET_KEY',
    ]);
    expect(problems.find((p) => p.startsWith('STRATA_SECRET_KEY'))).toMatch(/openssl rand -base64 32/);
    expect(problems.find((p) => p.startsWith('STRATA_BOOTSTRAP_ADMIN_KEY'))).toMatch(/at least 24 characters/);
  });

  it('reads a secret key in base64 or hex and trims the public URL', () => {
    const base64 = readConfig({
      STRATA_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      STRATA_PUBLIC_URL: 'https://strata.example.com/',
    });
    expect(base64.ok && [base64.config.secretKey?.length, base64.config.publicUrl]).toEqual([32, 'https://strata.example.com']);
    const hex = readConfig({ STRATA_SECRET_KEY: 'ab'.repeat(32) });
    expect(hex.ok && hex.config.secretKey?.toString('hex')).toBe('ab'.repeat(32));
  });

  it('reads the bootstrap owner as a pair, with a password of at least 12 characters', () => {
    const owner = readConfig({ STRATA_BOOTSTRAP_ADMIN_EMAIL: 'ana@example.com', STRATA_BOOTSTRAP_ADMIN_PASSWORD: 'twelve chars' });
    expect(owner.ok && owner.config.bootstrapAdmin).toEqual({ email: 'ana@example.com', password: 'twelve chars' });
    expect(readConfig({ STRATA_BOOTSTRAP_ADMIN_EMAIL: 'ana@example.com' })).toEqual({
      ok: false,
      problems: ['STRATA_BOOTSTRAP_ADMIN_PASSWORD: set both STRATA_BOOTSTRAP_ADMIN_EMAIL and STRATA_BOOTSTRAP_ADMIN_PASSWORD, or neither'],
    });
    const short = readConfig({ STRATA_BOOTSTRAP_ADMIN_EMAIL: 'ana@example.com', STRATA_BOOTSTRAP_ADMIN_PASSWORD: 'short' });
    expect(short.ok ? [] : short.problems).toEqual([expect.stringMatching(/^STRATA_BOOTSTRAP_ADMIN_PASSWORD: .*at least 12 characters/)]);
  });

  it('reads the live workers, 0 leaving live evaluation to other processes, and names the fix for a bad count', () => {
    const none = readConfig({ STRATA_LIVE_WORKERS: '0' });
    expect(none.ok && none.config.liveWorkers).toBe(0);
    const many = readConfig({ STRATA_LIVE_WORKERS: '16' });
    expect(many.ok && many.config.liveWorkers).toBe(16);
    for (const bad of ['17', '-1', '1.5', 'two']) {
      const result = readConfig({ STRATA_LIVE_WORKERS: bad });
      expect(result.ok ? [] : result.problems).toEqual([
        expect.stringMatching(/^STRATA_LIVE_WORKERS: must be a whole number from 0 to 16: .*`strata worker`/),
      ]);
    }
  });

  it('reads booleans and port 0', () => {
    const result = readConfig({ PORT: '0', STRATA_DEMO: 'false' });
    expect(result.ok && [result.config.port, result.config.demo]).toEqual([0, false]);
  });
});
