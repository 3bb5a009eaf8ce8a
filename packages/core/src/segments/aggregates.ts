import type { FieldType } from '../ingestion/field-type.js';
import type { AggregateName, FieldRef, Source } from './ir.js';
import { isoTime } from './registry.js';
import { rowValue, type Row, type SourceSpec } from './sources.js';

/**
 * The result type of an aggregate over a source, or why it does not apply. `field-type` refusals
 * about an event property nobody has sent become `unknown-field` (its type was only a guess).
 */
export type AggregateTyping =
  | { ok: true; type: FieldType }
  | {
      ok: false;
      code: 'type-mismatch' | 'syntax-error';
      message: string;
      at: 'function' | 'call';
      reason: 'source' | 'field' | 'field-type';
    };

/** What an aggregate is given to evaluate: the rows that pass `where` and the window, and how many there were before `where` (people only). */
export interface AggregateInput {
  rows: readonly Row[];
  /** Rows before `where` (the account's people, for `share`); `rows.length` for other sources. */
  total: number;
  /** The present values of the aggregated field, in row order (empty without a field). */
  values: readonly unknown[];
  field: FieldRef | undefined;
}

/** One aggregate, declared once: the checker's rules, its value over no rows, its evaluation and its docs. SQL lives in storage, keyed by the same names. */
export interface AggregateSpec {
  name: AggregateName;
  type(source: Source, spec: SourceSpec): AggregateTyping;
  /** Its value over no rows at all (an owner SQL's grouping never sees): 0 or missing. */
  empty: 0 | undefined;
  evaluate(input: AggregateInput): unknown;
  /** Without a field, its value is the time of one of the rows (first, last), so the rows' times bound when a relative date on it flips. */
  rowTime?: true;
  doc: { returns: string; doc: string; example: string };
}

const number: AggregateTyping = { ok: true, type: 'number' };
const refuse = (
  message: string,
  at: 'function' | 'call',
  reason: 'source' | 'field' | 'field-type',
  code: 'type-mismatch' | 'syntax-error' = 'type-mismatch',
): AggregateTyping => ({ ok: false, code, message, at, reason });
const sum = (values: readonly unknown[]) => (values as number[]).reduce((a, b) => a + b, 0);
/** Rows by time, then id: the order `first` and `last` read. */
const byTime = (rows: readonly Row[]) => [...rows].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

function extreme(name: 'min' | 'max'): AggregateSpec {
  return {
    name,
    type: (source) => {
      const t = source.field?.type;
      return t === 'number' || t === 'datetime'
        ? { ok: true, type: t }
        : refuse(`${name}(...) needs a number or date field`, 'call', 'field-type');
    },
    empty: undefined,
    evaluate: ({ values, field }) => {
      if (values.length === 0) return undefined;
      const keyed = values.map((v) => ({ v, k: field?.type === 'datetime' ? isoTime(v as string)! : (v as number) }));
      keyed.sort((a, b) => a.k - b.k);
      return (name === 'min' ? keyed[0] : keyed.at(-1))!.v;
    },
    doc: {
      returns: 'number or date',
      doc: `${name === 'min' ? 'smallest' : 'largest'} value; missing when none`,
      example: name === 'min' ? 'min(surveys.nps) <= 6' : 'max(events "feature_used".duration_s) > 600',
    },
  };
}

function numeric(name: 'sum' | 'avg'): AggregateSpec {
  return {
    name,
    type: (source) =>
      source.field?.type === 'number'
        ? number
        : refuse(`${name}(...) needs a number field, as in ${name}(tickets.csat)`, 'call', 'field-type'),
    empty: name === 'sum' ? 0 : undefined,
    evaluate: ({ values }) => (name === 'sum' ? sum(values) : values.length === 0 ? undefined : sum(values) / values.length),
    doc:
      name === 'sum'
        ? {
            returns: 'number',
            doc: 'sum of a number field; 0 when none',
            example: 'sum(events "invoice_paid".amount within last 90 days) > 1000',
          }
        : { returns: 'number', doc: 'average of a number field; missing when none', example: 'avg(tickets.csat within last 90 days) < 3' },
  };
}

function ordered(name: 'first' | 'last'): AggregateSpec {
  return {
    name,
    type: (source) => ({ ok: true, type: source.field?.type ?? 'datetime' }),
    empty: undefined,
    rowTime: true,
    evaluate: ({ rows, field }) => {
      // Without a field the answer is the row's time itself.
      const row = name === 'first' ? byTime(rows)[0] : byTime(rows).at(-1);
      if (!row) return undefined;
      return field ? rowValue(row, field) : new Date(row.at).toISOString();
    },
    doc:
      name === 'first'
        ? {
            returns: 'date, or the field',
            doc: 'time of the earliest row, or its field',
            example: 'first(events "login") within last 7 days',
          }
        : { returns: 'date, or the field', doc: 'time of the latest row, or its field', example: 'last(surveys.nps) <= 6' },
  };
}

/** Every aggregate, keyed so that a new name fails to compile until it is declared. */
export const aggregates: Record<AggregateName, AggregateSpec> = {
  count: {
    name: 'count',
    type: () => number,
    empty: 0,
    evaluate: ({ rows }) => rows.length,
    doc: { returns: 'number', doc: 'how many rows; 0 when none', example: 'count(events "login" within last 30 days) >= 5' },
  },
  sum: numeric('sum'),
  avg: numeric('avg'),
  min: extreme('min'),
  max: extreme('max'),
  distinct: {
    name: 'distinct',
    type: (source) =>
      source.field
        ? number
        : refuse(`distinct(...) needs a field, as in distinct(events "feature_used".feature)`, 'call', 'field', 'syntax-error'),
    empty: 0,
    evaluate: ({ values }) => new Set(values.map((v) => JSON.stringify(v))).size,
    doc: {
      returns: 'number',
      doc: 'how many different values of a field',
      example: 'distinct(events "feature_used".feature within last 30 days) >= 3',
    },
  },
  first: ordered('first'),
  last: ordered('last'),
  share: {
    name: 'share',
    type: (_source, spec) =>
      spec.rows === 'people' ? number : refuse('share(...) applies to people: share(people where ...)', 'function', 'source'),
    empty: undefined,
    evaluate: ({ rows, total }) => (total === 0 ? undefined : rows.length / total),
    doc: {
      returns: 'number 0..1',
      doc: "fraction of an account's people matching; missing with no people",
      example: 'share(people where did "login" within last 7 days) >= 0.5',
    },
  },
  days: {
    name: 'days',
    type: (_source, spec) =>
      spec.rows === 'records' ? number : refuse('days(...) counts days with rows of events, tickets or surveys', 'function', 'source'),
    empty: 0,
    evaluate: ({ rows }) => new Set(rows.map((r) => new Date(r.at).toISOString().slice(0, 10))).size,
    doc: { returns: 'number', doc: 'how many different UTC days have rows; 0 when none', example: 'days(events within last 7 days) >= 3' },
  },
};
