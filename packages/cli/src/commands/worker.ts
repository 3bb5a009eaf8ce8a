import { createLogger, startWorker } from '@strata/server';
import { readConfigOrExit } from '../read-config-or-exit.js';

/** `strata worker`: background work without HTTP, until SIGTERM or SIGINT. */
export async function runWorker(): Promise<void> {
  const config = readConfigOrExit();
  const logger = createLogger(config.logLevel);
  let running;
  try {
    running = await startWorker(config, { logger });
  } catch (error) {
    logger.fatal({ err: error }, 'Strata worker failed to start');
    process.exitCode = 1;
    return;
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
