import { createHash } from 'node:crypto';
import { coerceTypedCell, parseCsvTime, type ColumnType } from './column-types.js';
import { domainOf } from './crm-presets.js';
import type { RowOrdinals } from './row-ordinals.js';

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
  /**
   * A column unique per row; otherwise the row's content and how many identical rows came before it
   * identify it for idempotent re-runs.
   */
  idColumn?: string | undefined;
  /** Events: a fixed event name, or the column holding it. */
  eventName?: string | undefined;
  eventColumn?: string | undefined;
  /** Trait or property name to column; absent means every column not used as an id or time. */
  fields?: Record<string, string> | undefined;
  /** Column to type, inferred from the whole column (`inferColumnTypes`) or forced; untyped cells are typed alone. */
  columnTypes?: Record<string, ColumnType> | undefined;
  /** Keep id cells as written; by default a spreadsheet's `17850.0` is the id `17850`. */
  keepIdFormat?: boolean | undefined;
  /** Traits holding a website, kept as the bare domain (`https://www.acme.com/` is `acme.com`): a CRM preset's `domain`. */
  domainTraits?: string[] | undefined;
}

/** One CSV record with the line it started on. */
export interface ImportRow {
  line: number;
  values: Record<string, string>;
  /** Columns of the original file (joined files may add more to `values`). */
  columns: string[];
}

export type RowResult = { ok: true; message: Record<string, unknown> } | { ok: false; problems: string[] };

/** One CSV cell typed on its own, for a column whose type was not inferred: numbers, booleans and empties become what they mean. */
export function coerceCell(text: string): unknown {
  const value = text.trim();
  if (value === '') return undefined;
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/**
 * Spreadsheets write whole-number ids as `17850.0`; as an id that is `17850`.
 * Only a run of zeros after the point is dropped, so `17850.5` and `A-1.0x` stay as they are.
 */
export function normaliseSpreadsheetId(text: string): string {
  return /^-?\d+\.0+$/.test(text) ? text.slice(0, text.indexOf('.')) : text;
}

/** Maps one row to a Segment message, or lists everything wrong with it. */
export function rowToMessage(row: ImportRow, mapping: ImportMapping, source: string, importedAt: Date, ordinals?: RowOrdinals): RowResult {
  const problems: string[] = [];
  const asId = (text: string) => (mapping.keepIdFormat ? text : normaliseSpreadsheetId(text));
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
  const userIdText =
    mapping.kind === 'people' || mapping.kind === 'memberships' || (mapping.kind === 'events' && mapping.userIdColumn)
      ? required(mapping.userIdColumn, '--user-id')
      : undefined;
  const groupIdText =
    mapping.kind === 'accounts' ||
    mapping.kind === 'memberships' ||
    (mapping.kind === 'events' && !mapping.userIdColumn) ||
    mapping.groupIdColumn
      ? required(mapping.groupIdColumn, '--group-id')
      : undefined;
  const userId = userIdText === undefined ? undefined : asId(userIdText);
  const groupId = groupIdText === undefined ? undefined : asId(groupIdText);
  let timestamp = importedAt;
  if (mapping.timestampColumn) {
    const text = required(mapping.timestampColumn, '--timestamp');
    const parsed = text ? parseCsvTime(text) : undefined;
    if (text && !parsed) problems.push(`column "${mapping.timestampColumn}" holds "${text}", which is not a date`);
    if (parsed) timestamp = parsed;
  }
  // An id column that is missing or empty would give every such row the same id, and keep only one.
  if (mapping.idColumn) required(mapping.idColumn, '--id-column');
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
    const type = mapping.columnTypes?.[column];
    const text = row.values[column]!;
    const cell = type ? coerceTypedCell(text, type) : { ok: true as const, value: coerceCell(text) };
    if (!cell.ok) problems.push(`column "${column}" holds "${text.trim()}", which is not ${cell.problem} (--type ${column}=${type})`);
    else if (cell.value !== undefined) fields[name] = cell.value;
  }
  for (const trait of mapping.domainTraits ?? []) {
    const website = fields[trait];
    if (typeof website === 'string') fields[trait] = domainOf(website);
  }
  if (problems.length > 0) return { ok: false, problems };

  const common = { messageId: messageIdOf(row, mapping, source, asId, ordinals), timestamp: timestamp.toISOString() };
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

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Without an id column, a row is its content plus how many identical rows the file held before it:
 * repeated line items stay distinct rows, and because identical rows are interchangeable, the same
 * rows give the same ids however the file is re-sorted or appended to. The first of its content keeps
 * the id earlier versions gave every row, so a re-run after upgrading adds only the rows they lost.
 */
function messageIdOf(
  row: ImportRow,
  mapping: ImportMapping,
  source: string,
  asId: (text: string) => string,
  ordinals: RowOrdinals | undefined,
): string {
  const identity = mapping.idColumn ? asId(row.values[mapping.idColumn] ?? '') : JSON.stringify(row.values);
  const key = `${source}\u0000${mapping.kind}\u0000${identity}`;
  const first = digest(key);
  const ordinal = mapping.idColumn || !ordinals ? 0 : ordinals.next(first);
  return `import-${(ordinal === 0 ? first : digest(`${key}\u0000${ordinal}`)).toString('hex').slice(0, 32)}`;
}
