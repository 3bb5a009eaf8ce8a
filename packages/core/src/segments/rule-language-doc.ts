import { diagnosticCodes, type DiagnosticCode } from './diagnostics.js';
import { builtinColumns, predefinedSegmentTargets, surveyFields, ticketFields, wellKnownFields } from './field-schema.js';
import type { AggregateName } from './ir.js';
import { maxPatternLength, maxPatternRepeat, maxPatternSize, posixClassNames } from './pattern.js';
import { maxCalendarAmount, maxDuration, operatorSpecs } from './registry.js';
import { calendarUnits, timeUnits } from './ast.js';
import { aggregates } from './aggregates.js';
import { sources } from './sources.js';

/** What each aggregate returns, for the reference (from the aggregate registry). */
export const aggregateDocs: Record<AggregateName, { returns: string; doc: string; example: string }> = Object.fromEntries(
  Object.values(aggregates).map((spec) => [spec.name, spec.doc]),
) as Record<AggregateName, { returns: string; doc: string; example: string }>;

/** What each diagnostic code means, for the reference. */
export const diagnosticDocs: Record<DiagnosticCode, string> = {
  'syntax-error': 'the text cannot be read as a rule here',
  'unknown-field': 'no such field for this target (with the closest known name)',
  'unknown-function': 'no such function before `(`',
  'type-mismatch': 'an operator or value does not fit the type of the field',
  'unknown-segment': 'no segment with this key (with the closest key)',
  'segment-cycle': 'the reference would make segments depend on each other',
  'invalid-value': 'a value of the right type that is still not allowed (a date that is not a date, an empty list, a zero window)',
  'wrong-target': 'the condition applies to accounts but the rule is about people, or the reverse',
  'unsafe-pattern': 'a regular expression that could take exponential time, or is too long',
  'invalid-pattern': 'a regular expression outside the pattern dialect (see Patterns), with the offending part',
  'out-of-range': 'a number or a duration too large to mean anything (windows reach at most 1000 years)',
  'rule-too-large': 'a rule given as IR that is larger than the text limit allows (10,000 characters)',
};

const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
const code = (text: string) => `\`${text}\``;

/** The rule-language reference, generated from the registry so that it cannot drift from the code. */
export function renderRuleLanguageDoc(): string {
  const operatorRows = operatorSpecs.map((spec) => {
    const shape = {
      none: '',
      one: ' VALUE',
      list: ' [VALUE, …]',
      two: ' VALUE and VALUE',
      duration: ' N UNIT',
      'duration-range': ' N and M UNIT',
      calendar: ' this UNIT | last N calendar UNIT | next N calendar UNIT [in customer timezone]',
    }[spec.operands];
    return [
      code(`${spec.words.join(' ')}${shape}${spec.suffix ? ` ${spec.suffix.join(' ')}` : ''}`),
      spec.subjects.join(', '),
      spec.doc,
      code(spec.example),
    ];
  });
  const aggregateRows = Object.entries(aggregateDocs).map(([name, d]) => [code(`${name}(…)`), d.returns, d.doc, code(d.example)]);
  const fieldRows = (target: 'person' | 'account') => [
    ...Object.entries(builtinColumns[target]).map(([name, f]) => [code(name), f.type, 'built in']),
    ...Object.entries(wellKnownFields[target]).map(([name, type]) => [code(name), type, 'trait']),
  ];
  return `<!-- Generated from packages/core/src/segments (the operator registry) by \`npx strata docs rule-language\`. Do not edit by hand. -->
# Segment rule language

A rule says who belongs to a segment, in words a support-operations lead can read:

\`\`\`
plan in ["pro", "enterprise"] and mrr >= 1000
count(events "login" within last 30 days) >= 5
count(people where did "login" within last 7 days) >= 3
avg(tickets.csat within last 90 days) < 3
in segment "trial" and not in segment "churned"
\`\`\`

Rules are checked against the workspace's fields, then stored as a versioned JSON IR, compiled to
SQL for PostgreSQL and evaluated in memory by an independent evaluator; both give the same answer
(property-tested). \`POST /api/v1/segments/validate\` returns the IR and the canonical text.

## Shape

- A rule is about a **person** or an **account** (its target).
- Conditions combine with \`and\`, \`or\`, \`not\` and parentheses, to any depth; \`not\` binds
  tightest, then \`and\`, then \`or\`.
- A condition is a **value** followed by an **operator**: a field (\`plan\`), an account's field seen
  from a person (\`account.plan\`), or an aggregate over rows (\`count(events "login" …)\`).
- Strings are in double (or single) quotes, with a backslash before a quote or backslash inside; numbers are plain; \`true\`, \`false\`.
- Dates are ISO-8601 text: \`"2026-01-31"\` (midnight UTC), \`"2026-01-31T09:00"\` (UTC),
  \`"2026-01-31T09:00:00+02:00"\`, at most millisecond precision.

## Operators

${table(['form', 'applies to', 'meaning', 'example'], operatorRows)}

Time units: ${timeUnits.map(code).join(', ')} (singular forms are accepted too). Calendar units:
${calendarUnits.map(code).join(', ')}.

## Aggregates

An aggregate reads rows of a **source**, optionally filtered and windowed:

\`\`\`
FUNCTION(SOURCE ["EVENT NAME"] [.FIELD] [where CONDITION] [within last|next N UNIT | within CALENDAR WINDOW | all time])
\`\`\`

${Object.values(sources)
  .map((spec) => `- \`${spec.name}\`: ${spec.doc}.`)
  .join('\n')}

