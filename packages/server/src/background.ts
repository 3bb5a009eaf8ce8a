import type { Logger } from 'pino';
import { BackgroundRuntime, type SecretBox, type TaskServices } from '@strata/engine';
import type { StrataDb } from '@strata/storage';
import type { StrataConfig } from './config.js';
import { outboundSend } from './outbound-post.js';

/**
 * The background runtime of a `strata start` or `strata worker` process: live segments, change
 * subscribers and jobs, configured the same way in both.
 */
export function createBackgroundRuntime(
  db: StrataDb,
  config: StrataConfig,
  options: {
    logger: Logger;
    now: () => Date;
    secrets: SecretBox | undefined;
    post: TaskServices['post'];
    /** Where people reach this Strata, for links in emails: STRATA_PUBLIC_URL, else the listening address. */
    publicUrl: string;
  },
): BackgroundRuntime {
  const { logger } = options;
  if (config.liveWorkers === 0)
    logger.info('STRATA_LIVE_WORKERS=0: no live segment evaluation in this process; a `strata worker` on the same database must do it');
  return new BackgroundRuntime({
    db: db.db,
    pool: db.pool,
    now: options.now,
    services: { secrets: options.secrets, post: options.post, send: outboundSend(config), publicUrl: options.publicUrl },
    segments: {
      workers: config.liveWorkers,
      sweepIntervalMs: config.timeSweepSeconds * 1000,
      statementTimeoutMs: config.workStatementTimeoutMs,
    },
    log: (level, message, data) => logger[level]({ ...data }, message),
  });
}
