import fc from 'fast-check';
import type {
  CalendarWindow,
  Condition,
  FieldRef,
  FieldSchema,
  FieldType,
  OperandValue,
  OperatorName,
  SegmentRule,
  Source,
  Target,
  TimeUnit,
  Window,
} from '../packages/core/src/index.js';
import { baseFieldSchema } from '../packages/core/src/index.js';

/** The instant rules are evaluated at in generated tests. */
export const testNow = Date.UTC(2026, 2, 15, 12, 0, 0);
const day = 86_400_000;

/** Field values drawn from small domains so that rules hit them often; some of the wrong type. */
export const plans = ['free', 'pro', 'enterprise', 'PRO'];
export const features = ['export', 'reports', 'api'];
export const eventNames = ['login', 'feature_used', 'invite_sent'];
/** Values of `context.campaign.source` on events. */
export const campaignSources = ['newsletter', 'ads'];
/**
 * Text on which regular-expression engines disagree unless told exactly what to do: newlines,
 * letters outside ASCII (é, ß, Ж), digits of other scripts (٣), both cases, a character outside
 * the BMP, punctuation.
 */
export const nicks = [
  'Ada',
  'ada',
  'é',
  'Élodie',
  'Straße',
  'Жанна',
  '٣٤',
  'a1',
  'line1\nline2',
  '\n',
  'a b',
  'ZZ_9',
  'x.y',
  '',
  '😀',
  'ABC-123',
];

const patternAtom = fc.constantFrom(
  'a',
  'A',
  'b',
  'e',
  'é',
  'ß',
  'Ж',
  '1',
  '٣',
  ' ',
  '_',
  '-',
  '\\.',
  '\\n',
  '.',
  '\\d',
  '\\w',
  '\\s',
  '\\D',
  '\\W',
  '\\S',
  '[[:alpha:]]',
  '[[:digit:]]',
  '[[:alnum:]]',
  '[[:upper:]]',
  '[[:lower:]]',
  '[[:space:]]',
  '[[:punct:]]',
  '[^[:alpha:]]',
  '[a-z]',
  '[A-Z0-9]',
  '[^a-c]',
  '[à-ÿ]',
  '[\\d_]',
  '[^\\s]',
  '[\\-.]',
);
const patternQuantifier = fc.constantFrom('', '', '', '*', '+', '?', '{2}', '{1,}', '{0,2}', '{1,3}');
const patternSequence = fc
  .array(fc.tuple(patternAtom, patternQuantifier), { minLength: 1, maxLength: 3 })
  .map((items) => items.map(([atom, quantifier]) => atom + quantifier).join(''));
/** Patterns of the `matches` dialect: classes, anchors, groups, alternation, bounded repetition, `(?i)`. */
export const patternArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '', '(?i)'),
    fc.boolean(),
    fc.oneof(
      { weight: 3, arbitrary: patternSequence },
      fc.array(patternSequence, { minLength: 2, maxLength: 3 }).map((branches) => `(${branches.join('|')})`),
      // A repeated group must not repeat inside (the dialect refuses nested repetition).
      fc.tuple(patternSequence, fc.array(patternAtom, { minLength: 1, maxLength: 2 })).map(([a, b]) => `${a}(?:${b.join('')})?`),
    ),
    fc.boolean(),
  )
  .map(([flags, start, body, end]) => `${flags}${start ? '^' : ''}${body}${end ? '$' : ''}`);

/**
 * Instants rules are evaluated at: `testNow`, and instants on or next to calendar boundaries in the
 * zones the tests use, DST changes included (New York on 8 March 2026, Europe on 29 March).
 */
export const nows = [
  testNow,
  Date.UTC(2026, 2, 1, 4, 30), // still February in New York
  Date.UTC(2026, 2, 1, 0, 0), // March in UTC, still February west of it
  Date.UTC(2026, 1, 28, 23, 0), // 1 March 00:00 in Berlin
  Date.UTC(2026, 2, 8, 7, 0), // New York springs forward
  Date.UTC(2026, 2, 29, 1, 0), // Berlin springs forward
  Date.UTC(2026, 2, 15, 23, 0), // Monday 16 March 00:00 in Berlin
  Date.UTC(2026, 2, 31, 22, 0), // 1 April 00:00 CEST: a new quarter in Berlin
  Date.UTC(2026, 3, 1, 3, 59, 59, 999), // the last millisecond of March in New York
];

