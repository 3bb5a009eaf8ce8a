import { pino, type Logger } from 'pino';

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
      },
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.secret', '*.writeKey', '*.email', 'databaseUrl'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
