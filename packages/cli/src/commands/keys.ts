import type { Command } from 'commander';
import {
  apiKeyScopes,
  createApiKey,
  inWorkspaceTransaction,
  listApiKeys,
  recordAudit,
  revokeApiKey,
  workspaceScope,
  type ApiKeyScope,
} from '@strata/storage';
import { byCli } from '../cli-actor.js';
import { openCommandDatabase } from '../database-for-command.js';
import { readConfigOrExit } from '../read-config-or-exit.js';
import { workspaceBySlug } from '../workspace-by-slug.js';

function parseScopes(text: string): ApiKeyScope[] {
  const scopes = text.split(',').map((s) => s.trim());
  const unknown = scopes.filter((s) => !(apiKeyScopes as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown scope(s) ${unknown.join(', ')}; use any of ${apiKeyScopes.join(', ')}`);
  return scopes as ApiKeyScope[];
}

/** `strata keys create|list|revoke`. */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('create, list and revoke API keys');
  keys
    .command('create')
    .description('create a key; its secret is printed once')
    .option('-w, --workspace <slug>', 'workspace', 'default')
    .option('-s, --scopes <list>', `comma-separated scopes: ${apiKeyScopes.join(', ')}`, 'ingest')
    .option('-n, --name <name>', 'a name to recognise the key by', 'cli')
    .action(async (options: { workspace: string; scopes: string; name: string }) => {
      const scopes = parseScopes(options.scopes);
      const database = await openCommandDatabase(readConfigOrExit());
      try {
        const workspace = await workspaceBySlug(database.strata.db, options.workspace);
        const { key, secret } = await inWorkspaceTransaction(workspaceScope(database.strata.db, workspace.id, now), async (tx) => {
          const created = await createApiKey(tx, { name: options.name, scopes });
          const { id, name, prefix } = created.key;
          await recordAudit(tx, { ...byCli('keys'), kind: 'key.created', subject: id, after: { id, name, prefix, scopes } });
          return created;
        });
        process.stdout.write(`${secret}\n`);
        process.stderr.write(
          `created key ${key.id} (${key.scopes.join(', ')}) in workspace ${workspace.slug}; the secret above is not shown again\n`,
        );
      } finally {
        await database.close();
      }
    });
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('-w, --workspace <slug>', 'workspace', 'default')
    .action(async (options: { workspace: string }) => {
      const database = await openCommandDatabase(readConfigOrExit());
      try {
        const workspace = await workspaceBySlug(database.strata.db, options.workspace);
        const rows = (await listApiKeys(workspaceScope(database.strata.db, workspace.id, now))).map((k) => ({
          id: k.id,
          name: k.name,
          prefix: `${k.prefix}…`,
          scopes: k.scopes.join(','),
          created: k.createdAt.toISOString(),
          lastUsed: k.lastUsedAt?.toISOString() ?? 'never',
          revoked: k.revokedAt?.toISOString() ?? '',
        }));
        console.table(rows);
      } finally {
        await database.close();
      }
    });
  keys
    .command('revoke <id>')
    .description('revoke a key by id or prefix; it stops working from the next request')
    .option('-w, --workspace <slug>', 'workspace', 'default')
    .action(async (id: string, options: { workspace: string }) => {
      const database = await openCommandDatabase(readConfigOrExit());
      try {
        const workspace = await workspaceBySlug(database.strata.db, options.workspace);
        const outcome = await inWorkspaceTransaction(workspaceScope(database.strata.db, workspace.id, now), async (tx) => {
          const outcome = await revokeApiKey(tx, id);
          if (outcome === 'revoked') await recordAudit(tx, { ...byCli('keys'), kind: 'key.revoked', subject: id });
          return outcome;
        });
        if (outcome === 'not-found') throw new Error(`no live key "${id}" in workspace ${workspace.slug}`);
        if (outcome === 'ambiguous')
          throw new Error(`several live keys in workspace ${workspace.slug} begin with "${id}"; revoke by id (strata keys list shows it)`);
        process.stderr.write(`revoked ${id}\n`);
      } finally {
        await database.close();
      }
    });
}

/** The CLI is a composition root: its commands read the system clock here. */
const now = (): Date => new Date();