/** Timezones a workspace or a profile may name: valid (any case), invalid, and names only ICU knows. */
export const timezones = [
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'america/new_york',
  'Not/A_Zone',
  '+05:00',
  'Factory',
  'US/Pacific-New',
  'PST',
  '',
];

/** Instants near `testNow`, including the exact boundaries of the windows rules use. */
export const instant = fc.oneof(
  fc.integer({ min: -60, max: 20 }).map((d) => testNow + d * day),
  fc.integer({ min: -60 * 24, max: 10 * 24 }).map((h) => testNow + h * 3_600_000 + 1234),
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      testNow,
      testNow - 7 * day,
      testNow - 14 * day,
      testNow + 3 * day,
      testNow - 90 * 60_000,
      testNow - 3_600_000,
      Date.UTC(2026, 1, 15, 12),
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(...nows).chain((t) => fc.constantFrom(t, t - 1, t + 1, t + 3_600_000, t - 3_600_000)) },
);
const isoInstant = instant.map((ms) => new Date(ms).toISOString());
const dateOnly = fc.integer({ min: -60, max: 20 }).map((d) => new Date(testNow + d * day).toISOString().slice(0, 10));

/** The schema generated rules are checked against. */
export function testSchema(): FieldSchema {
  const schema = baseFieldSchema();
  schema.person = { ...schema.person, seats: 'number', vip: 'boolean', nick: 'string' };
  const properties = { feature: 'string', duration_s: 'number' } as const;
  schema.events = { feature_used: { ...properties }, login: { ...properties }, invite_sent: { ...properties } };
  schema.segments = { ...schema.segments, vips: { target: 'person', references: [] } };
  return schema;
}

// Mostly the durations whose exact boundaries `instant` hits, so window edges get tested.
const duration: fc.Arbitrary<{ amount: number; unit: TimeUnit }> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom<{ amount: number; unit: TimeUnit }>(
      { amount: 7, unit: 'days' },
      { amount: 14, unit: 'days' },
      { amount: 90, unit: 'minutes' },
      { amount: 1, unit: 'months' },
      { amount: 3, unit: 'days' },
      { amount: 1, unit: 'hours' },
    ),
  },
  fc.record({ amount: fc.constantFrom(1, 3, 7, 14, 30), unit: fc.constantFrom<TimeUnit>('days', 'weeks') }),
  fc.record({ amount: fc.constantFrom(1, 2, 90), unit: fc.constantFrom<TimeUnit>('minutes', 'hours') }),
  fc.record({ amount: fc.constantFrom(1, 2), unit: fc.constant<TimeUnit>('months') }),
);
/** Calendar windows of every period, unit and zone. */
export const calendarArb: fc.Arbitrary<CalendarWindow> = fc
  .record({
    kind: fc.constant('calendar' as const),
    period: fc.constantFrom<CalendarWindow['period']>('this', 'this', 'last', 'next'),
    amount: fc.constantFrom(1, 2),
    unit: fc.constantFrom<CalendarWindow['unit']>('weeks', 'months', 'months', 'quarters', 'years'),
    zone: fc.constantFrom<CalendarWindow['zone']>('workspace', 'customer'),
  })
  .map((w) => (w.period === 'this' ? { ...w, amount: 1 } : w));
const windowArb: fc.Arbitrary<Window | undefined> = fc.option(
  fc.oneof(
    // Calendar windows less often: the focused calendar property of the SQL test runs many more.
    {
      weight: 4,
      arbitrary: duration.chain((d) => fc.constantFrom<'last' | 'next'>('last', 'last', 'next').map((direction) => ({ direction, ...d }))),
    },
    calendarArb,
  ),
  { nil: undefined },
);

type Predicate = { operator: OperatorName; operands: OperandValue[] };
const op = (operator: OperatorName, ...operands: OperandValue[]): Predicate => ({ operator, operands });

