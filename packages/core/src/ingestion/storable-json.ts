/** How many levels of objects and arrays a JSON value may nest, counting itself. */
export const maxJsonDepth = 64;

/** Why a JSON value cannot be stored, and where. */
export interface JsonHazard {
  /** Keys and indexes from the root to the offending string, key or container. */
  path: Array<string | number>;
  code: 'invalid-character' | 'too-deep';
  /** What is wrong, without the field's name (callers prefix it). */
  problem: string;
}

// NUL, which PostgreSQL text and jsonb cannot hold, and UTF-16 surrogates without their other
// half, which are not Unicode at all (jsonb refuses them; UTF-8 cannot encode them).
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string | number | undefined;
}

function pathOf(frame: Frame): Array<string | number> {
  const path: Array<string | number> = [];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) path.push(f.key);
  return path.reverse();
}

function characterProblem(text: string): string | undefined {
  const match = unstorable.exec(text);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  return code === 0
    ? 'a NUL character (\\u0000), which cannot be stored; remove it'
    : `an unpaired UTF-16 surrogate (\\u${code.toString(16)}), which is not valid Unicode; send well-formed text`;
}

/**
 * The first thing in `value` that cannot be stored: a string or key with NUL or an unpaired
 * surrogate, or nesting deeper than `maxDepth`. Walks with an explicit stack, never recursing,
 * so it is safe on values nested far deeper than the call stack allows; run it before anything
 * recursive (JSON.stringify, Zod) reads the value.
 */
export function findJsonHazard(value: unknown, maxDepth: number = maxJsonDepth): JsonHazard | undefined {
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, key: undefined }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const current = frame.value;
    if (typeof current === 'string') {
      const problem = characterProblem(current);
      if (problem) return { path: pathOf(frame), code: 'invalid-character', problem: `contains ${problem}` };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    const depth = frame.depth + 1;
    if (depth > maxDepth)
      return {
        path: pathOf(frame),
        code: 'too-deep',
        problem: `nests objects and arrays more than ${maxDepth} levels deep; the limit is ${maxDepth}`,
      };
    // Pushed in reverse so the first hazard in document order is found first.
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], depth, parent: frame, key: i });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      stack.push({ value: (current as Record<string, unknown>)[key], depth, parent: frame, key });
    }
    for (const key of keys) {
      const problem = characterProblem(key);
      if (problem) return { path: [...pathOf(frame), key], code: 'invalid-character', problem: `is a key with ${problem}` };
    }
  }
  return undefined;
}

/**
 * A path as a dotted field name (`traits.plan`, `properties.list.1`), with characters that
 * cannot be shown written as `\uXXXX`, so the name itself is safe to put in an answer or a log.
 */
export function formatJsonPath(path: ReadonlyArray<string | number>): string {
  return path
    .map((key) => String(key).replace(new RegExp(unstorable.source, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
    .join('.');
}
