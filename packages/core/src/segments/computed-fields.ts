import type { FieldType } from '../ingestion/field-type.js';
import type { TimeLeaf } from './dependencies.js';
import type { AccountRecord, PersonRecord } from './evaluate.js';
import type { Target } from './ir.js';

/**
 * A field a domain computes (a health score, a churn risk, a quadrant) rather than one sent as a
 * trait. Registered once, it is a field like the others: the checker accepts it on its target,
 * dependencies report its topics, the evaluator reads it through `read`, and SQL through what the
 * domain registers with storage's `registerComputedFieldSql` under the same target and name.
 */
export interface ComputedFieldSpec {
  name: string;
  target: Target;
  type: FieldType;
  /** What its value changes with, as topics of a rule on its target (`trait:mrr`, `tickets`, `event:login`). */
  topics: readonly string[];
  /** Instants whose passing changes its value with no new data (an MRR change leaving a 90-day window), for the time sweep. */
  timeLeaves?: ReadonlyArray<Omit<TimeLeaf, 'level'>>;
  /** Its value for a loaded profile at `now` (epoch milliseconds); anything not of `type` is missing, as for traits. */
  read(record: PersonRecord | AccountRecord, now: number): unknown;
}

const registered = new Map<string, ComputedFieldSpec>();
const keyOf = (target: Target, name: string) => `${target}:${name}`;

/**
 * Makes a computed field known to every phase of the rule pipeline. Registering a name twice for
 * one target is a bug (two domains would disagree on its meaning). Returns the unregistration.
 */
export function registerComputedField(spec: ComputedFieldSpec): () => void {
  const key = keyOf(spec.target, spec.name);
  if (registered.has(key)) throw new Error(`invariant: computed field ${spec.target}.${spec.name} is registered twice`);
  registered.set(key, spec);
  return () => {
    if (registered.get(key) === spec) registered.delete(key);
  };
}

/**
 * The registration of a computed field. A stored rule may name one whose domain is not registered
 * in this process: the evaluator and SQL then both read it as missing.
 */
export function computedField(target: Target, name: string): ComputedFieldSpec | undefined {
  return registered.get(keyOf(target, name));
}

/** The computed fields of a target, for the checker. */
export function computedFields(target: Target): ComputedFieldSpec[] {
  return [...registered.values()].filter((spec) => spec.target === target);
}
