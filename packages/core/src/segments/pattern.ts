import { RE2JS } from 're2js';

/**
 * Strata's one regular-expression dialect for `matches`. PostgreSQL's AREs and RE2 disagree on
 * much (`\d` and `[[:alpha:]]` follow the database's locale there and ASCII here, `.` matches a
 * newline there and not here, bounds stop at 255 there), so a pattern is parsed once into this
 * dialect and written out for each engine in an explicit form both read the same way: every
 * class as code-point ranges, every literal escaped, case-insensitivity as `[aA]`.
 *
 * The dialect: literals; `\` before ASCII punctuation; `\n \t \r \f \v`; `.` (any character,
 * newline included); `^` `$` (start and end of the whole value); bracket classes with ranges,
 * `^` negation and `[:alpha:]`-style names; `\d \w \s \D \W \S`; `( )` and `(?: )`; `|`;
 * `* + ? {n} {n,} {n,m}` with bounds up to 255 (a trailing lazy `?` is accepted: it cannot
 * change whether a value matches); `(?i)` at the very start (folds A–Z only). Classes are ASCII.
 */
export type PatternCheck =
  | { ok: true; re2: string; postgres: string }
  | { ok: false; code: 'invalid-pattern' | 'unsafe-pattern'; message: string; start: number; end: number };

/** Longest pattern accepted, so that no rule can make either engine compile something huge. */
export const maxPatternLength = 200;
/** PostgreSQL's largest repetition bound (RE_DUP_MAX). */
export const maxPatternRepeat = 255;
/**
 * The most characters a pattern may stand for with its counts expanded. Both engines run in time
 * proportional to this times the value's length; `\w{255}` repeated 28 times took RE2 2.4 s on a
 * 6,000-character value, so unbounded counts would let one explain stall the server.
 */
export const maxPatternSize = 1000;

const maxCodePoint = 0x10ffff;
type Range = readonly [number, number];

const cp = (c: string) => c.codePointAt(0)!;
const digits: Range[] = [[0x30, 0x39]];
const upper: Range[] = [[0x41, 0x5a]];
const lower: Range[] = [[0x61, 0x7a]];
const letters = [...upper, ...lower];
const word = [...digits, ...letters, [0x5f, 0x5f] as Range];
const space: Range[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
];
const punct: Range[] = [
  [0x21, 0x2f],
  [0x3a, 0x40],
  [0x5b, 0x60],
  [0x7b, 0x7e],
];
/** POSIX class names, as ASCII: the same set in both engines whatever the database's locale. */
const posixClasses: Record<string, Range[]> = {
  alpha: letters,
  digit: digits,
  alnum: [...digits, ...letters],
  upper,
  lower,
  space,
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  punct,
  xdigit: [...digits, [0x41, 0x46], [0x61, 0x66]],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  print: [[0x20, 0x7e]],
  graph: [[0x21, 0x7e]],
  word,
};
/** The class names `[[:name:]]` may use, for the reference. */
export const posixClassNames: readonly string[] = Object.keys(posixClasses);
const shorthand: Record<string, { ranges: Range[]; negated: boolean }> = {
  d: { ranges: digits, negated: false },
  D: { ranges: digits, negated: true },
  w: { ranges: word, negated: false },
  W: { ranges: word, negated: true },
  s: { ranges: space, negated: false },
  S: { ranges: space, negated: true },
};
const controlEscapes: Record<string, number> = { n: 0x0a, t: 0x09, r: 0x0d, f: 0x0c, v: 0x0b };

