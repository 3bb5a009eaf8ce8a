import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorStatus, type ErrorCode } from './app-error.js';

declare module 'fastify' {
  interface FastifySchema {
    /** Error statuses this route answers beyond the ones every route of its kind does (see `documentedErrors`). */
    errors?: readonly ErrorStatus[];
    /**
     * The body as documented, for routes that read their raw bytes themselves (ingestion
     * decompresses and parses Segment's payloads), so Fastify must not validate it.
     */
    documentedBody?: z.ZodType;
  }
}

/** A status the error table maps some code to, other than 500 (which is never documented: it is a bug). */
export type ErrorStatus = Exclude<(typeof errorStatus)[ErrorCode], 500>;

/** The one error shape, referenced by every documented 4xx and 503 as `#/components/schemas/Error`. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]).describe('stable; see docs/api.md'),
      message: z.string().describe('names the field and the fix'),
      details: z.unknown().optional().describe('per-field problems, such as [{index, field, code, message}]'),
      requestId: z.string().describe('the id of this request in the server log; also in the X-Request-Id header'),
    }),
  })
  .describe('A request failure');
z.globalRegistry.add(errorBodySchema, { id: 'Error' });

const errorRef = { $ref: '#/components/schemas/Error' };

function errorDescription(status: ErrorStatus): string {
  const codes = (Object.keys(errorStatus) as ErrorCode[]).filter((code) => errorStatus[code] === status);
  return codes.join(' or ');
}

/**
 * What every documented route can answer: 401/403 (all of them need a key), 503 (starting, or
 * the database is away), 400 when it reads input, 404 when its path names something, 413 when it
 * takes a body; plus the route's own `errors`.
 */
export function documentedErrors(
  schema: { errors?: readonly ErrorStatus[] | undefined; [key: string]: unknown },
  url: string,
  method: string,
): ErrorStatus[] {
  const takesBody = schema['body'] !== undefined || schema['documentedBody'] !== undefined;
  const readsInput = takesBody || schema['querystring'] !== undefined || schema['params'] !== undefined;
  const statuses = new Set<ErrorStatus>([401, 403, 503, ...(schema.errors ?? [])]);
  if (readsInput) statuses.add(400);
  if (url.includes(':') || url.includes('{')) statuses.add(404);
  if (takesBody && method !== 'GET') statuses.add(413);
  return [...statuses].sort((a, b) => a - b);
}

/**
 * The swagger transform every route passes through: Zod schemas become JSON Schema
 * (fastify-type-provider-zod), the error responses are added by `documentedErrors`, and a
 * documented route without an operationId or summary fails the document, so a new route
 * cannot ship undocumented.
 */
export const documentRoute: SwaggerTransform = (input) => {
  const { schema, url, route } = input;
  if (!schema || schema.hide) return jsonSchemaTransform(input);
  const method = [route.method].flat()[0] ?? 'GET';
  if (!schema.operationId || !schema.summary)
    throw new Error(`${method} ${url} has no ${schema.operationId ? 'summary' : 'operationId'}: every documented route needs both`);
  const { errors, documentedBody, ...rest } = schema;
  const converted = jsonSchemaTransform({
    ...input,
    schema: { ...rest, ...(documentedBody ? { body: documentedBody } : {}) },
  });
  const response: Record<string, unknown> = { ...(converted.schema.response as Record<string, unknown> | undefined) };
  if (Object.keys(response).length === 0) response['200'] = { description: 'Done', type: 'null' };
  for (const status of documentedErrors({ ...schema, errors }, url, method)) {
    response[String(status)] = { ...errorRef, description: errorDescription(status) };
  }
  return { ...converted, schema: { ...converted.schema, response } };
};

/**
 * Registered Zod schemas become components (fastify-type-provider-zod makes an input and an
 * output one of each); those no operation refers to are left out, so the document lists only
 * what it uses.
 */
export const documentObject: SwaggerTransformObject = (input) => {
  // Swagger 2 documents are not made here (the transform above refuses them), so this is OpenAPI 3.
  const built = jsonSchemaTransformObject(input);
  const document = built as { paths?: unknown; components?: { schemas?: Record<string, unknown> } };
  const schemas = document.components?.schemas;
  if (!schemas) return built;
  const used = new Set<string>();
  const visit = (value: unknown) => {
    for (const match of JSON.stringify(value ?? null).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      const name = match[1]!;
      if (!used.has(name)) {
        used.add(name);
        visit(schemas[name]);
      }
    }
  };
  visit(document.paths);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...built, components: { ...document.components, schemas: kept } } as typeof built;
};
