import { createHash } from 'node:crypto';

/** What a CSV file holds. */
export const importKinds = ['people', 'accounts', 'memberships', 'events'] as const;
export type ImportKind = (typeof importKinds)[number];

/** How the columns of a file become a Segment message. */
export interface ImportMapping {
  kind: ImportKind;
  userIdColumn?: string | undefined;
  groupIdColumn?: string | undefined;
  /** When the row happened; without it, the time of the import. */
  timestampColumn?: string | undefined;
  /** A column unique per row; otherwise the row's content identifies it for idempotent re-runs. */
  idColumn?: string | undefined;
  /** Events: a fixed event name, or the column holding it. */
  eventName?: string | undefined;
  eventColumn?: string | undefined;
  /** Trait or property name to column; absent means every column not used as an id or time. */
  fields?: Record<string, string> | undefined;
}

/** One CSV record with the line it started on. */
export interface ImportRow {
  line: number;
  values: Record<string, string>;
  /** Columns of the original file (joined files may add more to `values`). */
  columns: string[];
}

export type RowResult = { ok: true; message: Record<string, unknown> } | { ok: false; problems: string[] };

/** CSV cells are text: numbers, booleans and empties become what they mean. */
export function coerceCell(text: string): unknown {
  const value = text.trim();
  if (value === '') return undefined;
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/** Parses a CSV time; a time without a zone is taken as UTC, so imports do not depend on the machine. */
export function parseCsvTime(text: string): Date | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  const zoneless = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value);
  const date = new Date(zoneless ? `${value.replace(' ', 'T')}${value.length === 10 ? 'T00:00:00' : ''}Z` : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Maps one row to a Segment message, or lists everything wrong with it. */
export function rowToMessage(row: ImportRow, mapping: ImportMapping, source: string, importedAt: Date): RowResult {
  const problems: string[] = [];
  const required = (column: string | undefined, flag: string): string | undefined => {
    if (!column) {
      problems.push(`${flag} is required for ${mapping.kind}`);
      return undefined;
    }
    if (!(column in row.values)) {
      problems.push(`column "${column}" (${flag}) is not in the file`);
      return undefined;
    }
    const value = row.values[column]!.trim();
    if (value === '') problems.push(`column "${column}" is empty`);
    return value;
  };
  const userId =
    mapping.kind === 'people' || mapping.kind === 'memberships' || (mapping.kind === 'events' && mapping.userIdColumn)
      ? required(mapping.userIdColumn, '--user-id')
      : undefined;
  const groupId =
    mapping.kind === 'accounts' ||
    mapping.kind === 'memberships' ||
    (mapping.kind === 'events' && !mapping.userIdColumn) ||
    mapping.groupIdColumn
      ? required(mapping.groupIdColumn, '--group-id')
      : undefined;
  let timestamp = importedAt;
  if (mapping.timestampColumn) {
    const text = required(mapping.timestampColumn, '--timestamp');
    const parsed = text ? parseCsvTime(text) : undefined;
    if (text && !parsed) problems.push(`column "${mapping.timestampColumn}" holds "${text}", which is not a date`);
    if (parsed) timestamp = parsed;
  }
  let event: string | undefined;
  if (mapping.kind === 'events') {
    event = mapping.eventName ?? (mapping.eventColumn ? required(mapping.eventColumn, '--event-column') : undefined);
    if (!mapping.eventName && !mapping.eventColumn) problems.push('--event or --event-column is required for events');
  }
  if (problems.length > 0) return { ok: false, problems };

  const used = new Set([mapping.userIdColumn, mapping.groupIdColumn, mapping.timestampColumn, mapping.eventColumn, mapping.idColumn]);
  const fields: Record<string, unknown> = {};
  const entries = mapping.fields ? Object.entries(mapping.fields) : row.columns.filter((c) => !used.has(c)).map((c) => [c, c] as const);
  for (const [name, column] of entries) {
    if (!(column in row.values)) {
      problems.push(`column "${column}" (field ${name}) is not in the file`);
      continue;
    }
    const value = coerceCell(row.values[column]!);
    if (value !== undefined) fields[name] = value;
  }
  if (problems.length > 0) return { ok: false, problems };

  const identity = mapping.idColumn ? (row.values[mapping.idColumn] ?? '') : JSON.stringify(row.values);
  const messageId = `import-${createHash('sha256').update(`${source}\u0000${mapping.kind}\u0000${identity}`).digest('hex').slice(0, 32)}`;
  const common = { messageId, timestamp: timestamp.toISOString() };
  switch (mapping.kind) {
    case 'people':
      return { ok: true, message: { ...common, type: 'identify', userId, traits: fields } };
    case 'accounts':
      return { ok: true, message: { ...common, type: 'group', groupId, traits: fields } };
    case 'memberships':
      return { ok: true, message: { ...common, type: 'group', userId, groupId, context: { membership: fields } } };
    case 'events':
      return {
        ok: true,
        message: {
          ...common,
          type: 'track',
          event,
          ...(userId ? { userId } : {}),
          properties: fields,
          context: groupId ? { groupId } : {},
        },
      };
  }
}
