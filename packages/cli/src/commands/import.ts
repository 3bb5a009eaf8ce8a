import { createReadStream, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { parse } from 'csv-parse';
import { SingleBar, Presets } from 'cli-progress';
import {
  columnTypes,
  detectCrmPreset,
  importKinds,
  importRows,
  inferColumnTypes,
  normaliseSpreadsheetId,
  type ColumnType,
  type CrmPreset,
  type ImportKind,
  type ImportMapping,
  type ImportRow,
} from '@strata/engine';
import { workspaceScope } from '@strata/storage';
import { joinedRow, loadJoin, type Join } from './csv-join.js';
import { commandSuppressionKey, openCommandDatabase } from '../database-for-command.js';
import { readConfigOrExit } from '../read-config-or-exit.js';
import { workspaceBySlug } from '../workspace-by-slug.js';

interface ImportFlags {
  workspace: string;
  userId?: string;
  groupId?: string;
  timestamp?: string;
  idColumn?: string;
  event?: string;
  eventColumn?: string;
  field: string[];
  join: string[];
  type: string[];
  keepIdFormat?: boolean;
  report?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `strata import <kind> <file>`: people, accounts, memberships or events from CSV. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import a CSV of people, accounts, memberships or events; re-running the same file imports nothing twice')
    .argument('<kind>', `what the file holds: ${importKinds.join(', ')}`)
    .argument('<file>', 'CSV file with a header row')
    .option('-w, --workspace <slug>', 'workspace', 'default')
    .option('--user-id <column>', "column with the person's userId")
    .option('--group-id <column>', "column with the account's groupId")
    .option('--timestamp <column>', 'column with when the row happened (default: now)')
    .option(
      '--id-column <column>',
      'column unique per row, for idempotent re-runs (default: the row itself and how many identical rows come before it)',
    )
    .option('--event <name>', 'events: the event name for every row')
    .option('--event-column <column>', 'events: column holding the event name')
    .option('--field <name=column>', 'map a trait or property to a column (repeatable; default: every other column)', collect, [])
    .option('--join <file:column>', 'add the columns of the row of another CSV whose <column> matches (repeatable)', collect, [])
    .option(
      '--type <column=type>',
      `force a column's type: ${columnTypes.join('|')} (repeatable; default: inferred from all of the column)`,
      collect,
      [],
    )
    .option('--keep-id-format', "keep id cells as written (default: a spreadsheet's 17850.0 is the id 17850)")
    .option('--report <file>', 'write bad rows as JSON to this file')
    .action(async (kind: string, file: string, flags: ImportFlags) => {
      if (!(importKinds as readonly string[]).includes(kind))
        throw new Error(`kind must be one of ${importKinds.join(', ')}; got "${kind}"`);
      const fields = flags.field.length > 0 ? Object.fromEntries(flags.field.map(parseFieldFlag)) : undefined;
      const forcedTypes = Object.fromEntries(flags.type.map(parseTypeFlag));
      const asId = (text: string) => (flags.keepIdFormat ? text : normaliseSpreadsheetId(text.trim()));
      const mapping: ImportMapping = {
        kind: kind as ImportKind,
        userIdColumn: flags.userId,
        groupIdColumn: flags.groupId,
        timestampColumn: flags.timestamp,
        idColumn: flags.idColumn,
        eventName: flags.event,
        eventColumn: flags.eventColumn,
        fields,
        keepIdFormat: flags.keepIdFormat,
      };
      const joins = await Promise.all(flags.join.map((spec) => loadJoin(spec, asId)));
      const size = statSync(file).size;
      const config = readConfigOrExit();
      const database = await openCommandDatabase(config);
      const bar = new SingleBar(
        { format: `{phase} ${basename(file)} [{bar}] {percentage}% | {rows} rows | {bad} bad`, stream: process.stderr },
        Presets.shades_classic,
      );
      try {
        const workspace = await workspaceBySlug(database.strata.db, flags.workspace);
        // First pass: a column's type is what all of its cells can be, so the file is read once for it.
        bar.start(size, 0, { phase: 'reading types of', rows: 0, bad: 0 });
        const scan = createReadStream(file);
        let scanned = 0;
        const seen = new Set<string>();
        const inferred = await inferColumnTypes(readRows(scan, joins, asId), (row) => {
          for (const column of Object.keys(row.values)) seen.add(column);
          if (++scanned % 5000 === 0) bar.update(scan.bytesRead, { rows: scanned });
        });
        const unknown = Object.keys(forcedTypes).filter((column) => !seen.has(column));
        const preset = kind === 'accounts' && !flags.groupId && !fields ? applyCrmPreset(mapping, [...seen]) : undefined;
        if (unknown.length > 0) throw new Error(`--type: ${unknown.map((c) => `column "${c}"`).join(', ')} is not in the file`);
        mapping.columnTypes = { ...inferred, ...preset?.columnTypes, ...forcedTypes };
        bar.update(0, { phase: 'importing', rows: 0, bad: 0 });
        const input = createReadStream(file);
        const rows = readRows(input, joins, asId);
        const report = await importRows(
          workspaceScope(database.strata.db, workspace.id, () => new Date()),
          rows,
          {
            mapping,
            source: basename(file),
            suppressionKey: commandSuppressionKey(config),
            onProgress: (r) => bar.update(input.bytesRead, { rows: r.rows, bad: r.bad.length }),
          },
        );
        bar.update(size, { rows: report.rows, bad: report.bad.length });
        bar.stop();
        process.stderr.write(
          `${report.rows} rows: ${report.stored} stored, ${report.deduplicated} already imported, ${report.bad.length} bad${report.suppressed > 0 ? `, ${report.suppressed} naming an erased person (dropped)` : ''}\n`,
        );
        for (const bad of report.bad.slice(0, 20)) process.stderr.write(`  line ${bad.line}: ${bad.problems.join('; ')}\n`);
        if (report.bad.length > 20)
          process.stderr.write(`  … and ${report.bad.length - 20} more${flags.report ? '' : ' (write them all with --report FILE)'}\n`);
        if (flags.report) await writeFile(flags.report, JSON.stringify(report.bad, null, 2));
        if (report.bad.length > 0) process.exitCode = 1;
      } finally {
        bar.stop();
        await database.close();
      }
    });
}

/**
 * An accounts file given no --group-id or --field: a Salesforce or HubSpot company export is
 * recognised by its column names and imported by its preset (said on stderr, so a wrong guess shows).
 */
function applyCrmPreset(mapping: ImportMapping, columns: string[]): CrmPreset | undefined {
  const preset = detectCrmPreset(columns);
  if (!preset) return undefined;
  mapping.groupIdColumn = preset.groupIdColumn;
  mapping.fields = preset.fields;
  mapping.domainTraits = preset.domainTraits;
  const traits = Object.entries(preset.fields).map(([trait, column]) => (trait === column ? trait : `${trait} <- "${column}"`));
  process.stderr.write(
    `recognised a ${preset.crm === 'salesforce' ? 'Salesforce' : 'HubSpot'} company export: groupId <- "${preset.groupIdColumn}"; traits ${traits.join(', ')}\n`,
  );
  return preset;
}

function parseFieldFlag(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new Error(`--field takes name=column; got "${text}"`);
  return [text.slice(0, at), text.slice(at + 1)];
}

function parseTypeFlag(text: string): [string, ColumnType] {
  const at = text.lastIndexOf('=');
  const type = text.slice(at + 1);
  if (at <= 0 || !(columnTypes as readonly string[]).includes(type))
    throw new Error(`--type takes COLUMN=${columnTypes.join('|')}; got "${text}"`);
  return [text.slice(0, at), type as ColumnType];
}

async function* readRows(input: NodeJS.ReadableStream, joins: Join[], asId: (text: string) => string): AsyncGenerator<ImportRow> {
  const parser = input.pipe(parse({ columns: true, skip_empty_lines: true, bom: true, info: true, relax_column_count: true }));
  let columns: string[] | undefined;
  for await (const item of parser) {
    const { record, info } = item as { record: Record<string, string>; info: { lines: number } };
    columns ??= Object.keys(record);
    yield { line: info.lines, values: joinedRow(record, joins, asId), columns };
  }
}
