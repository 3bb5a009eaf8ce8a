import SwaggerParser from '@apidevtools/swagger-parser';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';
import { documentRoute } from '../src/http/openapi-document.js';

type Operation = {
  operationId?: string;
  summary?: string;
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};
type Document = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> } };

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

let database: TestDatabase;
let app: FastifyInstance;
let document: Document;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await createTestApp(database);
  const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(response.statusCode).toBe(200);
  document = response.json<Document>();
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

/** Every operation of the served document, read from it (so routes added later are covered too). */
const operations = () =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, operation]) => ({ path, method, operation, name: `${method.toUpperCase()} ${path}` })),
  );

describe('documentRoute, the transform every route passes through', () => {
  it('refuses to document a route without an operationId, naming it', async () => {
    const bare = Fastify();
    await bare.register(fastifySwagger, { openapi: { info: { title: 't', version: '1' } }, transform: documentRoute });
    bare.get('/api/v1/things/:id', { schema: { summary: 'A thing' } }, () => ({}));
    await bare.ready();
    expect(() => bare.swagger()).toThrow('GET /api/v1/things/:id has no operationId');
    await bare.close();
  });
});

describe('the served OpenAPI document', () => {
  it('is valid OpenAPI by @apidevtools/swagger-parser (every $ref resolves, every path parameter declared)', async () => {
    // validate() dereferences in place: hand it a copy so the other checks read the document as served.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('lists only components that something refers to, among them the recursive explain condition', () => {
    const names = Object.keys(document.components?.schemas ?? {});
    expect(names).toEqual(expect.arrayContaining(['Error', 'ExplainCondition']));
    const text = JSON.stringify(document);
    for (const name of names) expect(text, `${name} is never referred to`).toContain(`"#/components/schemas/${name}"`);
  });

  it('documents the ingestion and management operations', () => {
    const names = operations().map((o) => o.name);
    expect(names).toEqual(
      expect.arrayContaining(['POST /v1/batch', 'POST /v1/track', 'GET /api/v1/ingestion/stats', 'GET /api/v1/segments']),
    );
  });

  it('gives every operation a unique camelCase operationId and a summary', () => {
    const ids = new Map<string, string>();
    for (const { name, operation } of operations()) {
      expect(operation.operationId, `${name} has no operationId`).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(ids.get(operation.operationId!), `operationId ${operation.operationId} is used twice`).toBeUndefined();
      ids.set(operation.operationId!, name);
      expect(operation.summary?.trim(), `${name} has no summary`).toBeTruthy();
    }
  });

  it('declares every {parameter} of every path as a required path parameter', () => {
    for (const { path, name, operation } of operations()) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), name).toEqual([...inPath].sort());
      for (const p of declared) expect(p.required, `${name}: {${p.name}} must be required`).toBe(true);
    }
  });

  it('documents 4xx responses of every operation with the one shared error shape', () => {
    const errorSchema = document.components?.schemas?.['Error'];
    expect(errorSchema).toMatchObject({
      type: 'object',
      required: ['error'],
      properties: { error: { type: 'object', required: expect.arrayContaining(['code', 'message']) } },
    });
    for (const { name, operation } of operations()) {
      const errors = Object.entries(operation.responses ?? {}).filter(([status]) => /^4\d\d$/.test(status));
      expect(errors.length, `${name} documents no 4xx response`).toBeGreaterThan(0);
      for (const [status, response] of errors) {
        expect(response.content?.['application/json']?.schema?.$ref, `${name} ${status}`).toBe('#/components/schemas/Error');
      }
    }
  });
});
