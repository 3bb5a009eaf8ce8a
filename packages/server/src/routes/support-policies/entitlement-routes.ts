import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { customerEntitlements } from '@strata/engine';
import { findProfileId } from '@strata/storage';
import { AppError } from '../../http/app-error.js';
import type { Authenticated } from '../../http/management-auth.js';

const entitlement = <T extends z.ZodType>(value: T) =>
  z.object({
    value: value.nullable().describe('null when no policy grants it'),
    policy: z.string().nullable().describe('the support policy that grants it'),
    segments: z.array(z.string()).describe('segments the policy reads that the customer is in: why they get it'),
  });
const entitlementsSchema = z.object({
  channels: entitlement(z.array(z.string())),
  sla: entitlement(z.string()),
  queue: entitlement(z.string()),
  priority: entitlement(z.string()),
});

/** What a customer is entitled to from the support policies: for a help widget or a phone system to show "call us" only to those who get it. */
export function registerEntitlementRoutes(app: FastifyInstance, deps: { auth: Authenticated }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  for (const target of ['person', 'account'] as const) {
    const param = target === 'person' ? 'userId' : 'groupId';
    api.get(
      `/${target === 'person' ? 'people' : 'accounts'}/:${param}/entitlements`,
      {
        schema: {
          operationId: target === 'person' ? 'getPersonEntitlements' : 'getAccountEntitlements',
          summary: `Channels, SLA, queue and priority ${target === 'person' ? 'a person' : 'an account'} gets, with the policy and segments behind each`,
          tags: ['support-policies'],
          params: z.object({ [param]: z.string().min(1).max(512) }),
          response: { 200: entitlementsSchema },
        },
      },
      async (request) => {
        const { scope } = await deps.auth(request, 'people:read');
        const externalId = (request.params as Record<string, string>)[param]!;
        const id = await findProfileId(scope, target, externalId);
        const found = id && (await customerEntitlements(scope, { target, id }));
        if (!found)
          throw new AppError('NOT_FOUND', `no ${target === 'person' ? 'person with userId' : 'account with groupId'} "${externalId}"`);
        return found;
      },
    );
  }
}