function predicatesFor(type: FieldType, domain: fc.Arbitrary<string | number | boolean>): fc.Arbitrary<Predicate> {
  const setness = fc.constantFrom(op('is-set'), op('is-not-set'));
  switch (type) {
    case 'string': {
      const s = domain as fc.Arbitrary<string>;
      return fc.oneof(
        s.map((v) => op('eq', v)),
        s.map((v) => op('neq', v)),
        fc.array(s, { minLength: 1, maxLength: 3 }).map((l) => op('in', l)),
        fc.array(s, { minLength: 1, maxLength: 3 }).map((l) => op('not-in', l)),
        fc
          .tuple(
            fc.constantFrom<OperatorName>(
              'contains',
              'contains-ignoring-case',
              'starts-with',
              'starts-with-ignoring-case',
              'ends-with',
              'ends-with-ignoring-case',
            ),
            fc.constantFrom('p', 'PR', 'ro', '@acme.com', 'e', ''),
          )
          .map(([o, v]) => op(o, v)),
        // One slot for patterns, as before the dialect: the pattern property in the SQL test runs many more.
        fc.oneof(fc.constantFrom('^p', 'o$', '^[a-z]+$', 'acme\\.com'), patternArb).map((p) => op('matches', p)),
        setness,
      );
    }
    case 'number': {
      const n = domain as fc.Arbitrary<number>;
      return fc.oneof(
        fc.tuple(fc.constantFrom<OperatorName>('eq', 'neq', 'lt', 'lte', 'gt', 'gte'), n).map(([o, v]) => op(o, v)),
        fc.tuple(n, n).map(([a, b]) => op('between', Math.min(a, b), Math.max(a, b))),
        fc.array(n, { minLength: 1, maxLength: 3 }).map((l) => op('in', l)),
        fc.array(n, { minLength: 1, maxLength: 3 }).map((l) => op('not-in', l)),
        setness,
      );
    }
    case 'boolean':
      return fc.oneof(
        fc.boolean().map((b) => op('eq', b)),
        fc.boolean().map((b) => op('neq', b)),
        setness,
      );
    case 'datetime': {
      const literal = fc.oneof(isoInstant, dateOnly);
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .tuple(fc.constantFrom<OperatorName>('within-last', 'within-next', 'more-than-ago'), duration)
            .map(([o, d]) => op(o, d)),
        },
        calendarArb.map((w) => op('within-calendar', w)),
        fc.tuple(fc.constantFrom<OperatorName>('before', 'after', 'eq', 'lt', 'gte'), literal).map(([o, v]) => op(o, v)),
        fc.tuple(literal, literal).map(([a, b]) => (a < b ? op('between', a, b) : op('between', b, a))),
        fc.tuple(fc.constantFrom<OperatorName>('within-last', 'within-next', 'more-than-ago'), duration).map(([o, d]) => op(o, d)),
        fc
          .tuple(fc.constantFrom(0, 1, 7), fc.constantFrom(7, 14, 30), fc.constantFrom<TimeUnit>('days', 'hours'))
          .map(([a, b, unit]) => op('between-ago', { amount: a, unit }, { amount: b, unit })),
        setness,
      );
    }
    case 'array':
    case 'object':
      return setness;
  }
}

const field = (scope: FieldRef['scope'], name: string, type: FieldType, column?: string): FieldRef => ({
  kind: 'field',
  scope,
  name,
  type,
  ...(column ? { column } : {}),
});
const personFields: Array<[FieldRef, fc.Arbitrary<string | number | boolean>]> = [
  [field('person', 'plan', 'string'), fc.constantFrom(...plans)],
  [field('person', 'email', 'string'), fc.constantFrom('ada@acme.com', 'bob@other.io', 'Eve@ACME.com')],
  [field('person', 'seats', 'number'), fc.integer({ min: 0, max: 10 })],
  [field('person', 'nick', 'string'), fc.constantFrom(...nicks)],
  [field('person', 'vip', 'boolean'), fc.boolean()],
  [field('person', 'signed_up_at', 'datetime'), fc.constant(0)],
  [field('person', 'last_seen_at', 'datetime', 'last_seen_at'), fc.constant(0)],
  [field('person', 'user_id', 'string', 'user_id'), fc.constantFrom('u1', 'u2', 'u3')],
  [field('person-account', 'plan', 'string'), fc.constantFrom(...plans)],
  [field('person-account', 'mrr', 'number'), fc.constantFrom(0, 500, 1000, 2000)],
];
const accountFields: Array<[FieldRef, fc.Arbitrary<string | number | boolean>]> = [
  [field('account', 'plan', 'string'), fc.constantFrom(...plans)],
  [field('account', 'mrr', 'number'), fc.constantFrom(0, 500, 1000, 2000)],
  [field('account', 'trial_ends_at', 'datetime'), fc.constant(0)],
  [field('account', 'group_id', 'string', 'group_id'), fc.constantFrom('g1', 'g2')],
];