/** Sorted, merged ranges. */
function normalise(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function complement(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of normalise(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= maxCodePoint) out.push([next, maxCodePoint]);
  return out;
}

/** Adds the other case of every ASCII letter in the ranges (A–Z only, as `ignoring case` does). */
function foldAscii(ranges: readonly Range[]): Range[] {
  const extra: Range[] = [];
  for (const [lo, hi] of ranges) {
    const a = Math.max(lo, 0x41);
    const b = Math.min(hi, 0x5a);
    if (a <= b) extra.push([a + 32, b + 32]);
    const c = Math.max(lo, 0x61);
    const d = Math.min(hi, 0x7a);
    if (c <= d) extra.push([c - 32, d - 32]);
  }
  return normalise([...ranges, ...extra]);
}

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
const isAsciiAlnum = (n: number) => (n >= 0x30 && n <= 0x39) || (n >= 0x41 && n <= 0x5a) || (n >= 0x61 && n <= 0x7a);
const isAsciiPunct = (n: number) => punct.some(([lo, hi]) => n >= lo && n <= hi);
/** Characters with a meaning outside a class in RE2 or in PostgreSQL's AREs. */
const operatorChars = new Set([...'\\.+*?()|[]{}^$'].map(cp));

/**
 * One character written so that neither engine can read it as an operator: inside a class every
 * punctuation mark is escaped; outside, only the operators both engines share (the rest, such
 * as `-` or `@`, is literal in both and stays readable).
 */
function re2Char(n: number, inClass = true): string {
  if (isAsciiAlnum(n) || n === 0x20 || (!inClass && isAsciiPunct(n) && !operatorChars.has(n))) return String.fromCodePoint(n);
  if (isAsciiPunct(n)) return `\\${String.fromCodePoint(n)}`;
  return `\\x{${hex(n, 2)}}`;
}
function postgresChar(n: number, inClass = true): string {
  if (isAsciiAlnum(n) || n === 0x20 || (!inClass && isAsciiPunct(n) && !operatorChars.has(n))) return String.fromCodePoint(n);
  if (isAsciiPunct(n)) return `\\${String.fromCodePoint(n)}`;
  // \u takes exactly four hex digits and \U exactly eight, so a following digit is never absorbed.
  return n <= 0xffff ? `\\u${hex(n, 4)}` : `\\U${hex(n, 8)}`;
}

interface Written {
  re2: string;
  postgres: string;
}

function writeClass(ranges: readonly Range[]): Written {
  const set = normalise(ranges);
  if (set.length === 1 && set[0]![0] === 0 && set[0]![1] === maxCodePoint) return { re2: '(?s:.)', postgres: '.' };
  // A set reaching the last code point is written negated, so that no range starts at NUL
  // (which PostgreSQL's text cannot hold) and the common `[^…]` stays short.
  const negated = set.at(-1)![1] === maxCodePoint;
  const body = negated ? complement(set) : set;
  const part = (char: (n: number) => string) =>
    body.map(([lo, hi]) => (lo === hi ? char(lo) : `${char(lo)}${hi > lo + 1 ? '-' : ''}${char(hi)}`)).join('');
  const open = negated ? '[^' : '[';
  return { re2: `${open}${part(re2Char)}]`, postgres: `${open}${part(postgresChar)}]` };
}

class PatternError extends Error {
  constructor(
    readonly code: 'invalid-pattern' | 'unsafe-pattern',
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

interface Piece extends Written {
  /** Contains `*`, `+` or a `{…}` bound: repeating it again could backtrack without end. */
  repeats: boolean;
  /** An anchor or empty: nothing to repeat. */
  repeatable: boolean;
  /** Characters matched once counts are expanded (`a{3}` is 3): what the engines' work per input character grows with. */
  size: number;
}

/** Recursive descent over at most 200 characters, so the depth is bounded. */
class PatternParser {
  private i = 0;
  private caseless = false;

  constructor(private readonly text: string) {}

  parse(): Written {
    if (this.text.startsWith('(?i)')) {
      this.caseless = true;
      this.i = 4;
    }
    const result = this.alternation();
    if (this.i < this.text.length) this.fail(`unmatched ")": write \\) for a literal parenthesis`, this.i, this.i + 1);
    if (result.size > maxPatternSize)
      this.fail(
        `the pattern stands for ${result.size} characters once its counts are expanded; the limit is ${maxPatternSize}: use * or + instead of large counts`,
        0,
        this.text.length,
        'unsafe-pattern',
      );
    return result;
  }

  private fail(message: string, start: number, end = start + 1, code: 'invalid-pattern' | 'unsafe-pattern' = 'invalid-pattern'): never {
    throw new PatternError(code, message, start, Math.min(end, this.text.length));
  }

  private alternation(): Piece {
    const branches = [this.sequence()];
    while (this.text[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0]!;
    return {
      re2: branches.map((b) => b.re2).join('|'),
      postgres: branches.map((b) => b.postgres).join('|'),
      repeats: branches.some((b) => b.repeats),
      repeatable: true,
      size: branches.reduce((sum, b) => sum + b.size, 0),
    };
  }

  private sequence(): Piece {
    const items: Piece[] = [];
    while (this.i < this.text.length && this.text[this.i] !== '|' && this.text[this.i] !== ')') {
      const start = this.i;
      const atom = this.atom();
      items.push(this.quantified(atom, start));
    }
    return {
      re2: items.map((p) => p.re2).join(''),
      postgres: items.map((p) => p.postgres).join(''),
      repeats: items.some((p) => p.repeats),
      repeatable: items.length > 0 && items.some((p) => p.repeatable),
      size: items.reduce((sum, p) => sum + p.size, 0),
    };
  }

  private quantified(atom: Piece, start: number): Piece {
    const at = this.i;
    const quantifier = this.quantifier();
    if (quantifier === undefined) return atom;
    if (!atom.repeatable) this.fail(`nothing to repeat before "${this.text.slice(at, this.i)}"`, at, this.i);
    if (atom.repeats)
      this.fail(
        'the pattern repeats a group that itself repeats, which can take exponential time; simplify it',
        start,
        this.i,
        'unsafe-pattern',
      );
    if (this.text[this.i] === '?') this.i++; // lazy: the same values match
    const next = this.text[this.i];
    if (next === '*' || next === '+' || next === '?' || next === '{')
      this.fail('a repetition cannot follow a repetition: group the first one in (?: ) or drop one', this.i);
    const wrap = (p: string) => `(?:${p})${quantifier.text}`;
    return {
      re2: wrap(atom.re2),
      postgres: wrap(atom.postgres),
      repeats: atom.repeats || quantifier.counts,
      repeatable: true,
      size: atom.size * quantifier.times,
    };
  }

  /** `* + ?` or a bound; `counts` is false for `?`, which adds one choice, not a loop. */
  private quantifier(): { text: string; counts: boolean; times: number } | undefined {
    const c = this.text[this.i];
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      return { text: c, counts: c !== '?', times: 1 };
    }
    if (c !== '{') return undefined;
    const start = this.i;
    const match = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(this.text.slice(this.i, this.i + 12));
    if (!match) this.fail('"{" starts a repetition such as {2}, {2,} or {2,5}; write \\{ for a literal brace', start);
    this.i += match[0].length;
    const min = Number(match[1]);
    const max = match[3] === undefined || match[3] === '' ? undefined : Number(match[3]);
    if (min > maxPatternRepeat || (max ?? 0) > maxPatternRepeat) this.fail(`repetition counts go up to ${maxPatternRepeat}`, start, this.i);
    if (max !== undefined && max < min) this.fail(`in {${min},${max}} the second number must not be smaller`, start, this.i);
    const text = match[2] === undefined ? `{${min}}` : max === undefined ? `{${min},}` : `{${min},${max}}`;
    return { text, counts: true, times: Math.max(1, match[2] === undefined ? min : (max ?? min + 1)) };
  }

  private atom(): Piece {
    const start = this.i;
    const c = this.text[this.i]!;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.piece(this.bracket());
      case '.':
        this.i++;
        return this.piece({ re2: '(?s:.)', postgres: '.' });
      case '^':
      case '$':
        this.i++;
        return { re2: c, postgres: c, repeats: false, repeatable: false, size: 0 };
      case '\\': {
        const ranges = this.escape(false);
        const only = ranges.length === 1 && ranges[0]![0] === ranges[0]![1] ? ranges[0]![0] : undefined;
        return this.piece(only === undefined ? writeClass(ranges) : { re2: re2Char(only, false), postgres: postgresChar(only, false) });
      }
      case '*':
      case '+':
      case '?':
        return this.fail(`nothing to repeat before "${c}": write \\${c} for a literal ${c}`, start);
      case '{':
        return this.fail(this.quantifierAhead() ? 'nothing to repeat before the repetition' : 'write \\{ for a literal brace', start);
      case '}':
        return this.fail('write \\} for a literal brace', start);
      default: {
        const n = cp(this.text.slice(this.i));
        this.i += n > 0xffff ? 2 : 1;
        return this.piece(
          this.caseless && isAsciiLetter(n)
            ? writeClass(foldAscii([[n, n]]))
            : { re2: re2Char(n, false), postgres: postgresChar(n, false) },
        );
      }
    }
  }

  private quantifierAhead(): boolean {
    return /^\{\d/.test(this.text.slice(this.i));
  }

  private piece(written: Written): Piece {
    return { ...written, repeats: false, repeatable: true, size: 1 };
  }

  private group(): Piece {
    const start = this.i;
    this.i++;
    if (this.text[this.i] === '?') {
      if (this.text[this.i + 1] !== ':') {
        const what =
          this.text[this.i + 1] === '=' || this.text[this.i + 1] === '!' || this.text[this.i + 1] === '<'
            ? 'look-arounds and named groups'
            : 'flags inside a pattern';
        this.fail(`${what} are not supported; only ( ), (?: ) and (?i) at the very start`, start, this.i + 2);
      }
      this.i += 2;
    }
    const inner = this.alternation();
    if (this.text[this.i] !== ')') this.fail('unclosed "(": add ")"', start, this.i);
    this.i++;
    return {
      re2: `(?:${inner.re2})`,
      postgres: `(?:${inner.postgres})`,
      repeats: inner.repeats,
      repeatable: inner.repeatable,
      size: inner.size,
    };
  }

  /**
   * After a backslash: a class (`\d`), a control character (`\n`) or escaped punctuation. As
   * ranges, so classes and literals are written the same way. Letters other than these (`\b`,
   * `\p`, `\k`, digits as back-references) mean different things or nothing in the two engines.
   */
  private escape(inBracket: boolean): Range[] {
    const start = this.i;
    const next = this.text[this.i + 1];
    if (next === undefined) this.fail('the pattern ends with a lone "\\": write \\\\ for a backslash', start);
    this.i += 2;
    const klass = shorthand[next];
    if (klass) return klass.negated ? complement(klass.ranges) : klass.ranges;
    const control = controlEscapes[next];
    if (control !== undefined) return [[control, control]];
    const n = cp(next);
    if (isAsciiPunct(n)) return this.caseless ? foldAscii([[n, n]]) : [[n, n]];
    if (/[1-9]/.test(next)) this.fail('back-references are not supported', start, this.i);
    const hint = next === 'b' || next === 'B' ? ' (word boundaries differ between engines)' : '';
    return this.fail(
      `"\\${next}" is not supported in patterns${hint}; use \\d \\w \\s, a class such as [[:alpha:]]${inBracket ? '' : ' or [a-z]'}, or \\ before punctuation`,
      start,
      this.i,
    );
  }

  private bracket(): Written {
    const start = this.i;
    this.i++;
    const negated = this.text[this.i] === '^';
    if (negated) this.i++;
    const ranges: Range[] = [];
    let first = true;
    while (this.text[this.i] !== ']' || first) {
      if (this.i >= this.text.length) this.fail('unclosed "[": add "]"', start, this.i);
      if (this.text[this.i] === ']') this.fail('an empty class matches nothing; write \\] for a literal bracket', start, this.i + 1);
      first = false;
      const itemStart = this.i;
      const item = this.bracketItem();
      if (this.text[this.i] === '-' && this.text[this.i + 1] !== ']' && this.i + 1 < this.text.length) {
        this.i++;
        const end = this.bracketItem();
        if (item.single === undefined || end.single === undefined)
          this.fail('a range needs a single character at each end, as in a-z', itemStart, this.i);
        if (end.single < item.single) this.fail('the range runs backwards: write the smaller character first', itemStart, this.i);
        ranges.push([item.single, end.single]);
      } else ranges.push(...item.ranges);
    }
    this.i++;
    let set = normalise(ranges);
    if (this.caseless) set = foldAscii(set);
    if (negated) set = complement(set);
    if (set.length === 0) this.fail('this class matches no character', start, this.i);
    return writeClass(set);
  }

  private bracketItem(): { ranges: Range[]; single?: number } {
    const c = this.text[this.i]!;
    if (c === '[') {
      const match = /^\[([:=.])([a-z]*)\1\]/.exec(this.text.slice(this.i, this.i + 12));
      if (match) {
        const start = this.i;
        this.i += match[0].length;
        const named = match[1] === ':' ? posixClasses[match[2]!] : undefined;
        if (!named)
          this.fail(
            match[1] === ':'
              ? `unknown class [:${match[2]}:]; known: ${Object.keys(posixClasses).join(', ')}`
              : 'collating elements and equivalence classes are not supported',
            start,
            this.i,
          );
        return { ranges: named };
      }
      this.fail('write \\[ for a literal bracket inside a class', this.i);
    }
    if (c === '\\') {
      const before = this.i;
      const ranges = this.escape(true);
      const single = ranges.length === 1 && ranges[0]![0] === ranges[0]![1] ? ranges[0]![0] : undefined;
      // \d is a class, not a character: it cannot end a range.
      return shorthand[this.text[before + 1]!] || single === undefined ? { ranges } : { ranges, single };
    }
    const n = cp(this.text.slice(this.i));
    this.i += n > 0xffff ? 2 : 1;
    return { ranges: [[n, n]], single: n };
  }
}

const isAsciiLetter = (n: number) => (n >= 0x41 && n <= 0x5a) || (n >= 0x61 && n <= 0x7a);

/**
 * Checks a `matches` pattern against the dialect and writes it for RE2 and PostgreSQL.
 * Problems carry the offending part as offsets into the pattern.
 */
export function checkPattern(pattern: string): PatternCheck {
  if (pattern.length > maxPatternLength)
    return {
      ok: false,
      code: 'unsafe-pattern',
      message: `the pattern is ${pattern.length} characters; the limit is ${maxPatternLength}`,
      start: 0,
      end: pattern.length,
    };
  try {
    const { re2, postgres } = new PatternParser(pattern).parse();
    return { ok: true, re2, postgres };
  } catch (error) {
    if (error instanceof PatternError) return { ok: false, code: error.code, message: error.message, start: error.start, end: error.end };
    throw error;
  }
}

// Rules are evaluated per profile, so each pattern is compiled once; the bound keeps the cache
// from growing with every pattern a workspace ever tried.
const compiled = new Map<string, RE2JS | null>();
const maxCompiled = 500;

/**
 * Whether a value matches a pattern of the dialect, in linear time (RE2), exactly as
 * PostgreSQL decides the written-out form. A pattern outside the dialect (stored before it
 * existed) matches nothing, as its SQL does.
 */
export function patternMatches(pattern: string, value: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    const checked = checkPattern(pattern);
    re = checked.ok ? RE2JS.compile(checked.re2) : null;
    if (compiled.size >= maxCompiled) compiled.clear();
    compiled.set(pattern, re);
  }
  return re !== null && re.test(value);
}

/** The PostgreSQL form of a pattern, or undefined when it is outside the dialect (it then matches nothing). */
export function postgresPattern(pattern: string): string | undefined {
  const checked = checkPattern(pattern);
  return checked.ok ? checked.postgres : undefined;
}
