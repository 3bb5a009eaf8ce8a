import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignArm, type PlaybookExperiment } from '@strata/core';
import { BackgroundRuntime, checkExperimentGoalTask, SecretBox, type TaskServices } from '@strata/engine';
import { findProfileId, workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: BackgroundRuntime;
// The app and the workers read one clock; the metric test moves it past the goal windows.
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
const dayMs = 86_400_000;
const secrets = new SecretBox(randomBytes(32));
const services: TaskServices = {
  secrets,
  post: () => Promise.reject(new Error('these playbooks post nothing')),
};

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now, secrets });
  runtime = new BackgroundRuntime({ db: database.db, pool: database.pool, now, services, subscriberPollMs: 200 });
  await runtime.start();
  // Rules name fields the workspace has seen.
  await identifyAll([{ userId: 'first-seen', traits: { plan: 'free', nudged: false, stage: 'new' } }]);
  for (const [key, rule] of [
    ['trialists', 'plan = "trial"'],
    ['renewing', 'stage = "renewing"'],
  ])
    expect((await api('POST', '/api/v1/segments', { key, name: key, target: 'person', rule })).statusCode).toBe(201);
});
afterAll(async () => {
  await runtime.stop();
  await app.close();
  await database.drop();
});

async function api(method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) {
  // The admin key: the management API and the write paths (tickets, surveys) alike.
  return app.inject({ method, url, headers: { authorization: `Bearer ${ws.adminKey}` }, ...(payload ? { payload } : {}) });
}
async function identifyAll(people: Array<{ userId: string; traits: Record<string, unknown> }>) {
  const batch = people.map((p) => ({ type: 'identify', ...p, messageId: `m-${randomBytes(8).toString('hex')}` }));
  const response = await app.inject({
    method: 'POST',
    url: '/v1/batch',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { batch },
  });
  expect(response.statusCode, response.body).toBe(200);
}
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}
type Run = { id: string; userId: string; arm: string | null; status: string; steps: Array<{ type: string }> };
type Detail = { field: string };
const fieldsOf = (body: string) => (JSON.parse(body) as { error: { details: Detail[] } }).error.details.map((d) => d.field);

