import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  deleteHealthModel,
  previewHealthModel,
  previewSampleSize,
  putHealthModel,
  requestHealthRecompute,
  workspaceHealthModel,
  workspaceHealthModels,
  type WorkspaceHealthModel,
} from '@strata/engine';
import { findHealthRecompute, inWorkspaceTransaction, recordAudit, type WorkspaceScope } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';
import { healthModelBody, healthModelSchema, healthPreviewSchema } from './health-schemas.js';

const keyParams = z.object({ key: z.string().min(1).max(64) });

async function modelView(scope: WorkspaceScope, model: WorkspaceHealthModel): Promise<z.output<typeof healthModelSchema>> {
  const recompute = await findHealthRecompute(scope, model.key);
  return {
    key: model.key,
    name: model.name,
    target: model.target,
    method: model.method,
    // The checked programs stay internal: clients write and read the text.
    measures: model.measures.map(({ program: _program, ...m }) => m),
    bands: model.bands,
    version: model.version,
    predefined: model.predefined,
    recompute: recompute ? { status: recompute.status, done: recompute.done, total: recompute.total, error: recompute.error } : null,
  };
}

/** Health models: list, read, create or replace (a new version, history recomputed), delete. */
export function registerHealthModelRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/health-models',
    {
      schema: {
        operationId: 'listHealthModels',
        summary: "The workspace's health models, the predefined `default` first",
        tags: ['health'],
        response: { 200: z.array(healthModelSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      return Promise.all((await workspaceHealthModels(scope)).map((m) => modelView(scope, m)));
    },
  );
  api.get(
    '/health-models/:key',
    {
      schema: {
        operationId: 'getHealthModel',
        summary: 'One health model',
        tags: ['health'],
        params: keyParams,
        response: { 200: healthModelSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const model = await workspaceHealthModel(scope, request.params.key);
      if (!model) throw new AppError('NOT_FOUND', `no health model "${request.params.key}": list them with GET /health-models`);
      return modelView(scope, model);
    },
  );
  api.post(
    '/health-models/:key/preview',
    {
      schema: {
        operationId: 'previewHealthModel',
        summary: `Score a sample of accounts (up to ${previewSampleSize}) under an edited model without saving it: the distribution beside the saved one's, and mistakes as saving would name them`,
        tags: ['health'],
        params: keyParams,
        body: healthModelBody,
        response: { 200: healthPreviewSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'segments:read');
      const outcome = await previewHealthModel(scope, request.params.key, request.body);
      if (!outcome.ok)
        throw new AppError('INVALID_INPUT', outcome.issues.map((i) => `${i.field}: ${i.message}`).join('; '), outcome.issues);
      return outcome.preview;
    },
  );
  api.put(
    '/health-models/:key',
    {
      schema: {
        operationId: 'putHealthModel',
        summary: 'Create or replace a health model (a new version); its last 90 days of history are recomputed in the background',
        tags: ['health'],
        params: keyParams,
        body: healthModelBody,
        response: { 200: healthModelSchema, 201: healthModelSchema },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'health:write');
      const before = await workspaceHealthModel(caller.scope, request.params.key);
      const outcome = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const saved = await putHealthModel(tx, request.params.key, request.body);
        if (!saved.ok) return saved;
        await requestHealthRecompute(tx, saved.model.key);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'health-model.saved',
          subject: saved.model.key,
          before: before ? { version: before.version } : null,
          after: { version: saved.model.version },
        });
        return saved;
      });
      if (!outcome.ok)
        throw new AppError('INVALID_INPUT', outcome.issues.map((i) => `${i.field}: ${i.message}`).join('; '), outcome.issues);
      return reply.status(outcome.created ? 201 : 200).send(await modelView(caller.scope, outcome.model));
    },
  );
  api.delete(
    '/health-models/:key',
    {
      schema: {
        operationId: 'deleteHealthModel',
        summary: 'Delete a health model with its scores; deleting `default` restores the built-in one',
        tags: ['health'],
        params: keyParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'health:write');
      const key = request.params.key;
      const deleted = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const { existed, builtIn } = await deleteHealthModel(tx, key);
        if (!existed) return false;
        if (builtIn) await requestHealthRecompute(tx, key);
        await recordAudit(tx, { ...auditBy(request, caller), kind: 'health-model.deleted', subject: key, before: null, after: null });
        return true;
      });
      if (!deleted)
        throw new AppError('NOT_FOUND', `no stored health model "${key}" (a predefined model never edited is already the built-in one)`);
      return reply.status(204).send(null);
    },
  );
}
