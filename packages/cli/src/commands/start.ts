import { createLogger, startStrata } from '@strata/server';
import { readConfigOrExit } from '../read-config-or-exit.js';

/** `strata start`: the server, until SIGTERM or SIGINT. */
export async function runStart(): Promise<void> {
  const config = readConfigOrExit();
  const logger = createLogger(config.logLevel);
  let running;
  try {
    running = await startStrata(config, { logger, announce: (text) => process.stdout.write(`\n${text}\n\n`) });
  } catch (error) {
    logger.fatal({ err: error }, 'Strata failed to start');
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
