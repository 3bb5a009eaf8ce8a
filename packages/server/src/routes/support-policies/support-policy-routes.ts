import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  checkSupportPolicy,
  policyExperimentReadout,
  previewPolicies,
  requestRedecision,
  type CheckedPolicy,
  type SupportPolicyInput,
} from '@strata/engine';
import {
  deleteSupportPolicy,
  findSupportPolicy,
  inWorkspaceTransaction,
  listSupportPolicies,
  recordAudit,
  reorderSupportPolicies,
  saveSupportPolicy,
  type StoredSupportPolicy,
  type WorkspaceScope,
} from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';
import { auditBy } from '../audit/index.js';
import {
  experimentReadoutSchema,
  keyParams,
  previewBody,
  previewSchema,
  supportPolicyBody,
  supportPolicySchema,
} from './policy-schemas.js';

const view = (policy: StoredSupportPolicy): z.output<typeof supportPolicySchema> => ({
  key: policy.key,
  name: policy.name,
  position: policy.position,
  when: policy.whenText,
  set: policy.set,
  experiment: policy.experiment ?? null,
  redecision: policy.redecision,
});

/** A policy checked against the workspace, or the 400 naming each field at fault (`prefix` for a policy in a list). */
async function checked(scope: WorkspaceScope, key: string, input: SupportPolicyInput, prefix = '') {
  const result: CheckedPolicy = await checkSupportPolicy(scope, key, input);
  if (result.ok) return result.policy;
  const issues = result.issues.map((i) => ({ ...i, field: `${prefix}${i.field}` }));
  throw new AppError('INVALID_INPUT', issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
}

/** Support policies: ordered rules about tickets that set priority, SLA, queue, tags and more. */
export function registerSupportPolicyRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/support-policies',
    {
      schema: {
        operationId: 'listSupportPolicies',
        summary: 'The support policies in the order they apply (position, then key)',
        tags: ['support-policies'],
        response: { 200: z.array(supportPolicySchema) },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      return (await listSupportPolicies(scope)).map(view);
    },
  );
  api.get(
    '/support-policies/:key',
    {
      schema: {
        operationId: 'getSupportPolicy',
        summary: 'One support policy, with the progress of the re-decision its last change started',
        tags: ['support-policies'],
        params: keyParams,
        response: { 200: supportPolicySchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      const policy = await findSupportPolicy(scope, request.params.key);
      if (!policy) throw new AppError('NOT_FOUND', `no support policy "${request.params.key}": list them with GET /support-policies`);
      return view(policy);
    },
  );
  api.get(
    '/support-policies/:key/experiment',
    {
      schema: {
        operationId: 'getSupportPolicyExperiment',
        summary:
          "A policy's experiment: the tickets it handled against those its holdout kept out, on CSAT, first response, resolution, reopens and the accounts' retention, each with an interval and a p-value",
        tags: ['support-policies'],
        params: keyParams,
        response: { 200: experimentReadoutSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      const policy = await findSupportPolicy(scope, request.params.key);
      if (!policy) throw new AppError('NOT_FOUND', `no support policy "${request.params.key}": list them with GET /support-policies`);
      if (!policy.experiment)
        throw new AppError(
          'NOT_FOUND',
          `support policy "${policy.key}" runs no experiment: PUT it with experiment: {holdoutPercent} to hold some customers out`,
        );
      return policyExperimentReadout(scope, policy);
    },
  );
  api.put(
    '/support-policies/:key',
    {
      schema: {
        operationId: 'putSupportPolicy',
        summary: 'Create or replace a support policy; open tickets are decided again in the background',
        tags: ['support-policies'],
        params: keyParams,
        body: supportPolicyBody,
        response: { 200: supportPolicySchema, 201: supportPolicySchema },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'settings:write');
      const policy = await checked(caller.scope, request.params.key, request.body);
      const { created, stored } = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await findSupportPolicy(tx, policy.key);
        const saved = await saveSupportPolicy(tx, policy);
        await requestRedecision(tx, policy.key);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'support-policy.saved',
          subject: policy.key,
          before: before ? view(before) : null,
          after: { name: policy.name, position: policy.position, when: policy.whenText, set: policy.set },
        });
        return { created: saved.created, stored: (await findSupportPolicy(tx, policy.key))! };
      });
      return reply.status(created ? 201 : 200).send(view(stored));
    },
  );
  api.delete(
    '/support-policies/:key',
    {
      schema: {
        operationId: 'deleteSupportPolicy',
        summary: 'Delete a support policy; open tickets are decided again without it',
        tags: ['support-policies'],
        params: keyParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const caller = await deps.auth(request, 'settings:write');
      const key = request.params.key;
      await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await findSupportPolicy(tx, key);
        if (!before || !(await deleteSupportPolicy(tx, key))) throw new AppError('NOT_FOUND', `no support policy "${key}"`);
        await requestRedecision(tx, key);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'support-policy.deleted',
          subject: key,
          before: view(before),
          after: null,
        });
      });
      return reply.status(204).send(null);
    },
  );
  api.post(
    '/support-policies/reorder',
    {
      schema: {
        operationId: 'reorderSupportPolicies',
        summary: 'Put every support policy in a new order at once (positions become 10, 20, 30, ...); open tickets are decided again',
        tags: ['support-policies'],
        body: z.object({ keys: z.array(z.string()).min(1).max(500).describe("every policy's key, once, first to apply first") }),
        response: { 200: z.array(supportPolicySchema) },
      },
    },
    async (request) => {
      const caller = await deps.auth(request, 'settings:write');
      const { keys } = request.body;
      const policies = await inWorkspaceTransaction(caller.scope, async (tx) => {
        const before = await listSupportPolicies(tx);
        const known = new Set(before.map((p) => p.key));
        const unknown = keys.filter((k) => !known.has(k));
        const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
        const missing = before.map((p) => p.key).filter((k) => !keys.includes(k));
        const problems = [
          unknown.length > 0 && `no support policy ${unknown.map((k) => `"${k}"`).join(', ')}`,
          twice.length > 0 && `listed more than once: ${twice.join(', ')}`,
          missing.length > 0 && `missing: ${missing.join(', ')} (list every policy once)`,
        ].filter(Boolean);
        if (problems.length > 0) throw new AppError('INVALID_INPUT', `keys: ${problems.join('; ')}`);
        await reorderSupportPolicies(tx, keys);
        const after = await listSupportPolicies(tx);
        // One re-decision for the new order, reported on the policy that now applies first.
        if (after.some((p, i) => p.key !== before[i]?.key)) await requestRedecision(tx, keys[0]!);
        await recordAudit(tx, {
          ...auditBy(request, caller),
          kind: 'support-policy.reordered',
          subject: keys[0]!,
          before: before.map((p) => p.key),
          after: keys,
        });
        return after;
      });
      return policies.map(view);
    },
  );
  api.post(
    '/support-policies/preview',
    {
      schema: {
        operationId: 'previewSupportPolicies',
        summary: 'How many open tickets a policy (or a list) would change if saved, with samples; saves nothing',
        tags: ['support-policies'],
        body: previewBody,
        response: { 200: previewSchema },
      },
    },
    async (request) => {
      const { scope } = await deps.auth(request, 'settings:read');
      const bodies = Array.isArray(request.body) ? request.body : [request.body];
      const proposed = [];
      for (const [i, { key, ...input }] of bodies.entries())
        proposed.push(await checked(scope, key, input, Array.isArray(request.body) ? `[${i}].` : ''));
      return previewPolicies(scope, proposed);
    },
  );
}
