import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { SecretBox } from '../packages/engine/src/index.js';
import { buildApp } from '../packages/server/src/index.js';
import type { StrataDb } from '../packages/storage/src/index.js';

/** The real HTTP app over a test database; `listen` when a real client needs a port. */
export async function createTestApp(
  strata: StrataDb,
  options: {
    now?: () => Date;
    secrets?: SecretBox | null;
    publicUrl?: string;
    sessions?: { idleMs: number; absoluteMs: number };
    /** STRATA_ALLOW_PRIVATE_WEBHOOKS=true: for tests whose SMTP server is on loopback. */
    allowPrivateWebhooks?: boolean;
  } = {},
) {
  const strataApp = await buildApp({
    logger: pino({ level: process.env['TEST_LOG'] ?? 'silent' }),
    ...(options.now ? { now: options.now } : {}),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.sessions ? { sessions: options.sessions } : {}),
    ...(options.allowPrivateWebhooks ? { allowPrivateWebhooks: true } : {}),
  });
  const secrets = options.secrets === null ? undefined : (options.secrets ?? new SecretBox(randomBytes(32)));
  strataApp.setServices({ db: strata.db, ...(secrets ? { secrets } : {}) });
  const { app } = strataApp;
  await app.ready();
  return app;
}

export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}
