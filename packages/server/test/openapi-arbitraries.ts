import fc from 'fast-check';

/** The subset of OpenAPI 3.0 schema objects that the served document uses. */
export interface JsonSchema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  format?: string;
  nullable?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
}

/** JSON text spliced in verbatim: numbers JSON.stringify cannot write (1e400), or nesting too deep for it. */
export class RawJson {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text.length > 60 ? `${this.text.slice(0, 30)}…(${this.text.length} chars)` : this.text;
  }
}

const deep = (levels: number, kind: 'array' | 'object') =>
  new RawJson(kind === 'array' ? `${'['.repeat(levels)}${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);

/** Strings that have broken parsers, databases and loggers before. */
export const hostileStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '😀',
  '🏳️‍🌈',
  'a'.repeat(10_000),
  'é'.repeat(3000),
  '%00',
  '../..',
  '{}',
  'null',
  "'; select 1; --",
  '0001-01-01T00:00:00Z',
  '1896-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2026-13-45T99:99:99Z',
  '1234.56',
  '99999999999999999999.99999999999999999999',
];

/** Values of every JSON type at their boundaries, plus nesting deeper than any real payload. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    ...hostileStrings,
    0,
    -1,
    -0,
    0.5,
    -1.5,
    1e308,
    -1e308,
    2 ** 53 + 2,
    2 ** 31,
    99_999_999_999_999,
    Number.MIN_VALUE,
    true,
    false,
    null,
    [],
    {},
    [null],
    { '': null },
  ),
  fc.constantFrom(
    new RawJson('1e400'),
    new RawJson('-1e400'),
    new RawJson('123456789012345678901234567890'),
    deep(10_000, 'array'),
    deep(10_000, 'object'),
    deep(200_000, 'array'),
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Names that plain-object code mishandles. */
const hostileKeys = fc.constantFrom(
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '',
  '\u0000',
  '\ud800',
  '😀',
  'k'.repeat(300),
  'extra',
);

export function resolver(components: Record<string, JsonSchema>) {
  return (schema: JsonSchema): JsonSchema => {
    let current = schema;
    while (current.$ref) current = components[current.$ref.replace('#/components/schemas/', '')] ?? {};
    return current;
  };
}

/** Realistic values for fields by name (a rule, a segment key), mixed with what the schema allows. */
export type FieldHints = Record<string, fc.Arbitrary<unknown>>;

/** Valid-looking values of a schema (by its types, enums, formats, patterns and bounds). */
export function valueOf(
  schema: JsonSchema,
  resolve: (s: JsonSchema) => JsonSchema,
  depth = 0,
  hints: FieldHints = {},
): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const base = ((): fc.Arbitrary<unknown> => {
    if (s.enum) return fc.constantFrom(...s.enum);
    const options = s.anyOf ?? s.oneOf;
    if (options) return fc.oneof(...options.map((o) => valueOf(o, resolve, depth + 1, hints)));
    if (s.allOf?.[0]) return valueOf(s.allOf[0], resolve, depth + 1, hints);
    switch (s.type) {
      case 'string':
        if (s.format === 'date-time')
          return fc
            .date({ min: new Date(Date.UTC(1960, 0, 1)), max: new Date(Date.UTC(2120, 0, 1)), noInvalidDate: true })
            .map((d) => d.toISOString());
        if (s.format === 'email') return fc.emailAddress();
        if (s.format === 'uuid') return fc.uuid();
        if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
        return fc.string({ unit: 'grapheme', minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) });
      case 'integer':
        return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1_000_000 });
      case 'number':
        return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(depth > 4 ? fc.constant(null) : valueOf(s.items ?? {}, resolve, depth + 1, hints), {
          maxLength: Math.min(s.maxItems ?? 4, 4),
        });
      case 'object':
      case undefined: {
        if (!s.properties && s.type === undefined) return fc.jsonValue({ maxDepth: 2 });
        const props = Object.entries(s.properties ?? {});
        const field = (k: string, v: JsonSchema) => {
          if (depth > 4) return fc.constant(null);
          const generated = valueOf(v, resolve, depth + 1, hints);
          const hint = hints[k];
          return hint ? fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: generated }) : generated;
        };
        const record = fc.record(Object.fromEntries(props.map(([k, v]) => [k, field(k, v)])), { requiredKeys: s.required ?? [] });
        if (!s.additionalProperties || props.length > 0) return record;
        return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return s.nullable ? fc.oneof(base, fc.constant(null)) : base;
}

type Mutation = { kind: 'replace' | 'delete' | 'extra' | 'whole'; at: number; key: string; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('replace', 'replace', 'delete', 'extra', 'whole'),
  at: fc.nat(),
  key: hostileKeys,
  value: hostileValue,
});

/** Every object and array inside a value, with the keys they hold. */
function containers(value: unknown, found: Array<Record<string, unknown> | unknown[]> = [], depth = 0): typeof found {
  if (depth > 8 || value === null || typeof value !== 'object' || value instanceof RawJson) return found;
  found.push(value as Record<string, unknown>);
  for (const child of Object.values(value)) containers(child, found, depth + 1);
  return found;
}

const define = (target: object, key: string, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

/** A value with one thing wrong: a field of the wrong type or value, a field missing, an extra field, or all of it wrong. */
export function mutate(value: unknown, m: Mutation): unknown {
  if (m.kind === 'whole') return m.value;
  const copy = structuredClone(value);
  const targets = containers(copy);
  const target = targets[m.at % Math.max(targets.length, 1)];
  if (!target) return m.value;
  const keys = Object.keys(target);
  const key = keys[m.at % Math.max(keys.length, 1)];
  if (m.kind === 'extra' || key === undefined) define(target, m.key, m.value);
  else if (m.kind === 'delete') delete (target as Record<string, unknown>)[key];
  else define(target, key, m.value);
  return copy;
}

/** A valid value with one thing broken (see `mutate`). */
export function brokenOf(schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema, hints: FieldHints = {}): fc.Arbitrary<unknown> {
  return fc.tuple(valueOf(schema, resolve, 0, hints), mutation).map(([v, m]) => mutate(v, m));
}

/** JSON text of a value, with RawJson spliced in. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawJson ? `\u0001RAW${raws.push(v.text) - 1}\u0001` : v));
  if (text === undefined) return 'null';
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]!);
}

/** A path or query value as it goes on the wire: percent-encoded, or a raw encoding that is broken on purpose. */
export const hostileUrlToken = fc.constantFrom(
  'x%00',
  '%00',
  '%ZZ',
  '%',
  '..%2f..%2fetc',
  '%2e%2e',
  '%ED%A0%80',
  '%C0%AF',
  '%F0%9F%98%80',
  '%20',
  'a'.repeat(2000),
  '-1',
  '0.5',
  '1e309',
  '99999999999999999999',
  'NaN',
  'Infinity',
  '00000000-0000-0000-0000-000000000000',
  'true',
  '',
);

/** Percent-encodes a string; lone surrogates (which encodeURIComponent refuses) become their WTF-8 bytes. */
export function encodeToken(text: string): string {
  return [...text]
    .map((ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        const code = ch.charCodeAt(0);
        return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      }
    })
    .join('');
}
