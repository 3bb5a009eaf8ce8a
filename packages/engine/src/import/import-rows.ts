import { parseSegmentMessages, type SegmentMessage } from '@strata/core';
import { addIngestionCounts, registerFields, type FieldSighting, type WorkspaceScope } from '@strata/storage';
import { ingestMessages } from '../ingestion/index.js';
import { RowOrdinals } from './row-ordinals.js';
import { rowToMessage, type ImportMapping, type ImportRow } from './row-to-message.js';

/** Per-row outcome of an import, summed. */
export interface ImportReport {
  rows: number;
  stored: number;
  /** Rows already imported by an earlier run (re-runs are idempotent). */
  deduplicated: number;
  /** Rows naming an erased person: dropped (see privacy). */
  suppressed: number;
  bad: Array<{ line: number; problems: string[] }>;
}

export interface ImportOptions {
  mapping: ImportMapping;
  /** Names the file in message ids, so the same row of the same file is recognised on a re-run. */
  source: string;
  batchSize?: number;
  onProgress?: (report: ImportReport) => void;
  /** Drops rows naming an erased person (SecretBox.suppressionKey); unset checks nothing. */
  suppressionKey?: Buffer | undefined;
}

/**
 * Imports rows through the same path as the ingestion API, in batches that each commit whole.
 * Bad rows are reported with their line and skipped; good rows of the same batch still land.
 */
export async function importRows(
  scope: WorkspaceScope,
  rows: AsyncIterable<ImportRow> | Iterable<ImportRow>,
  options: ImportOptions,
): Promise<ImportReport> {
  const report: ImportReport = { rows: 0, stored: 0, deduplicated: 0, suppressed: 0, bad: [] };
  const size = options.batchSize ?? 500;
  let pending: ImportRow[] = [];
  const ordinals = new RowOrdinals();
  const registered = new Set<string>();

  const flush = async () => {
    if (pending.length === 0) return;
    const importedAt = scope.clock();
    const lines: number[] = [];
    const messages: unknown[] = [];
    for (const row of pending) {
      const result = rowToMessage(row, options.mapping, options.source, importedAt, ordinals);
      if (result.ok) {
        lines.push(row.line);
        messages.push(result.message);
      } else report.bad.push({ line: row.line, problems: result.problems });
    }
    let badCount = pending.length - messages.length;
    let parsed = parseSegmentMessages(messages, undefined, { allowAccountOnly: true });
    if (!parsed.ok) {
      const byIndex = new Map<number, string[]>();
      for (const issue of parsed.issues) byIndex.set(issue.index, [...(byIndex.get(issue.index) ?? []), issue.message]);
      for (const [index, problems] of byIndex) report.bad.push({ line: lines[index]!, problems });
      badCount += byIndex.size;
      parsed = parseSegmentMessages(
        messages.filter((_, i) => !byIndex.has(i)),
        undefined,
        { allowAccountOnly: true },
      );
      if (!parsed.ok) throw new Error('invariant: messages valid alone failed together');
    }
    await registerColumnTypes(scope, options, parsed.messages, registered);
    const result = await ingestMessages(scope, {
      messages: parsed.messages,
      receivedAt: importedAt,
      suppressionKey: options.suppressionKey,
    });
    if (badCount > 0) await addIngestionCounts(scope, { stored: 0, rejected: badCount, deduplicated: 0 });
    report.rows += pending.length;
    report.stored += result.stored;
    report.deduplicated += result.deduplicated;
    report.suppressed += result.suppressed;
    pending = [];
    options.onProgress?.(report);
  };

  for await (const row of rows) {
    pending.push(row);
    if (pending.length >= size) await flush();
  }
  await flush();
  report.bad.sort((a, b) => a.line - b.line);
  return report;
}

/**
 * The field registry keeps the type a field is first seen with, and a cell alone cannot say its
 * column's type (`2024-01-05` in a column of free text looks like a date): so the column types are
 * registered before the rows that carry them. Fields the workspace already knows keep their type.
 */
async function registerColumnTypes(
  scope: WorkspaceScope,
  options: ImportOptions,
  messages: SegmentMessage[],
  registered: Set<string>,
): Promise<void> {
  const { kind, columnTypes, fields } = options.mapping;
  if (!columnTypes) return;
  const source: FieldSighting['source'] =
    kind === 'people' ? 'person' : kind === 'accounts' ? 'account' : kind === 'memberships' ? 'membership' : 'event';
  const sightings: FieldSighting[] = [];
  for (const message of messages) {
    const eventName = message.type === 'track' ? message.event : '';
    const values =
      message.type === 'identify' || (message.type === 'group' && kind === 'accounts')
        ? message.traits
        : message.type === 'group'
          ? (message.context?.['membership'] as Record<string, unknown> | undefined)
          : message.type === 'track'
            ? message.properties
            : undefined;
    for (const field of Object.keys(values ?? {})) {
      const type = columnTypes[fields?.[field] ?? field];
      const key = `${eventName}\u0000${field}`;
      if (!type || registered.has(key)) continue;
      registered.add(key);
      sightings.push({ source, eventName, field, type });
    }
  }
  await registerFields(scope, sightings);
}
