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
        demo: undefined,
        logLevel: 'info',
        timeSweepSeconds: 15,
        workStatementTimeoutMs: 30_000,
        eventTimeWindow: { maxAgeDays: 3650, maxFutureDays: 3 },
        secretKey: undefined,
        publicUrl: undefined,
        allowPrivateWebhooks: false,
      },
    });
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

  it('reads booleans and port 0', () => {
    const result = readConfig({ PORT: '0', STRATA_DEMO: 'false' });
    expect(result.ok && [result.config.port, result.config.demo]).toEqual([0, false]);
  });
});
