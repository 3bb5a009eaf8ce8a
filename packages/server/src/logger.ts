import { pino, type Logger } from 'pino';

const sqlState = /^[0-9A-Z]{5}$/;
// Quoted literals: PostgreSQL quotes the offending value in messages such as
// `invalid input syntax for type uuid: "ada@example.com"`.
const quoted = /"(?:[^"]|"")*"|'(?:[^']|'')*'/g;
// What a PostgreSQL error may say about itself without user data; `detail` (a failing row, a
// duplicate key's value), `where`, `internalQuery` and `hint` can hold statement values and are dropped.
const databaseErrorFields = ['code', 'severity', 'routine', 'schema', 'table', 'column', 'constraint', 'dataType'] as const;

/**
 * Errors as logged: type, message, stack and code, with the cause; from a PostgreSQL error only
 * the fields above and its message with quoted values replaced, so no statement parameter or
 * value reaches the log. Other enumerable properties are never copied.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const fields = error as unknown as Record<string, unknown>;
  const fromDatabase = typeof fields['code'] === 'string' && sqlState.test(fields['code']) && 'severity' in fields;
  const message = fromDatabase ? error.message.replace(quoted, '"…"') : error.message;
  const out: Record<string, unknown> = {
    type: error.name,
    message,
    stack: fromDatabase ? error.stack?.replace(error.message, message) : error.stack,
  };
  if (fromDatabase) {
    for (const field of databaseErrorFields) if (fields[field] !== undefined) out[field] = fields[field];
  } else if (typeof fields['code'] === 'string') out['code'] = fields['code'];
  if (error.cause !== undefined && depth < 3) out['cause'] = serializeError(error.cause, depth + 1);
  return out;
}

/** Structured JSON logs; secrets and personal data are redacted wherever they might appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'strata' },
      serializers: {
        // Paths carry userIds and groupIds, which may be emails: log the route pattern, not the URL.
        req: (request: { method?: string; routeOptions?: { url?: string } }) => ({
          method: request.method,
          route: request.routeOptions?.url,
        }),
        res: (reply: { statusCode?: number }) => ({ status: reply.statusCode }),
        err: serializeError,
        error: (value: unknown) => (value instanceof Error ? serializeError(value) : value),
      },
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.secret', '*.writeKey', '*.email', 'databaseUrl'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
