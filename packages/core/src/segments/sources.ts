import type { FieldType } from '../ingestion/field-type.js';
import type { SourceName } from './ast.js';
import type { AccountRecord, PersonRecord } from './evaluate.js';
import type { FieldSchema } from './field-schema.js';
import type { FieldRef, Source, Target } from './ir.js';
import { ownValue } from '../own-keys.js';

/** One row of a source as the evaluator reads it: an id to order ties, its time, its fields. */
export interface Row {
  id: string;
  at: number;
  fields: Record<string, unknown>;
  /** An event's `context`, read by `context.…` fields. */
  context?: Record<string, unknown> | undefined;
}

/** The value a row holds for a field: its own field, or for `context.a.b` the path in its context (missing when any step is). */
export function rowValue(row: Row, field: FieldRef): unknown {
  if (field.scope !== 'event-context') return ownValue(row.fields, field.name);
  let value: unknown = row.context;
  for (const step of field.name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = ownValue(value as Record<string, unknown>, step);
  }
  return value;
}

/** Sources whose rows are records with a time (all but `people`): what time leaves and SQL tables name. */
export type RowSourceName = Exclude<SourceName, 'people'>;

interface CommonSourceSpec {
  name: SourceName;
  /** For the generated reference. */
  doc: string;
  /** Rule targets that may aggregate it, and what to say to a rule of another target. */
  targets: readonly Target[];
  wrongTarget?: string;
  /** `events "login"`: whether the source takes a name in quotes. */
  takesEventName: boolean;
}

/**
 * Rows with their own fields and a time (events, tickets, surveys): `where` compares the row's
 * fields, windows apply to its time, and an aggregate can read one of its fields.
 */
export interface RecordSourceSpec extends CommonSourceSpec {
  rows: 'records';
  name: RowSourceName;
  /** Scope of the row's fields in the IR. */
  fieldScope: 'event' | 'ticket' | 'survey';
  /** Known fields of its rows; undefined for event properties, which the checker types from what events sent. */
  fields?: (schema: FieldSchema) => Record<string, FieldType>;
  /** The row time windows read, by its name in the data (for the reference). */
  timeField: string;
  /** The topic a rule reading it depends on, seen from the profile (unprefixed). */
  topic(source: Source): string;
  /** The profile's rows, before `where` and the window. */
  rowsOf(record: PersonRecord | AccountRecord, source: Source): readonly Row[];
}

/** An account's people: each a person profile, so `where` is a person condition; no fields, no time. */
export interface PeopleSourceSpec extends CommonSourceSpec {
  rows: 'people';
  name: 'people';
  /** Why a field or a window does not apply to it. */
  noField: string;
  noWindow: string;
  topic: string;
}

export type SourceSpec = RecordSourceSpec | PeopleSourceSpec;

/** Every source of the rule language, keyed so that a new source name fails to compile until declared. */
export const sources: { [K in SourceName]: K extends 'people' ? PeopleSourceSpec : RecordSourceSpec } = {
  events: {
    name: 'events',
    rows: 'records',
    doc: 'product events of the person (or recorded in the account\'s context); `events "login"` only those named `login`; `where` filters on their properties, and on what the client sent as their context as `context.campaign.source`, `context.page.path`, `context.locale`',
    targets: ['person', 'account'],
    takesEventName: true,
    fieldScope: 'event',
    timeField: 'timestamp',
    topic: (source) => `event:${source.event ?? '*'}`,
    rowsOf: (record, source) =>
      record.events
        .filter((e) => source.event === undefined || e.name === source.event)
        .map((e) => ({ id: e.messageId, at: e.at, fields: e.properties, context: e.context })),
  },
  tickets: {
    name: 'tickets',
    rows: 'records',
    doc: 'support tickets the person requested (or of the account), windowed on `created_at`',
    targets: ['person', 'account'],
    takesEventName: false,
    fieldScope: 'ticket',
    fields: (schema) => schema.ticket,
    timeField: 'created_at',
    topic: () => 'tickets',
    rowsOf: (record) => record.tickets,
  },
  surveys: {
    name: 'surveys',
    rows: 'records',
    doc: 'NPS/CSAT answers, windowed on `submitted_at`',
    targets: ['person', 'account'],
    takesEventName: false,
    fieldScope: 'survey',
    fields: (schema) => schema.survey,
    timeField: 'submitted_at',
    topic: () => 'surveys',
    rowsOf: (record) => record.surveys,
  },
  people: {
    name: 'people',
    rows: 'people',
    doc: "an account's people (account rules only); their condition is a person rule",
    targets: ['account'],
    wrongTarget: 'people(...) are the people of an account; this rule is about a person',
    takesEventName: false,
    noField: 'people have no field to aggregate; use count(people where ...)',
    noWindow:
      'a window applies to events, tickets and surveys; for people put it in the condition, as in people where did "login" within last 7 days',
    topic: 'people',
  },
};
