import { builtinColumns, computedFields, type Target } from '@strata/core';
import { loadFieldSchema, readMemberExportPage, type MemberExportColumn, type WorkspaceScope } from '@strata/storage';
import { csvLine } from './csv-cell.js';

/** Members read per page of an export: one page is all an export holds at a time. */
export const exportPageSize = 1000;

export type ExportColumns =
  { ok: true; names: string[]; columns: MemberExportColumn[] } | { ok: false; unknown: string[]; known: string[] };

/** The fields of a segment's export when none are asked for. */
const defaultFields: Record<Target, string[]> = {
  person: ['id', 'entered_at', 'email', 'name'],
  account: ['id', 'entered_at', 'name', 'plan', 'mrr'],
};

/**
 * The export columns of field names: `id` (user id or group id), `entered_at`, built-in columns,
 * the target's computed fields and its traits, in that order of precedence. Unknown names are
 * reported with the known ones. Without names, the defaults the workspace has.
 */
export async function exportColumns(scope: WorkspaceScope, target: Target, fields?: readonly string[]): Promise<ExportColumns> {
  const schema = await loadFieldSchema(scope);
  const computed = new Set(computedFields(target).map((c) => c.name));
  const columnOf = (name: string): MemberExportColumn | undefined => {
    if (name === 'id') return { kind: 'id' };
    if (name === 'entered_at') return { kind: 'entered-at' };
    const builtin = builtinColumns[target][name];
    if (builtin) return { kind: 'column', column: builtin.column };
    if (computed.has(name)) return { kind: 'computed', name };
    if (name in schema[target]) return { kind: 'trait', name };
    return undefined;
  };
  const names = fields ?? defaultFields[target].filter((name) => columnOf(name) !== undefined);
  const unknown = names.filter((name) => columnOf(name) === undefined);
  if (unknown.length > 0) {
    const known = ['id', 'entered_at', ...Object.keys(builtinColumns[target]), ...computed, ...Object.keys(schema[target])];
    return { ok: false, unknown, known: [...new Set(known)] };
  }
  return { ok: true, names: [...names], columns: names.map((name) => columnOf(name)!) };
}

/**
 * A segment's members as CSV text, header first, then one chunk per page of members read by
 * cursor when the consumer asks for it: a stream of any length in the memory of one page.
 */
export async function* segmentMembersCsv(
  scope: WorkspaceScope,
  segment: { key: string; target: Target },
  columns: { names: readonly string[]; columns: readonly MemberExportColumn[] },
  options: { onPage?: (progress: { rows: number }) => void; pageSize?: number } = {},
): AsyncGenerator<string> {
  yield csvLine(columns.names);
  // One instant for the whole export, so computed fields agree across pages.
  const now = scope.clock();
  let after: string | undefined;
  let rows = 0;
  for (;;) {
    const page = await readMemberExportPage(scope, segment, columns.columns, { limit: options.pageSize ?? exportPageSize, after, now });
    rows += page.rows.length;
    options.onPage?.({ rows });
    if (page.rows.length > 0) yield page.rows.map((row) => csvLine(row.values)).join('');
    if (!page.more) return;
    after = page.rows.at(-1)!.memberId;
  }
}
