import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createSegment,
  deliverWebhookTask,
  membershipWebhooks,
  saveWebhook,
  SecretBox,
  SubscriberRunner,
  type Subscriber,
  type TaskContext,
} from '@strata/engine';
import { applyMembershipChanges, createWorkspace, inWorkspaceTransaction, type LoggedSegmentChange, workspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

/** How a batch goes wrong: the handler throws before doing anything, or after (the crash between handling and cursor advance). */
type Failure = 'none' | 'before' | 'after';
type Step =
  | { kind: 'changes'; segment: 0 | 1; members: number[]; enter: boolean }
  | { kind: 'pass'; recorder: Failure; webhooks: Failure }
  | { kind: 'deliver'; fails: boolean[] };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('changes' as const),
    segment: fc.constantFrom(0 as const, 1 as const),
    members: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }),
    enter: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('pass' as const),
    recorder: fc.constantFrom<Failure>('none', 'before', 'after'),
    webhooks: fc.constantFrom<Failure>('none', 'before', 'after'),
  }),
  fc.record({ kind: fc.constant('deliver' as const), fails: fc.array(fc.boolean(), { maxLength: 6 }) }),
);

/** A subscriber that fails as the current step says, around the subscriber it wraps. */
function failing(inner: Subscriber, mode: () => Failure): Subscriber {
  return {
    ...inner,
    async handle(changes, context) {
      if (mode() === 'before') throw new Error('injected failure before handling');
      await inner.handle(changes, context);
      if (mode() === 'after') throw new Error('injected crash between handling and cursor advance');
    },
  };
}

it('gives every subscriber every change at least once, in log order, and the receiver each delivery id exactly once after dedupe', async () => {
  const secrets = new SecretBox(Buffer.alloc(32, 7));
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
      const workspace = await createWorkspace(database.db, { slug: `p-${randomUUID().slice(0, 8)}` });
      let clock = Date.UTC(2026, 11, 5, 12);
      const now = () => new Date(clock);
      const keys = ['alpha', 'beta'];
      for (const key of keys)
        await createSegment(workspaceScope(database.db, workspace.id, now), { key, name: key, target: 'person', rule: 'plan = "pro"' }, {});
      await saveWebhook(workspaceScope(database.db, workspace.id, now), secrets, {
        key: 'hook',
        url: 'https://receiver.example/hook',
        events: ['segment.entered', 'segment.exited'],
      });
      const members = Array.from({ length: 6 }, () => randomUUID());

      const seen: LoggedSegmentChange[] = [];
      const recorder: Subscriber = {
        name: `recorder-${workspace.id}`,
        log: 'segment-changes',
        batchSize: 3,
        // The runner serves every workspace; earlier runs' workspaces are not this run's business.
        handle: (changes, context) => {
          if (context.scope.workspaceId === workspace.id) seen.push(...changes);
          return Promise.resolve();
        },
      };
      let failures: { recorder: Failure; webhooks: Failure } = { recorder: 'none', webhooks: 'none' };
      const runner = new SubscriberRunner({
        db: database.db,
        now,
        subscribers: [
          failing(recorder, () => failures.recorder),
          failing({ ...membershipWebhooks, batchSize: 2 }, () => failures.webhooks),
        ],
      });

      // The receiver keeps what arrived; a failed post may still have arrived (the answer was lost).
      const arrived: string[] = [];
      let postFailures: boolean[] = [];
      const deliverAll = async () => {
        const pending = await database.owner
          .selectFrom('webhook_messages')
          .select('message_id')
          .where('workspace_id', '=', workspace.id)
          .where('status', '=', 'pending')
          .execute();
        for (const { message_id } of pending) {
          const context: TaskContext = {
            db: database.db,
            now,
            attempt: 1,
            maxAttempts: 25,
            lastAttempt: false,
            log: () => undefined,
            services: {
              secrets,
              post: (request) => {
                arrived.push(request.headers['webhook-id']!);
                return Promise.resolve({ status: postFailures.shift() ? 500 : 200, body: '' });
              },
            },
          };
          await deliverWebhookTask.run({ workspaceId: workspace.id, messageId: message_id }, context).catch(() => undefined);
        }
      };

      const membership = new Map<string, boolean>();
      for (const s of steps) {
        if (s.kind === 'changes') {
          const changes = s.members
            .filter((m) => (membership.get(`${s.segment}:${m}`) ?? false) !== s.enter)
            .map((m) => ({
              segmentKey: keys[s.segment]!,
              version: 1,
              memberId: members[m]!,
              kind: s.enter ? ('enter' as const) : ('exit' as const),
              cause: { kind: 'membership' as const },
            }));
          for (const m of s.members) membership.set(`${s.segment}:${m}`, s.enter);
          await inWorkspaceTransaction(workspaceScope(database.db, workspace.id, now), (tx) =>
            applyMembershipChanges(tx, 'person', changes, now()),
          );
        } else if (s.kind === 'pass') {
          failures = { recorder: s.recorder, webhooks: s.webhooks };
          await runner.runOnce();
        } else {
          postFailures = [...s.fails];
          await deliverAll();
        }
        clock += 600_000; // past any backoff, so the next pass may retry
      }

      failures = { recorder: 'none', webhooks: 'none' };
      postFailures = [];
      // Changes are readable only once every older transaction of the PostgreSQL cluster ended
      // (other test files run beside this one), so drain until nothing is left behind a cursor.
      const deadline = Date.now() + 30_000;
      for (;;) {
        while ((await runner.runOnce()) > 0) clock += 600_000;
        const behind = await sql<{ n: string }>`
          SELECT count(*) AS n FROM segment_changes c
          CROSS JOIN unnest(${[recorder.name, membershipWebhooks.name]}::text[]) AS s(name)
          LEFT JOIN change_cursors k ON k.workspace_id = c.workspace_id AND k.subscriber = s.name
          WHERE c.workspace_id = ${workspace.id}
            AND (c.txid, c.change_id) > (coalesce(k.txid, '0'::xid8), coalesce(k.change_id, 0))`
          .execute(database.owner)
          .then((r) => r.rows[0]!);
        if (Number(behind.n) === 0) break;
        if (Date.now() > deadline) throw new Error(`${behind.n} cursor positions still behind the log`);
        await sleep(100);
      }
      await deliverAll();

      const log = await database.owner
        .selectFrom('segment_changes')
        .select(['change_id'])
        .where('workspace_id', '=', workspace.id)
        .orderBy('txid')
        .orderBy('change_id')
        .execute();
      const logIds = log.map((r) => Number(r.change_id));
      // At least once, and first seen in log order.
      const firstSeen = [...new Set(seen.map((c) => c.changeId))];
      expect(firstSeen).toEqual(logIds);
      // One message per change for the webhook, and each message id arrived, deduplicated, once.
      const messages = await database.owner
        .selectFrom('webhook_messages')
        .select(['message_id', 'change_id', 'status'])
        .where('workspace_id', '=', workspace.id)
        .execute();
      expect(messages.map((m) => Number(m.change_id)).sort((a, b) => a - b)).toEqual([...logIds].sort((a, b) => a - b));
      expect(messages.every((m) => m.status === 'delivered')).toBe(true);
      expect([...new Set(arrived)].sort()).toEqual(messages.map((m) => m.message_id).sort());
    }),
    { numRuns: Number(process.env.STRATA_SUBSCRIBER_RUNS ?? 40) },
  );
}, 240_000);