${table(['function', 'returns', 'meaning', 'example'], aggregateRows)}

Other forms:

- \`did "EVENT" [where CONDITION] [within …]\` and \`not did …\`: whether such an event happened.
  Outside parentheses, \`where\` takes one condition: \`did "x" where a = 1 and b = 2\` means
  \`(did "x" where a = 1) and b = 2\`; write \`did "x" where (a = 1 and b = 2)\` for both.
- \`any(people where …)\`, \`all(people where …)\`, \`none(people where …)\` on accounts. \`all\`
  needs at least one person.
- \`in segment "KEY"\`: membership of another segment of the same target; cycles are refused.

## Fields

Person rules know:

${table(['field', 'type', 'kind'], fieldRows('person'))}

Account rules know:

${table(['field', 'type', 'kind'], fieldRows('account'))}

Every trait and event property seen in the workspace's data adds to these, with the type it had
when first seen (\`GET /api/v1/fields\` lists them). Ticket fields: ${Object.keys(ticketFields).map(code).join(', ')}.
Survey fields: ${Object.keys(surveyFields).map(code).join(', ')}.

Predefined segments: ${Object.entries(predefinedSegmentTargets)
    .map(([key, target]) => `${code(key)} (${target})`)
    .join(', ')}.

## Semantics

- **Missing values.** A field that is not set, or holds a value of another type than the field's
  (a text \`mrr\`), is *missing*. Every operator on a missing value is false, except \`is not set\`.
  So \`plan != "free"\` is false for someone with no plan, and \`not (plan = "free")\` is true.
- **Aggregates over nothing.** \`count\` and \`sum\` are 0; \`avg\`, \`min\`, \`max\`, \`first\`, \`last\`
  and \`share\` are missing.
- **Windows** are exact to the millisecond and rolling: \`within last 7 days\` is from now minus
  7 × 24 hours up to now, both ends included; \`within next 3 days\` from now up to now plus 3 days.
  \`more than 14 days ago\` is strictly before now minus 14 days. Months are calendar months in
  UTC (one month before 31 March is 28 or 29 February). Because these windows are rolling, the
  workspace's timezone does not change them.
- **Calendar windows** are whole calendar units, start included, end excluded, as Salesforce's
  date literals: \`within this week|month|quarter|year\` is the whole current unit, future dates in it
  included (\`trial_ends_at within this month\`); \`within last 2 calendar months\` the two whole
  months before the current one; \`within next 1 calendar quarter\` the whole quarter after it. Weeks
  start on Monday (ISO 8601). They work wherever windows do: on events, tickets and surveys, in
  \`did\`, and on dates (\`renewal_at within next 1 calendar month\`).
- **Timezones of calendar windows.** Boundaries are local midnights in the workspace's timezone
  (its \`timezone\` setting; UTC when unset or not a timezone), so a day can be 23 or 25 hours long.
  With \`in customer timezone\` they are in the profile's own: its \`timezone\` trait, else (for a
  person) that of the account they joined first, else the workspace's. A \`timezone\` that is not an
  IANA name (\`Europe/Berlin\`, any case) counts as missing. At most ${Object.entries(maxCalendarAmount)
    .map(([unit, n]) => `${n} ${unit}`)
    .join(', ')}.
- **account.FIELD** on a person holds when it holds for at least one of the person's accounts.
- **Ties** in \`first\`/\`last\` are broken by the row's id.
- **Case.** \`ignoring case\` folds A–Z only, identically in SQL and in memory.
- **Patterns** (\`matches\`) use the dialect below, decided identically by the database and in memory.
- **Durations** in windows and \`ago\` reach at most 1000 years
  (${Object.entries(maxDuration)
    .map(([unit, n]) => `${n} ${unit}`)
    .join(', ')}); numbers at most ${Number.MAX_SAFE_INTEGER} either way.
- **Text values** cannot hold NUL (U+0000) or a lone surrogate: the database cannot store them.

## Patterns

\`matches\` takes a regular expression of at most ${maxPatternLength} characters, found anywhere in the
value unless anchored. Strata reads it in one dialect and writes it out explicitly for PostgreSQL
and for the in-memory engine (RE2, linear time), so both decide every value the same way,
whatever the database's locale. In a rule the pattern is a string, so a backslash is written \`\\\\\`.

| write | means |
| --- | --- |
| \`abc\`, \`é\` | those characters; \`\\\` before punctuation makes it literal (\`\\.\`, \`\\$\`, \`\\{\`) |
| \`\\n \\t \\r \\f \\v\` | newline, tab, carriage return, form feed, vertical tab |
| \`.\` | any one character, **newline included** |
| \`^\` \`$\` | the start and the end of the whole value (not of each line) |
| \`[abc]\` \`[a-z]\` \`[^0-9]\` | one character of a class, a range (by code point), or not in it |
| \`[[:alpha:]]\` … | inside brackets: ${posixClassNames.join(', ')}; **ASCII only** (\`é\` is not \`alpha\`) |
| \`\\d \\w \\s\` | \`[0-9]\`, \`[0-9A-Za-z_]\`, ASCII white space; \`\\D \\W \\S\` are their opposites (so \`\\D\` matches \`٣\`) |
| \`( )\` \`(?: )\` \`a\\|b\` | grouping and alternatives |
| \`* + ? {n} {n,} {n,m}\` | repetition, counts up to ${maxPatternRepeat}; a lazy \`?\` after one is accepted and changes nothing |
| \`(?i)\` at the very start | ignore case, folding A–Z only, like \`ignoring case\` |

Refused, with \`invalid-pattern\` and the offending part: anything else after a backslash
(\`\\b\`, \`\\p{L}\`, \`\\k\`, \`\\1\`, \`\\x41\`), look-arounds and named groups, flags anywhere but the
start, a repetition count above ${maxPatternRepeat}, an unescaped \`{\` or \`}\` that is not a count, an empty
class. Refused with \`unsafe-pattern\`: more than ${maxPatternLength} characters, more than ${maxPatternSize}
characters once counts are expanded (\`\\w{250}\` four times is 1000), or a repeated group that itself
repeats (\`(a+)+\`), which could take exponential time in the database. A segment saved
before this dialect existed whose pattern falls outside it matches no one until its rule is edited.

## Diagnostics

A rule with mistakes answers \`{"ok": false, "diagnostics": [{"code", "message", "span"}]}\`,
with every mistake found in one run. \`span\` is \`{start, end}\` in characters of the text.

${table(
  ['code', 'meaning'],
  diagnosticCodes.map((c) => [code(c), diagnosticDocs[c]]),
)}
`;
}
