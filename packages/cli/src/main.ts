import { Command } from 'commander';
import { ensureChurnRiskFieldRegistered, ensureHealthFieldsRegistered } from '@strata/engine';
import { registerGenerateCommand } from './commands/generate.js';
import { registerImportCommand } from './commands/import.js';
import { registerKeysCommand } from './commands/keys.js';
import { runStart } from './commands/start.js';
import { runWorker } from './commands/worker.js';
import { registerWorkspacesCommand } from './commands/workspaces.js';
import { registerBenchCommand } from './commands/bench.js';
import { registerDocsCommand } from './commands/docs.js';
import { registerSegmentsCommand } from './commands/segments.js';
import { registerChurnCommand } from './commands/churn.js';

// Rules the CLI checks may read health and churn fields.
ensureHealthFieldsRegistered();
ensureChurnRiskFieldRegistered();

const program = new Command('strata')
  .description('Strata: real-time customer segmentation for support and customer-success teams')
  .showHelpAfterError();
program.command('start').description('start the server (API, ingestion, embedded PostgreSQL unless DATABASE_URL)').action(runStart);
program
  .command('worker')
  .description(
    'run background work without HTTP: live segments, sweeps, change subscribers, jobs (DATABASE_URL, or the embedded PostgreSQL of a running `strata start`)',
  )
  .action(runWorker);
registerKeysCommand(program);
registerWorkspacesCommand(program);
registerSegmentsCommand(program);
registerGenerateCommand(program);
registerImportCommand(program);
registerBenchCommand(program);
registerDocsCommand(program);
registerChurnCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`strata: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