/** mulberry32: seeded, so the simulated customers decide the same way on every run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nudge = {
  name: 'Trial nudge A/B',
  enabled: true,
  trigger: { on: 'segment-entered', segment: 'trialists' },
  steps: [],
  experiment: {
    holdoutPercent: 50,
    arms: [{ key: 'nudge', weight: 100, steps: [{ type: 'set-trait', trait: 'nudged', value: true }] }],
    goal: { rule: 'plan = "pro"', withinDays: 14 },
  },
};

describe('playbook experiments', { shuffle: false }, () => {
  it('refuses weights that do not sum to 100, a repeated arm key, a goal rule that does not check, and stores nothing', async () => {
    const bad = await api('PUT', '/api/v1/playbooks/broken', {
      ...nudge,
      experiment: {
        holdoutPercent: 10,
        arms: [
          { key: 'call', weight: 60, steps: [{ type: 'task', title: 'Call' }] },
          { key: 'call', weight: 30, steps: [{ type: 'branch', if: 'seats >=', then: [] }] },
        ],
        goal: { rule: 'plan = ', withinDays: 7 },
      },
    });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(
      expect.arrayContaining(['experiment.arms', 'experiment.arms[1].key', 'experiment.arms[1].steps[0].if', 'experiment.goal.rule']),
    );
    expect(bad.body).toContain('must sum to 100');
    const held = await api('PUT', '/api/v1/playbooks/broken', { ...nudge, experiment: { ...nudge.experiment, holdoutPercent: 60 } });
    expect(held.statusCode).toBe(400);
    expect(fieldsOf(held.body)).toEqual(['body.experiment.holdoutPercent']);
    const metric = await api('PUT', '/api/v1/playbooks/broken', {
      ...nudge,
      experiment: { ...nudge.experiment, goal: { metric: 'revenue' } },
    });
    expect(metric.statusCode).toBe(400);
    expect(fieldsOf(metric.body)[0]).toMatch(/^body\.experiment\.goal/);
    const noArms = await api('PUT', '/api/v1/playbooks/broken', { ...nudge, experiment: { ...nudge.experiment, arms: [] } });
    expect(fieldsOf(noArms.body)).toEqual(['body.experiment.arms']);
    const both = await api('PUT', '/api/v1/playbooks/broken', { ...nudge, steps: [{ type: 'wait', minutes: 5 }] });
    expect(fieldsOf(both.body)).toEqual(['steps']);
    expect((await api('GET', '/api/v1/playbooks/broken')).statusCode).toBe(404);
    expect((await api('GET', '/api/v1/playbooks/broken/experiment')).statusCode).toBe(404);
  });

  it('assigns each enrolment its arm by hash, runs only that arm, and the readout finds a known effect', { timeout: 300_000 }, async () => {
    const saved = await api('PUT', '/api/v1/playbooks/trial-nudge', nudge);
    expect(saved.statusCode, saved.body).toBe(201);
    expect(saved.json()).toMatchObject({ version: 1, experiment: { holdoutPercent: 50, goal: { rule: 'plan = "pro"' } } });
    const people = Array.from({ length: 300 }, (_, i) => `trial-${i}`);
    await identifyAll(people.map((userId) => ({ userId, traits: { plan: 'trial' } })));
    const runs = await until('300 runs, each finished', async () => {
      const response = await api('GET', '/api/v1/playbooks/trial-nudge/runs?limit=500');
      const list = response.json<Run[]>();
      return list.length === 300 && list.every((r) => r.status === 'completed') ? list : undefined;
    });
    // Recorded at enrolment: the arm the hash of (playbook, version, person) gives.
    const scope = workspaceScope(database.db, ws.workspace.id, () => new Date());
    const personOf = new Map<string, string>();
    for (const run of runs) personOf.set(run.userId, (await findProfileId(scope, 'person', run.userId))!);
    // Assignment reads only the holdout and the arms' keys and weights.
    const experiment = nudge.experiment as unknown as PlaybookExperiment;
    for (const run of runs) expect(run.arm).toBe(assignArm('trial-nudge', 1, personOf.get(run.userId)!, experiment));
    // The holdout runs no step; the arm runs its own.
    for (const run of runs) expect(run.steps.map((s) => s.type)).toEqual(run.arm === 'holdout' ? [] : ['set-trait']);
    const armOf = new Map(runs.map((r) => [r.userId, r.arm!]));

    // The simulated customers: a nudged trial converts half the time, a held-out one a quarter.
    const random = seeded(1818);
    const converts = people.filter((p) => random() < (armOf.get(p) === 'nudge' ? 0.5 : 0.25));
    await identifyAll(converts.map((userId) => ({ userId, traits: { plan: 'pro' } })));

    const response = await api('GET', '/api/v1/playbooks/trial-nudge/experiment');
    expect(response.statusCode, response.body).toBe(200);
    const readout = response.json<{
      arms: Array<{
        key: string;
        enrolled: number;
        n: number;
        reached: number;
        rate: number;
        lift: number;
        ci: [number, number];
        pValue: number;
        baselineN: number;
      }>;
      holdout: { enrolled: number; reached: number; rate: number };
      warnings: Array<{ code: string }>;
      sampleRatio: { pValue: number };
      kind: string;
    }>();
    const count = (arm: string) => people.filter((p) => armOf.get(p) === arm).length;
    const reached = (arm: string) => converts.filter((p) => armOf.get(p) === arm).length;
    const [n1, n0, r1, r0] = [count('nudge'), count('holdout'), reached('nudge'), reached('holdout')];
    expect(readout.kind).toBe('proportion');
    expect(readout.holdout).toMatchObject({ enrolled: n0, reached: r0 });
    const arm = readout.arms[0]!;
    expect(arm).toMatchObject({ key: 'nudge', enrolled: n1, n: n1, reached: r1, baselineN: n0 });
    // The two-proportion z-test and Wald interval, worked out here from the counts.
    const [p1, p0] = [r1 / n1, r0 / n0];
    const pooled = (r1 + r0) / (n1 + n0);
    const z = (p1 - p0) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
    const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
    expect(arm.lift).toBeCloseTo(p1 - p0, 10);
    expect(z).toBeGreaterThan(2.5);
    expect(arm.pValue).toBeLessThan(0.05);
    expect(arm.ci[0]).toBeCloseTo(p1 - p0 - 1.959964 * se, 5);
    expect(arm.ci[0]).toBeGreaterThan(0);
    expect(readout.warnings.map((w) => w.code)).not.toContain('sample-ratio-mismatch');
    expect(readout.sampleRatio.pValue).toBeGreaterThan(0.001);

    // A goal once reached stays reached: converters who downgrade again still count.
    await identifyAll(converts.slice(0, 10).map((userId) => ({ userId, traits: { plan: 'free' } })));
    const again = (await api('GET', '/api/v1/playbooks/trial-nudge/experiment')).json<typeof readout>();
    expect(again.arms[0]!.reached + again.holdout.reached).toBe(converts.length);
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toContain(`strata_playbook_experiment_runs{arm="holdout"} ${n0}`);
    expect(metrics.body).toContain(`strata_playbook_experiment_runs{arm="nudge"} ${n1}`);
  });

  it('measures conversion, CSAT, tickets per account and retention over each goal window', { timeout: 300_000 }, async () => {
    const metrics = ['conversion', 'csat', 'tickets-per-account', 'retention'] as const;
    for (const metric of metrics) {
      const saved = await api('PUT', `/api/v1/playbooks/renewal-${metric}`, {
        name: `Renewal (${metric})`,
        enabled: true,
        trigger: { on: 'segment-entered', segment: 'renewing' },
        steps: [],
        experiment: {
          holdoutPercent: 50,
          arms: [{ key: 'call', weight: 100, steps: [{ type: 'task', title: 'Call before renewal' }] }],
          goal: { metric, withinDays: 7 },
        },
      });
      expect(saved.statusCode, saved.body).toBe(201);
    }
    const people = Array.from({ length: 24 }, (_, i) => `renew-${i}`);
    const start = now().getTime();
    await identifyAll(people.map((userId) => ({ userId, traits: { stage: 'renewing' } })));
    const armsOf = new Map<string, Map<string, string>>();
    for (const metric of metrics)
      armsOf.set(
        metric,
        await until(`24 runs of renewal-${metric}`, async () => {
          const list = (await api('GET', `/api/v1/playbooks/renewal-${metric}/runs?limit=500`)).json<Run[]>();
          return list.length === 24 ? new Map(list.map((r) => [r.userId, r.arm!])) : undefined;
        }),
      );

    // A day into the window each person has an account; some act, answer, write in or churn.
    offsetMs = dayMs;
    const at = (days: number) => new Date(start + days * dayMs).toISOString();
    const writeKeyed = (url: string, payload: object) =>
      app.inject({ method: 'POST', url, headers: { authorization: basicAuth(ws.writeKey) }, payload });
    for (const [i, userId] of people.entries()) {
      const groupId = `acct-${i}`;
      // churned_at dates a churn exactly; a status alone is dated by its last write.
      const churn = i % 3 === 0 ? { status: 'churned', churned_at: at(1) } : { status: 'active' };
      expect((await writeKeyed('/v1/group', { userId, groupId, traits: churn, messageId: `g-${i}` })).statusCode).toBe(200);
      const event = i % 3 === 1 ? 'Order Completed' : 'Pricing Viewed';
      expect((await writeKeyed('/v1/track', { userId, event, timestamp: at(1), messageId: `t-${i}` })).statusCode).toBe(200);
      if (i % 2 === 0)
        for (const score of [(i % 5) + 1, 5]) {
          const answer = await api('POST', '/api/v1/surveys/responses', { userId, kind: 'csat', score, submittedAt: at(1 + score / 10) });
          expect(answer.statusCode, answer.body).toBe(201);
        }
      for (let t = 0; t < i % 3; t++) {
        const ticket = await api('POST', '/api/v1/tickets', { userId, subject: `Question ${t}`, createdAt: at(2) });
        expect(ticket.statusCode, ticket.body).toBe(201);
      }
    }
    // After the 7-day windows: what happens now counts for nobody.
    offsetMs = 9 * dayMs;
    for (const [i, userId] of people.entries()) {
      expect(
        (await writeKeyed('/v1/group', { userId, groupId: `acct-${i}`, traits: { status: 'churned' }, messageId: `late-g-${i}` }))
          .statusCode,
      ).toBe(200);
      expect(
        (await writeKeyed('/v1/track', { userId, event: 'Order Completed', timestamp: at(9), messageId: `late-t-${i}` })).statusCode,
      ).toBe(200);
      expect((await api('POST', '/api/v1/surveys/responses', { userId, kind: 'csat', score: 1, submittedAt: at(9) })).statusCode).toBe(201);
      expect((await api('POST', '/api/v1/tickets', { userId, subject: 'Late', createdAt: at(9) })).statusCode).toBe(201);
    }

    // Each person's measure, worked out from what the test wrote.
    const measure: Record<(typeof metrics)[number], (i: number) => number | null> = {
      conversion: (i) => (i % 3 === 1 ? 1 : 0),
      csat: (i) => (i % 2 === 0 ? ((i % 5) + 1 + 5) / 2 : null),
      'tickets-per-account': (i) => i % 3,
      retention: (i) => (i % 3 === 0 ? 0 : 1),
    };
    type Group = { enrolled: number; n: number; reached: number | null; rate: number | null; mean: number | null };
    for (const metric of metrics) {
      const response = await api('GET', `/api/v1/playbooks/renewal-${metric}/experiment`);
      expect(response.statusCode, response.body).toBe(200);
      const readout = response.json<{ kind: string; arms: Array<Group & { key: string; baselineN: number }>; holdout: Group }>();
      const expected = (arm: string) => {
        const members = people.map((p, i) => ({ p, i })).filter(({ p }) => armsOf.get(metric)!.get(p) === arm);
        const values = members.map(({ i }) => measure[metric](i)).filter((v): v is number => v !== null);
        const sum = values.reduce((a, v) => a + v, 0);
        return { enrolled: members.length, n: values.length, sum };
      };
      for (const [arm, got] of [
        ['call', readout.arms[0]!],
        ['holdout', readout.holdout],
      ] as const) {
        const want = expected(arm);
        expect(got.enrolled, `${metric} ${arm}`).toBe(want.enrolled);
        expect(got.n, `${metric} ${arm}`).toBe(want.n);
        if (readout.kind === 'proportion') expect(got.reached, `${metric} ${arm}`).toBe(want.sum);
        else expect(got.mean!, `${metric} ${arm}`).toBeCloseTo(want.sum / want.n, 10);
      }
      expect(readout.kind).toBe(metric === 'csat' || metric === 'tickets-per-account' ? 'mean' : 'proportion');
    }
  });

  it('checks a rule goal when its window ends, and a goal reached after the window does not count', { timeout: 300_000 }, async () => {
    const saved = await api('PUT', '/api/v1/playbooks/upgrade-window', {
      ...nudge,
      name: 'Upgrade within a day',
      experiment: { ...nudge.experiment, holdoutPercent: 0, goal: { rule: 'plan = "pro"', withinDays: 1 } },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const base = offsetMs;
    await identifyAll(['win-early', 'win-late'].map((userId) => ({ userId, traits: { plan: 'trial' } })));
    const runs = await until('both runs', async () => {
      const list = (await api('GET', '/api/v1/playbooks/upgrade-window/runs')).json<Run[]>();
      return list.length === 2 ? list : undefined;
    });
    const idOf = (userId: string) => runs.find((r) => r.userId === userId)!.id;
    // Inside the window, with no readout to see it: upgraded, then back to trial before anyone looks.
    offsetMs = base + 0.5 * dayMs;
    await identifyAll([{ userId: 'win-early', traits: { plan: 'pro' } }]);
    // The end-of-window job, queued at enrolment for the window's end by the database's clock, is run
    // here by hand on the test's clock: it sees the goal while it holds.
    const context = { db: database.db, now, attempt: 1, maxAttempts: 25, lastAttempt: false, log: () => undefined, services };
    await checkExperimentGoalTask.run({ workspaceId: ws.workspace.id, enrolmentId: idOf('win-early') }, context);
    offsetMs = base + 2 * dayMs;
    await identifyAll([
      { userId: 'win-early', traits: { plan: 'trial' } },
      { userId: 'win-late', traits: { plan: 'pro' } },
    ]);
    await checkExperimentGoalTask.run({ workspaceId: ws.workspace.id, enrolmentId: idOf('win-late') }, context);
    const readout = (await api('GET', '/api/v1/playbooks/upgrade-window/experiment')).json<{
      baseline: string;
      arms: Array<{ key: string; enrolled: number; reached: number }>;
    }>();
    expect(readout.baseline).toBe('nudge');
    expect(readout.arms).toMatchObject([{ key: 'nudge', enrolled: 2, reached: 1 }]);
  });
});