function fieldPredicate(fields: Array<[FieldRef, fc.Arbitrary<string | number | boolean>]>): fc.Arbitrary<Condition> {
  return fc
    .constantFrom(...fields)
    .chain(([subject, domain]) => predicatesFor(subject.type, domain).map((p) => ({ kind: 'predicate' as const, subject, ...p })));
}

const eventWhere: fc.Arbitrary<Condition | undefined> = fc.option(
  fc.oneof(
    predicatesFor('string', fc.constantFrom(...features)).map((p) => ({
      kind: 'predicate' as const,
      subject: field('event', 'feature', 'string'),
      ...p,
    })),
    predicatesFor('number', fc.constantFrom(5, 60, 300)).map((p) => ({
      kind: 'predicate' as const,
      subject: field('event', 'duration_s', 'number'),
      ...p,
    })),
    predicatesFor('string', fc.constantFrom(...campaignSources)).map((p) => ({
      kind: 'predicate' as const,
      subject: field('event-context', 'campaign.source', 'string'),
      ...p,
    })),
  ),
  { nil: undefined },
);
const ticketWhere: fc.Arbitrary<Condition | undefined> = fc.option(
  fc.oneof(
    predicatesFor('string', fc.constantFrom('low', 'urgent', 'high')).map((p) => ({
      kind: 'predicate' as const,
      subject: field('ticket', 'priority', 'string'),
      ...p,
    })),
    // A date of the row itself, in a calendar window of the row owner's timezone.
    calendarArb.map((w) => ({
      kind: 'predicate' as const,
      subject: field('ticket', 'created_at', 'datetime'),
      ...op('within-calendar', w),
    })),
  ),
  { nil: undefined },
);

