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
        dataDir: './.strata',
        bootstrapAdminKey: undefined,
        bootstrapWriteKey: undefined,
        demo: undefined,
        logLevel: 'info',
        timeSweepSeconds: 15,
      },
    });
  });

  it('reports every problem at once, each naming its variable', () => {
    const result = readConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', STRATA_BOOTSTRAP_ADMIN_KEY: 'short', STRATA_DEMO: 'maybe' });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'PORT', 'STRATA_BOOTSTRAP_ADMIN_KEY', 'STRATA_DEMO']);
    expect(problems.find((p) => p.startsWith('STRATA_BOOTSTRAP_ADMIN_KEY'))).toMatch(/at least 24 characters/);
  });

  it('reads booleans and port 0', () => {
    const result = readConfig({ PORT: '0', STRATA_DEMO: 'false' });
    expect(result.ok && [result.config.port, result.config.demo]).toEqual([0, false]);
  });
});
