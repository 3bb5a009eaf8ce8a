import type { RawBuilder } from 'kysely';
import type { Target } from '@strata/core';

/**
 * How SQL reads a computed field of the profile row aliased `alias` (`people` or `accounts`) at
 * the instant `now` the rule is decided at: a value of the field's type, NULL when missing.
 */
export type ComputedFieldReader = (alias: string, now: Date) => RawBuilder<unknown>;

const readers = new Map<string, ComputedFieldReader>();
const keyOf = (target: Target, name: string) => `${target}:${name}`;

/**
 * The SQL side of a computed field registered in core with `registerComputedField` (same target
 * and name). The compiled rule reads the field through it wherever the evaluator reads `read`.
 * Returns the unregistration.
 */
export function registerComputedFieldSql(target: Target, name: string, read: ComputedFieldReader): () => void {
  const key = keyOf(target, name);
  if (readers.has(key)) throw new Error(`invariant: SQL of computed field ${target}.${name} is registered twice`);
  readers.set(key, read);
  return () => {
    if (readers.get(key) === read) readers.delete(key);
  };
}

/** @internal the compiler's lookup; undefined reads the field as missing. */
export function computedFieldSql(target: Target, name: string): ComputedFieldReader | undefined {
  return readers.get(keyOf(target, name));
}

/** The registered computed fields of a target with their SQL, for loading a profile's values. */
export function computedFieldSqls(target: Target): Array<{ name: string; read: ComputedFieldReader }> {
  const prefix = `${target}:`;
  return [...readers].filter(([key]) => key.startsWith(prefix)).map(([key, read]) => ({ name: key.slice(prefix.length), read }));
}
