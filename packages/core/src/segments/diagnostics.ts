/** Where in the rule text something is: `[start, end)` in UTF-16 code units. */
export interface Span {
  start: number;
  end: number;
}

/** Stable, kebab-case codes of rule mistakes; they are API. */
export const diagnosticCodes = [
  'syntax-error',
  'unknown-field',
  'unknown-function',
  'type-mismatch',
  'unknown-segment',
  'segment-cycle',
  'invalid-value',
  'wrong-target',
  'unsafe-pattern',
  'invalid-pattern',
  'out-of-range',
  'rule-too-large',
] as const;
export type DiagnosticCode = (typeof diagnosticCodes)[number];

/** A mistake in a rule, as data: never thrown. */
export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
  span: Span;
}

export function diagnostic(code: DiagnosticCode, message: string, span: Span): Diagnostic {
  return { code, message, span };
}

/** The closest candidate within an edit distance of 2 (or a third of the word), for "did you mean". */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
