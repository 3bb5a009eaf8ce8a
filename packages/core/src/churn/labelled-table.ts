import type { LabelledExamples } from './assess-churn-model.js';
import type { FeatureRow, FeatureSpec, FeatureValue } from './feature-encoding.js';

/** A mistake in how a table was described (`strata churn evaluate`): data, with a stable code. */
export interface TableIssue {
  code: 'unknown-column' | 'label-not-binary' | 'positive-not-found' | 'no-examples';
  message: string;
}

export interface TableOptions {
  /** The column holding the outcome. */
  label: string;
  /** The label's value meaning churned; inferred for true/false, yes/no and 1/0 columns. */
  positive?: string | undefined;
  /** A column identifying the row, left out of the features. */
  id?: string | undefined;
}

const blank = (cell: string | undefined) => cell === undefined || cell.trim() === '';
const booleans: Record<string, number> = { true: 1, false: 0, yes: 1, no: 0 };
const isoDate = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const day = 86_400_000;

/** A column's type from its non-blank cells: numbers, booleans and ISO dates become numbers (dates as days since 1970), the rest categories. */
function inferColumn(cells: readonly string[]): { kind: FeatureSpec['kind']; read: (cell: string) => FeatureValue } {
  const present = cells.map((c) => c.trim()).filter((c) => c !== '');
  if (present.length > 0 && present.every((c) => Number.isFinite(Number(c))))
    return { kind: 'number', read: (c) => (blank(c) ? null : Number(c)) };
  if (present.length > 0 && present.every((c) => c.toLowerCase() in booleans))
    return { kind: 'number', read: (c) => (blank(c) ? null : (booleans[c.trim().toLowerCase()] ?? null)) };
  if (present.length > 0 && present.every((c) => isoDate.test(c) && !Number.isNaN(Date.parse(c.replace(' ', 'T')))))
    return { kind: 'number', read: (c) => (blank(c) ? null : Math.floor(Date.parse(c.trim().replace(' ', 'T')) / day)) };
  return { kind: 'category', read: (c) => (blank(c) ? null : c.trim()) };
}

function positiveValue(values: readonly string[], label: string, positive: string | undefined): string | TableIssue {
  const distinct = [...new Set(values)];
  if (positive !== undefined) {
    return distinct.includes(positive)
      ? positive
      : {
          code: 'positive-not-found',
          message: `--positive "${positive}" never occurs in column "${label}" (values: ${distinct.slice(0, 10).join(', ')})`,
        };
  }
  for (const candidate of ['true', 'yes', '1']) {
    const matching = distinct.find((v) => v.toLowerCase() === candidate);
    if (matching !== undefined && distinct.length <= 2) return matching;
  }
  return {
    code: 'label-not-binary',
    message: `column "${label}" has the values ${distinct.slice(0, 10).join(', ')}: name the one meaning churned with --positive VALUE`,
  };
}

/**
 * Turns a parsed CSV (one record of cells per row) into labelled examples: every column but the
 * label and id is a feature, typed from its cells. Rows with a blank label are left out.
 */
export function labelledTableExamples(
  records: ReadonlyArray<Readonly<Record<string, string>>>,
  options: TableOptions,
): { examples: LabelledExamples; skipped: number } | { issues: TableIssue[] } {
  const columns = Object.keys(records[0] ?? {});
  const issues: TableIssue[] = [];
  for (const [flag, column] of [['--label', options.label] as const, ['--id', options.id] as const])
    if (column !== undefined && !columns.includes(column))
      issues.push({ code: 'unknown-column', message: `${flag} "${column}" is not a column of the file (columns: ${columns.join(', ')})` });
  if (records.length === 0) issues.push({ code: 'no-examples', message: 'the file has no rows' });
  if (issues.length > 0) return { issues };
  const labelled = records.filter((r) => !blank(r[options.label]));
  const positive = positiveValue(
    labelled.map((r) => r[options.label]!.trim()),
    options.label,
    options.positive,
  );
  if (typeof positive !== 'string') return { issues: [positive] };
  const featureColumns = columns.filter((c) => c !== options.label && c !== options.id);
  const readers = featureColumns.map((column) => ({ column, ...inferColumn(labelled.map((r) => r[column] ?? '')) }));
  const rows = labelled.map((r): FeatureRow => Object.fromEntries(readers.map(({ column, read }) => [column, read(r[column] ?? '')])));
  return {
    examples: {
      specs: readers.map(({ column, kind }) => ({ name: column, kind })),
      rows,
      outcomes: labelled.map((r) => (r[options.label]!.trim() === positive ? 1 : 0)),
    },
    skipped: records.length - labelled.length,
  };
}
