import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorkspace, inWorkspaceTransaction, saveQueue, workspaceScope, type WorkspaceScope } from '@strata/storage';
import type { AgentSeat } from '@strata/core';
import { routeTicket, setAgentAvailability } from '../src/routing/index.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const agents = ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io'];
const seatArb = (email: string) =>
  fc.record({
    email: fc.constant(email),
    skills: fc.constant<string[]>([]),
    languages: fc.subarray(['en', 'de']),
    capacity: fc.integer({ min: 1, max: 3 }),
  });
const queueArb = fc
  .subarray(agents, { minLength: 1 })
  .chain((emails) => fc.tuple(...emails.map(seatArb)))
  .map((seats): AgentSeat[] => seats);
const stepArb = fc.oneof(
  fc.record({
    kind: fc.constant('ticket' as const),
    queue: fc.integer({ min: 0, max: 1 }),
    language: fc.constantFrom('en', 'de', 'fr', null),
  }),
  fc.record({
    kind: fc.constant('status' as const),
    agent: fc.constantFrom(...agents),
    status: fc.constantFrom('online' as const, 'away' as const),
  }),
);

it('under concurrent tickets and agents coming and going, no agent holds more than their capacity nor keeps tickets while away', async () => {
  let world = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.tuple(queueArb, queueArb),
      fc.constantFrom('round-robin' as const, 'least-loaded' as const),
      fc.array(stepArb, { minLength: 4, maxLength: 16 }),
      async (seats, assignment, steps) => {
        const workspace = await createWorkspace(database.db, { slug: `routing-${world++}` });
        const scope: WorkspaceScope = workspaceScope(database.db, workspace.id, () => new Date());
        const queues = seats.map((agentSeats, i) => ({
          key: `q${i}`,
          name: `Q${i}`,
          assignment,
          languageFallback: 'any-agent' as const,
          agents: agentSeats,
          helpDeskGroups: {},
        }));
        await inWorkspaceTransaction(scope, async (tx) => {
          for (const q of queues) await saveQueue(tx, q);
        });
        // Every step at once: tickets are routed while agents change status.
        await Promise.all(
          steps.map(async (step) => {
            if (step.kind === 'status') return setAgentAvailability(scope, step.agent, step.status);
            const ticketId = randomUUID();
            await scope.db
              .insertInto('tickets')
              .values({
                workspace_id: workspace.id,
                ticket_id: ticketId,
                source: 'api',
                tags: [],
                is_open: true,
                language: step.language,
                created_at: new Date(),
              })
              .execute();
            return inWorkspaceTransaction(scope, (tx) => routeTicket(tx, ticketId, `q${step.queue}`, { cause: 'routed' }));
          }),
        );
        const open = await scope.db
          .selectFrom('tickets')
          .select(['ticket_id', 'assignee'])
          .where('workspace_id', '=', workspace.id)
          .execute();
        const status = new Map(
          (await scope.db.selectFrom('agent_statuses').select(['email', 'status']).where('workspace_id', '=', workspace.id).execute()).map(
            (r) => [r.email, r.status],
          ),
        );
        for (const email of agents) {
          const held = open.filter((t) => t.assignee === email).length;
          const capacities = queues.flatMap((q) => q.agents.filter((a) => a.email === email).map((a) => a.capacity));
          expect(held, `${email} holds ${held}`).toBeLessThanOrEqual(Math.max(0, ...capacities));
          if (status.get(email) === 'away') expect(held, `${email} is away but holds ${held}`).toBe(0);
        }
        // The ticket's assignee is its latest assignment's.
        for (const t of open) {
          const latest = await scope.db
            .selectFrom('ticket_assignments')
            .select('assignee')
            .where('workspace_id', '=', workspace.id)
            .where('ticket_id', '=', t.ticket_id)
            .orderBy('assignment_id', 'desc')
            .limit(1)
            .executeTakeFirst();
          expect(latest?.assignee ?? null).toBe(t.assignee);
        }
      },
    ),
    { numRuns: Number(process.env['ROUTING_RUNS'] ?? 30) },
  );
}, 240_000);
