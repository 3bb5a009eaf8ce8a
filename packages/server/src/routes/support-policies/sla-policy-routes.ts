import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { defaultSlaWarningMinutes, type SlaPolicy } from '@strata/core';
import { policiesUsingSla, requestRedecision } from '@strata/engine';
import {
  deleteSlaPolicy,
  findSlaPolicy,
  inWorkspaceTransaction,
  listSlaPolicies,
  readSlaWarningMinutes,
  recordAudit,
  saveSlaPolicy,
  writeSlaWarningMinutes,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';
import { keyParams, slaPolicyBody, slaPolicySchema, slaSettingsSchema } from './policy-schemas.js';

/** SLA policies: targets per priority that support policies assign to tickets. */
export function registerSlaPolicyRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/sla-policies',
    {
      schema: {
        operationId: 'listSlaPolicies',
        summary: "The workspace's SLA policies by key",
        tags: ['support-policies'],
        response: { 200: z.array(slaPolicySchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return listSlaPolicies(scope);
    },
  );
  api.get(
    '/sla-policies/:key',
    {
      schema: {
        operationId: 'getSlaPolicy',
        summary: 'One SLA policy',
        tags: ['support-policies'],
        params: keyParams,
        response: { 200: slaPolicySchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      const policy = await findSlaPolicy(scope, request.params.key);
      if (!policy) throw new AppError('NOT_FOUND', `no SLA policy "${request.params.key}": list them with GET /sla-policies`);
      return policy;
    },
  );
  api.put(
    '/sla-policies/:key',
    {
      schema: {
        operationId: 'putSlaPolicy',
        summary: 'Create or replace an SLA policy; open tickets under it are decided again',
        tags: ['support-policies'],
        params: keyParams,
        body: slaPolicyBody,
        response: { 200: slaPolicySchema, 201: slaPolicySchema },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'settings:write');
      const policy: SlaPolicy = { key: request.params.key, ...request.body };
      const { created } = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await findSlaPolicy(tx, policy.key);
        const saved = await saveSlaPolicy(tx, policy);
        // Tickets hold due times computed from the targets: the policies that use it decide again.
        for (const user of await policiesUsingSla(tx, policy.key)) await requestRedecision(tx, user.key);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'sla-policy.saved',
          subject: policy.key,
          before: before ?? null,
          after: policy,
        });
        return saved;
      });
      return reply.status(created ? 201 : 200).send(policy);
    },
  );
  api.delete(
    '/sla-policies/:key',
    {
      schema: {
        operationId: 'deleteSlaPolicy',
        summary: 'Delete an SLA policy no support policy uses',
        tags: ['support-policies'],
        params: keyParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'settings:write');
      const key = request.params.key;
      await inWorkspaceTransaction(caller.scope, async (tx) => {
        const users = await policiesUsingSla(tx, key);
        if (users.length > 0)
          throw new AppError(
            'CONFLICT',
            `SLA policy "${key}" is used by support ${users.length === 1 ? 'policy' : 'policies'} ${users.map((p) => `"${p.key}"`).join(', ')}: change their set.sla first`,
          );
        const before = await findSlaPolicy(tx, key);
        if (!(await deleteSlaPolicy(tx, key))) throw new AppError('NOT_FOUND', `no SLA policy "${key}"`);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'sla-policy.deleted',
          subject: key,
          before: before ?? null,
          after: null,
        });
      });
      return reply.status(204).send(null);
    },
  );
  api.get(
    '/settings/sla',
    {
      schema: {
        operationId: 'getSlaSettings',
        summary: 'When sla.warning fires: minutes before an SLA target',
        tags: ['support-policies'],
        response: { 200: slaSettingsSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return { warningMinutes: (await readSlaWarningMinutes(scope)) ?? defaultSlaWarningMinutes };
    },
  );
  api.put(
    '/settings/sla',
    {
      schema: {
        operationId: 'putSlaSettings',
        summary: 'Set when sla.warning fires; timers scheduled from now on use it',
        tags: ['support-policies'],
        body: slaSettingsSchema,
        response: { 200: slaSettingsSchema },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'settings:write');
      await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await readSlaWarningMinutes(tx);
        await writeSlaWarningMinutes(tx, request.body.warningMinutes);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'sla-settings.saved',
          subject: 'sla',
          before: { warningMinutes: before },
          after: request.body,
        });
      });
      return request.body;
    },
  );
}
