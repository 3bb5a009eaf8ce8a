import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Presets, SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import { exportColumns, segmentMembersCsv } from '@strata/engine';
import { countSegmentMembers, findSegment, inWorkspaceTransaction, recordAudit, workspaceScope } from '@strata/storage';
import { byCli } from '../cli-actor.js';
import { openCommandDatabase } from '../database-for-command.js';
import { readConfigOrExit } from '../read-config-or-exit.js';
import { workspaceBySlug } from '../workspace-by-slug.js';

interface ExportOptions {
  workspace: string;
  fields?: string;
  out?: string;
}

/** `strata segments export KEY [--fields a,b] [--out file]`: the members CSV of the API, with a progress bar on standard error. */
export function registerSegmentExportCommand(segments: Command): void {
  segments
    .command('export <key>')
    .description("a segment's members as CSV (UTF-8, header row; formula-like cells prefixed with ')")
    .addOption(new Option('--workspace <slug>', 'workspace').default('default'))
    .option('--fields <names>', 'comma-separated: id, entered_at, built-in columns, computed fields and traits')
    .option('--out <file>', 'write to this file (default: standard output)')
    .action(async (key: string, options: ExportOptions) => {
      const database = await openCommandDatabase(readConfigOrExit());
      try {
        const workspace = await workspaceBySlug(database.strata.db, options.workspace);
        const scope = workspaceScope(database.strata.db, workspace.id, () => new Date());
        const segment = await findSegment(scope, key);
        if (!segment) throw new Error(`no segment "${key}"; see strata segments list`);
        const names = options.fields
          ?.split(',')
          .map((f) => f.trim())
          .filter((f) => f !== '');
        const columns = await exportColumns(scope, segment.target, names);
        if (!columns.ok)
          throw new Error(`--fields: unknown ${columns.unknown.map((f) => `"${f}"`).join(', ')}; known: ${columns.known.join(', ')}`);
        const members = await countSegmentMembers(scope, key);
        // Audited as the API's export is, before anything is written: personal data in bulk.
        await inWorkspaceTransaction(scope, (tx) =>
          recordAudit(tx, {
            ...byCli('segments export'),
            kind: 'segment.exported',
            subject: key,
            after: { fields: columns.names, rows: members },
          }),
        );
        const bar = new SingleBar({ format: 'exporting [{bar}] {value}/{total} members', stream: process.stderr }, Presets.shades_classic);
        bar.start(members, 0);
        let exported = 0;
        const onPage = ({ rows }: { rows: number }) => bar.update((exported = rows));
        const csv = Readable.from(segmentMembersCsv(scope, segment, columns, { onPage }));
        try {
          if (options.out) await pipeline(csv, createWriteStream(options.out));
          else await pipeline(csv, process.stdout, { end: false });
        } finally {
          bar.stop();
        }
        // The bar draws only on a terminal; the summary line is for logs and scripts too.
        process.stderr.write(`exported ${exported} members of ${key}${options.out ? ` to ${options.out}` : ''}\n`);
      } finally {
        await database.close();
      }
    });
}
