// Names that come from users (traits, properties, fields, segment keys) may be anything,
// `constructor` and `__proto__` included. Records keyed by them are plain objects, so read only
// own keys (a plain object inherits `constructor`) and write with defineProperty (assigning
// `__proto__` would set the prototype instead of storing a value).

/** The value `record` itself holds under `key`, never an inherited member. */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Stores `value` under `key` as an own, enumerable property, whatever the key. */
export function setOwnValue<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}
