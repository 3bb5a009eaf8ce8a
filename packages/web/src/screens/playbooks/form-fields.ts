/**
 * What a form field is, as plain data: the trigger and step forms are tables of these, so a new
 * trigger or step type is a row, not a component.
 */
export interface FieldSpec {
  /** Where the value sits in the step or trigger; dotted for nested objects (`cta.label`). */
  name: string;
  label: string;
  kind: 'text' | 'textarea' | 'number' | 'rule' | 'segment' | 'select' | 'checkbox' | 'value' | 'properties';
  required?: boolean;
  description?: string;
  options?: readonly string[];
  placeholder?: string;
}

export type PlainObject = Record<string, unknown>;

/** The value at a dotted name (`cta.label`) of a step or trigger. */
export function valueAt(object: PlainObject, name: string): unknown {
  return name.split('.').reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as PlainObject)[part] : undefined), object);
}

/** A copy with the value at a dotted name set; `undefined` removes it, and an object left empty goes with it. */
export function withValueAt(object: PlainObject, name: string, value: unknown): PlainObject {
  const [head, ...rest] = name.split('.') as [string, ...string[]];
  const copy = { ...object };
  const next = rest.length === 0 ? value : withValueAt((copy[head] as PlainObject | undefined) ?? {}, rest.join('.'), value);
  if (next === undefined || (rest.length > 0 && Object.keys(next as PlainObject).length === 0)) delete copy[head];
  else copy[head] = next;
  return copy;
}
