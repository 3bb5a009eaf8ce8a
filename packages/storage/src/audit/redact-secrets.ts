/** Field names whose values are secrets wherever they appear (compared without case, `_` or `-`). */
const secretFieldNames = new Set(
  [
    'secret',
    'password',
    'token',
    'apiKey',
    'accessToken',
    'refreshToken',
    'clientSecret',
    'signingSecret',
    'webhookSecret',
    'secretCiphertext',
    'secretHash',
    'privateKey',
    'credentials',
    'authorization',
    'urlToken',
  ].map(normalise),
);

function normalise(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase();
}

/** What a redacted value becomes: says a value was there without showing it. */
export const redacted = '[redacted]';

/**
 * A copy of `value` with every secret field replaced by `[redacted]`, at any depth (objects in
 * arrays included). Audit entries pass their before/after through this, so a new secret field
 * needs only its name here.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, field]) => [
      key,
      secretFieldNames.has(normalise(key)) && field !== null && field !== undefined ? redacted : redactSecrets(field),
    ]),
  );
}
