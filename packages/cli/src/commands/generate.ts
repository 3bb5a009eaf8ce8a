import { Option, type Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { ensurePredefinedSegments, loadSampleData, recomputeWorkspace, sampleSizes, type SampleSize } from '@strata/engine';
import { workspaceScope } from '@strata/storage';
import { openCommandDatabase } from '../database-for-command.js';
import { readConfigOrExit } from '../read-config-or-exit.js';
import { workspaceBySlug } from '../workspace-by-slug.js';

/** `strata generate`: a believable company's sample data, deterministic by seed. */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('fill a workspace with generated sample data (accounts, people, events, tickets, surveys, billing)')
    .addOption(
      new Option('--size <size>', 'xs ≈ 100 accounts; s = 10k accounts, 100k people, 5M events; m = 10x s')
        .choices(Object.keys(sampleSizes))
        .default('xs'),
    )
    .option('--seed <n>', 'random seed; the same seed on the same day gives the same data', '1')
    .option('-w, --workspace <slug>', 'workspace to fill (created if missing; must be empty)', 'demo')
    .action(async (options: { size: SampleSize; seed: string; workspace: string }) => {
      const seed = Number(options.seed);
      if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer; got "${options.seed}"`);
      const database = await openCommandDatabase(readConfigOrExit());
      const bar = new SingleBar(
        {
          format: 'generating [{bar}] {percentage}% | {value}/{total} accounts | {events} events | {eta_formatted} left',
          stream: process.stderr,
        },
        Presets.shades_classic,
      );
      try {
        const workspace = await workspaceBySlug(database.strata.db, options.workspace, true);
        const scope = workspaceScope(database.strata.db, workspace.id, () => new Date());
        const existing = await scope.db
          .selectFrom('accounts')
          .select('account_id')
          .where('workspace_id', '=', workspace.id)
          .limit(1)
          .execute();
        if (existing.length > 0)
          throw new Error(`workspace "${workspace.slug}" already has data; generate into a new workspace with --workspace`);
        bar.start(sampleSizes[options.size].accounts, 0, { events: 0 });
        const started = Date.now();
        const result = await loadSampleData(scope, database.strata.pool, {
          size: options.size,
          seed,
          onProgress: (p) => bar.update(p.accountsDone, { events: p.events }),
        });
        bar.stop();
        process.stderr.write(
          `generated ${result.accounts} accounts, ${result.people} people, ${result.events} events, ${result.tickets} tickets, ${result.surveys} survey answers into "${workspace.slug}" in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
        // Generated rows bypass live ingestion: fill the segments from them now.
        await ensurePredefinedSegments(scope, {});
        await recomputeWorkspace(scope, (key, r) =>
          process.stderr.write(`segment ${key}: ${r.entered} entered, ${r.exited} left (${r.seconds.toFixed(1)} s)\n`),
        );
      } finally {
        bar.stop();
        await database.close();
      }
    });
}
