import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkPlaybook, type PlaybookStepInput } from '@strata/engine';
import type { PlaybookStep } from '@strata/core';
import {
  deletePlaybook,
  findPlaybook,
  inWorkspaceTransaction,
  listPlaybooks,
  recordAudit,
  savePlaybook,
  type StoredPlaybook,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';
import { playbookBody, playbookKeyParams, playbookSchema } from './playbook-schemas.js';

/** A stored step as a client wrote it: rules as their canonical text. */
function stepView(step: PlaybookStep): PlaybookStepInput {
  switch (step.type) {
    case 'branch':
      return { type: 'branch', if: step.if.text, then: step.then.map(stepView), else: step.else.map(stepView) };
    case 'exit-when':
      return { type: 'exit-when', if: step.if.text };
    case 'set-trait':
    case 'task':
    case 'wait':
      return step;
  }
}

export const playbookView = (playbook: StoredPlaybook): z.output<typeof playbookSchema> => ({
  key: playbook.key,
  name: playbook.name,
  enabled: playbook.enabled,
  version: playbook.version,
  trigger: playbook.trigger,
  filter: playbook.filter?.text ?? null,
  steps: playbook.steps.map(stepView),
  reenrollAfterDays: playbook.reenrollAfterDays ?? null,
  updatedAt: playbook.updatedAt.toISOString(),
});

export const noPlaybook = (key: string) => new AppError('NOT_FOUND', `no playbook "${key}": list them with GET /api/v1/playbooks`);

/** Playbooks: what a segment change sets off for each person, step by step. */
export function registerPlaybookRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/playbooks',
    {
      schema: {
        operationId: 'listPlaybooks',
        summary: 'The playbooks, by key, each at its current version',
        tags: ['playbooks'],
        response: { 200: z.array(playbookSchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return (await listPlaybooks(scope)).map(playbookView);
    },
  );
  api.get(
    '/playbooks/:key',
    {
      schema: {
        operationId: 'getPlaybook',
        summary: 'One playbook at its current version',
        tags: ['playbooks'],
        params: playbookKeyParams,
        response: { 200: playbookSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      const playbook = await findPlaybook(scope, request.params.key);
      if (!playbook) throw noPlaybook(request.params.key);
      return playbookView(playbook);
    },
  );
  api.put(
    '/playbooks/:key',
    {
      schema: {
        operationId: 'putPlaybook',
        summary: 'Create a playbook or save a new version of it; running enrolments finish on the version they started on',
        tags: ['playbooks'],
        params: playbookKeyParams,
        body: playbookBody,
        response: { 200: playbookSchema, 201: playbookSchema },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'playbooks:write');
      const key = request.params.key;
      const checked = await checkPlaybook(caller.scope, request.body);
      if (!checked.ok)
        throw new AppError('INVALID_INPUT', checked.issues.map((i) => `${i.field}: ${i.message}`).join('; '), checked.issues);
      const { created, stored } = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await findPlaybook(tx, key);
        const saved = await savePlaybook(tx, key, checked.definition);
        const after = (await findPlaybook(tx, key))!;
        if (!before || before.version !== after.version)
          await recordAudit(tx, {
            ...auditBy(request, caller),
            kind: 'playbook.saved',
            subject: key,
            before: before ? playbookView(before) : null,
            after: playbookView(after),
          });
        return { created: saved.created, stored: after };
      });
      return reply.status(created ? 201 : 200).send(playbookView(stored));
    },
  );
  api.delete(
    '/playbooks/:key',
    {
      schema: {
        operationId: 'deletePlaybook',
        summary: 'Delete a playbook with its versions and runs: its enrolments end before their next step',
        tags: ['playbooks'],
        params: playbookKeyParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'playbooks:write');
      const key = request.params.key;
      await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await findPlaybook(tx, key);
        if (!before || !(await deletePlaybook(tx, key))) throw noPlaybook(key);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'playbook.deleted',
          subject: key,
          before: playbookView(before),
          after: null,
        });
      });
      return reply.status(204).send(null);
    },
  );
}