/** Drops undefined properties: the IR has optional properties, never undefined ones. */
function compact<T extends object>(
  value: T,
): { [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined> } & {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}

const eventSource: fc.Arbitrary<Source> = fc
  .record({ event: fc.option(fc.constantFrom(...eventNames), { nil: undefined }), where: eventWhere, window: windowArb })
  .map((s) => compact({ from: 'events' as const, ...s }));

function aggregateCondition(target: Target): fc.Arbitrary<Condition> {
  const number = (domain: number[]) => predicatesFor('number', fc.constantFrom(...domain));
  const aggregates: Array<fc.Arbitrary<Condition>> = [
    fc
      .tuple(eventSource, number([0, 1, 2, 3]))
      .map(([source, p]) => ({ kind: 'predicate', subject: { kind: 'aggregate', fn: 'count', source, type: 'number' }, ...p })),
    fc
      .tuple(eventSource, number([0, 1, 2]))
      .map(([source, p]) => ({ kind: 'predicate', subject: { kind: 'aggregate', fn: 'days', source, type: 'number' }, ...p })),
    fc
      .tuple(
        fc.constantFrom<'sum' | 'avg' | 'min' | 'max' | 'distinct'>('sum', 'avg', 'min', 'max', 'distinct'),
        eventSource,
        number([0, 5, 60, 300, 400]),
      )
      .map(([fn, source, p]) => ({
        kind: 'predicate',
        subject: {
          kind: 'aggregate',
          fn,
          source: compact({ ...source, event: 'feature_used', field: field('event', 'duration_s', 'number'), where: undefined }),
          type: 'number',
        },
        ...p,
      })),
    fc
      .tuple(fc.constantFrom<'first' | 'last'>('first', 'last'), eventSource, predicatesFor('datetime', fc.constant(0)))
      .map(([fn, source, p]) => ({ kind: 'predicate', subject: { kind: 'aggregate', fn, source, type: 'datetime' }, ...p })),
    fc.tuple(fc.constantFrom(...features), eventSource).map(([feature, source]) => ({
      kind: 'predicate',
      subject: {
        kind: 'aggregate',
        fn: 'last',
        source: { ...source, event: 'feature_used', field: field('event', 'feature', 'string') },
        type: 'string',
      },
      operator: 'eq',
      operands: [feature],
    })),
    fc
      .tuple(fc.constantFrom(...eventNames), eventWhere, windowArb)
      .map(([event, where, window]) => compact({ kind: 'did' as const, event, where, window }) as Condition),
    fc.tuple(ticketWhere, windowArb, number([0, 1, 2])).map(([where, window, p]) => ({
      kind: 'predicate',
      subject: { kind: 'aggregate', fn: 'count', source: compact({ from: 'tickets' as const, where, window }), type: 'number' },
      ...p,
    })),
    fc.tuple(windowArb, number([1, 2, 3, 4, 5])).map(([window, p]) => ({
      kind: 'predicate',
      subject: {
        kind: 'aggregate',
        fn: 'avg',
        source: compact({ from: 'tickets' as const, field: field('ticket', 'csat', 'number'), window }),
        type: 'number',
      },
      ...p,
    })),
    number([0, 6, 7, 9, 10]).map((p) => ({
      kind: 'predicate',
      subject: { kind: 'aggregate', fn: 'last', source: { from: 'surveys', field: field('survey', 'nps', 'number') }, type: 'number' },
      ...p,
    })),
  ];
  if (target === 'account') {
    const personCondition = fc.oneof(
      fieldPredicate(personFields.filter(([f]) => f.scope === 'person')),
      fc
        .tuple(fc.constantFrom(...eventNames), windowArb)
        .map(([event, window]) => compact({ kind: 'did' as const, event, window }) as Condition),
    );
    aggregates.push(
      fc.tuple(personCondition, number([0, 1, 2])).map(([where, p]) => ({
        kind: 'predicate',
        subject: { kind: 'aggregate', fn: 'count', source: { from: 'people', where }, type: 'number' },
        ...p,
      })),
      fc.tuple(personCondition, fc.constantFrom(0, 0.5, 1)).map(([where, share]) => ({
        kind: 'predicate',
        subject: { kind: 'aggregate', fn: 'share', source: { from: 'people', where }, type: 'number' },
        operator: 'gte',
        operands: [share],
      })),
      fc
        .tuple(fc.constantFrom<'any' | 'all' | 'none'>('any', 'all', 'none'), personCondition)
        .map(([quantifier, where]) => ({ kind: 'quantified', quantifier, where })),
    );
  }
  return fc.oneof(...aggregates);
}

/** Random well-typed rules of a target, nested up to three levels. */
export function ruleArbitrary(target: Target): fc.Arbitrary<SegmentRule> {
  const leaf = fc.oneof(
    { weight: 3, arbitrary: fieldPredicate(target === 'person' ? personFields : accountFields) },
    { weight: 3, arbitrary: aggregateCondition(target) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Condition>(
        ...(target === 'person' ? [{ kind: 'in-segment' as const, key: 'vips' }] : [{ kind: 'in-segment' as const, key: 'trial' }]),
      ),
    },
  );
  const { condition } = fc.letrec<{ condition: Condition }>((tie) => ({
    condition: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('condition'), { minLength: 2, maxLength: 3 }).map((conditions) => ({ kind: 'and' as const, conditions })),
      fc.array(tie('condition'), { minLength: 2, maxLength: 3 }).map((conditions) => ({ kind: 'or' as const, conditions })),
      tie('condition').map((c) => ({ kind: 'not' as const, condition: c })),
    ),
  }));
  return condition.map((c) => ({ version: 1 as const, target, condition: c }));
}
