import type { Command } from 'commander';
import { createWorkspace, listWorkspaces } from '@strata/storage';
import { openCommandDatabase } from '../database-for-command.js';
import { readConfigOrExit } from '../read-config-or-exit.js';

/** `strata workspaces create|list`. */
export function registerWorkspacesCommand(program: Command): void {
  const workspaces = program.command('workspaces').description('create and list workspaces (tenants)');
  workspaces
    .command('create <slug>')
    .option('--timezone <tz>', 'IANA timezone for time windows', 'UTC')
    .action(async (slug: string, options: { timezone: string }) => {
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug))
        throw new Error('a workspace slug is lowercase letters, digits and dashes, up to 63 characters');
      const database = await openCommandDatabase(readConfigOrExit());
      try {
        const workspace = await createWorkspace(database.strata.db, { slug, timezone: options.timezone });
        process.stderr.write(`created workspace ${workspace.slug} (${workspace.id})\n`);
      } finally {
        await database.close();
      }
    });
  workspaces.command('list').action(async () => {
    const database = await openCommandDatabase(readConfigOrExit());
    try {
      console.table((await listWorkspaces(database.strata.db)).map((w) => ({ slug: w.slug, id: w.id, timezone: w.timezone })));
    } finally {
      await database.close();
    }
  });
}
