/** Types the field registry records for traits and event properties. */
export type FieldType = 'string' | 'number' | 'boolean' | 'datetime' | 'array' | 'object';

const isoDate = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The type of a JSON value as first seen; `undefined` for null, which says nothing about type. */
export function inferFieldType(value: unknown): FieldType | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return isoDate.test(value) && !Number.isNaN(Date.parse(value)) ? 'datetime' : 'string';
  if (Array.isArray(value)) return 'array';
  return 'object';
}
