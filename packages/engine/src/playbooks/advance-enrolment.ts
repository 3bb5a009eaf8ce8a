import { z } from 'zod';
import {
  enterBranch,
  evaluateRule,
  nextLocalTime,
  segmentMessageSchema,
  stepAfter,
  stepAt,
  stepsOf,
  waitMilliseconds,
  zonesOf,
  type PlaybookDefinition,
  type PlaybookStep,
} from '@strata/core';
import {
  findPlaybook,
  findPlaybookVersion,
  inWorkspaceTransaction,
  insertCsmTask,
  loadPersonRecord,
  lockEnrolment,
  moveEnrolment,
  recordStepRun,
  workspaceScope,
  type PlaybookEnrolment,
  type WorkspaceScope,
} from '@strata/storage';
import { workspaceTimezone } from '../health/index.js';
import { ingestMessages } from '../ingestion/index.js';
import { enqueue, type Task, type TaskServices } from '../jobs/index.js';
import { storeInAppMessage } from './in-app-step.js';
import { changeSegmentOfRun } from './segment-steps.js';
import { runWebhookStep } from './playbook-webhook.js';
import { linkSigningOf, runEmailStep } from './playbook-email-step.js';

/** Attempts before an enrolment is dead-lettered (`failed`, listed in its runs, retryable): about 45 minutes of backoff. */
export const enrolmentAttempts = 8;

/** The most steps one job runs before it queues the rest, so a long playbook shares the workers. */
const stepsPerJob = 50;

/** What a step done outside the database came to, for its record. */
export interface StepOutcome {
  outcome: string;
  detail: unknown;
}

/** What one step's transaction decided. */
type Advance = { kind: 'next' } | { kind: 'paused' } | { kind: 'ended' };

/**
 * Runs an enrolment's due steps in order until it waits or ends. Each step runs in its own
 * transaction that locks the enrolment, writes the step's effect, records the step under its
 * idempotency key (enrolment and step path) and moves the enrolment on, so after a crash the job
 * runs again from the first step that did not commit. The kill switch (`enabled: false`) is read
 * in every step's transaction and stops the enrolment before its next step.
 */
export const advanceEnrolmentTask: Task<{ workspaceId: string; enrolmentId: string }> = {
  name: 'advance-playbook-enrolment',
  payload: z.object({ workspaceId: z.string(), enrolmentId: z.string() }),
  maxAttempts: enrolmentAttempts,
  async run({ workspaceId, enrolmentId }, { db, now, lastAttempt, log, services }) {
    const scope = workspaceScope(db, workspaceId, now);
    try {
      await advanceEnrolment(scope, enrolmentId, services);
    } catch (error) {
      if (!lastAttempt) throw error;
      const message = error instanceof Error ? error.message : String(error);
      log('warn', 'a playbook enrolment failed on its last attempt; it waits for a retry', { enrolmentId, err: message });
      await inWorkspaceTransaction(scope, async (tx) => {
        const enrolment = await lockEnrolment(tx, enrolmentId);
        if (enrolment?.status === 'active')
          await moveEnrolment(tx, enrolmentId, { status: 'failed', nextStep: enrolment.nextStep, error: message });
      });
    }
  },
};

/** Queues the job that runs an enrolment's next steps, at once or at `runAt`; one pending job per enrolment. */
export async function scheduleEnrolment(scope: WorkspaceScope, enrolmentId: string, runAt?: Date): Promise<void> {
  await enqueue(
    scope.db,
    advanceEnrolmentTask,
    { workspaceId: scope.workspaceId, enrolmentId },
    { key: `playbook-enrolment:${enrolmentId}`, ...(runAt ? { runAt } : {}) },
  );
}

export async function advanceEnrolment(scope: WorkspaceScope, enrolmentId: string, services: TaskServices): Promise<void> {
  for (let ran = 0; ran < stepsPerJob; ran++) {
    // The one effect outside the database, the trait a set-trait step writes through ingestion,
    // happens before the step's transaction and is idempotent by itself: the identify's messageId
    // is the step's idempotency key. Webhooks and emails go through outboxes written in the step's
    // transaction instead.
    const ahead = await peek(scope, enrolmentId);
    if (!ahead) return;
    if (ahead.step.type === 'set-trait') await writeTrait(scope, ahead.enrolment, ahead.step);
    const advance = await inWorkspaceTransaction(scope, (tx) => runStep(tx, enrolmentId, ahead.enrolment.nextStep!, services));
    if (advance.kind !== 'next') return;
  }
  await scheduleEnrolment(scope, enrolmentId);
}

/** The enrolment and its next step, when it is active; read without a lock. */
async function peek(scope: WorkspaceScope, enrolmentId: string) {
  return inWorkspaceTransaction(scope, async (tx) => {
    const enrolment = await lockEnrolment(tx, enrolmentId);
    if (enrolment?.status !== 'active' || enrolment.nextStep === null) return undefined;
    const definition = await findPlaybookVersion(tx, enrolment.playbookKey, enrolment.version);
    const step = definition && stepAt(stepsOf(definition, enrolment.arm), enrolment.nextStep);
    return step ? { enrolment, step } : undefined;
  });
}

/** Runs the step at `path` when the enrolment still stands there (another run may have moved it). */
async function runStep(tx: WorkspaceScope, enrolmentId: string, path: string, services: TaskServices): Promise<Advance> {
  const enrolment = await lockEnrolment(tx, enrolmentId);
  if (enrolment?.status !== 'active' || enrolment.nextStep !== path) return { kind: 'next' };
  const playbook = await findPlaybook(tx, enrolment.playbookKey);
  if (!playbook?.enabled) {
    await moveEnrolment(tx, enrolmentId, { status: 'stopped', nextStep: null, error: 'the playbook was disabled (its kill switch)' });
    return { kind: 'ended' };
  }
  const definition = await findPlaybookVersion(tx, enrolment.playbookKey, enrolment.version);
  // An experiment's enrolment runs its arm's steps; paths are within them.
  const steps = definition ? stepsOf(definition, enrolment.arm) : [];
  const step = definition && stepAt(steps, path);
  if (!definition || !step) throw new Error(`playbook ${enrolment.playbookKey} version ${enrolment.version} has no step ${path}`);
  const done = (outcome: string, detail?: unknown) =>
    recordStepRun(tx, { enrolmentId, stepPath: path, stepType: step.type, outcome, detail });
  const moveTo = async (next: string | undefined): Promise<Advance> => {
    await moveEnrolment(
      tx,
      enrolmentId,
      next === undefined ? { status: 'completed', nextStep: null } : { status: 'active', nextStep: next },
    );
    return next === undefined ? { kind: 'ended' } : { kind: 'next' };
  };
  const after = () => stepAfter(steps, path);

  switch (step.type) {
    case 'wait': {
      const until = await waitEnd(tx, enrolment, step);
      if (tx.clock() < until) {
        await scheduleEnrolment(tx, enrolmentId, until);
        return { kind: 'paused' };
      }
      await done('waited', { until: until.toISOString() });
      return moveTo(after());
    }
    case 'branch': {
      const holds = await ruleHolds(tx, enrolment, step.if.rule);
      await done(holds ? 'then' : 'else');
      return moveTo(enterBranch(steps, path, holds ? 'then' : 'else'));
    }
    case 'exit-when': {
      const holds = await ruleHolds(tx, enrolment, step.if.rule);
      await done(holds ? 'exited' : 'stayed');
      if (!holds) return moveTo(after());
      await moveEnrolment(tx, enrolmentId, { status: 'exited', nextStep: null });
      return { kind: 'ended' };
    }
    case 'task': {
      if (await done('opened')) await openTask(tx, enrolment, step);
      return moveTo(after());
    }
    case 'set-trait':
      await done('set', { trait: step.trait, value: step.value });
      return moveTo(after());
    case 'webhook': {
      const result = await runWebhookStep(tx, enrolment, step, path);
      if (result.kind === 'paused') return { kind: 'paused' };
      await done(result.outcome, result.detail);
      return moveTo(after());
    }
    case 'email':
    case 'survey': {
      const result = await runEmailStep(tx, { enrolment, step, path, definition, links: linkSigningOf(services) });
      if (result.kind === 'paused') {
        if (result.until) await scheduleEnrolment(tx, enrolmentId, result.until);
        return { kind: 'paused' };
      }
      await done(result.outcome, result.detail);
      return moveTo(after());
    }
    case 'in-app':
      if (await done('stored')) await storeInAppMessage(tx, enrolment, path, step);
      return moveTo(after());
    case 'add-to-segment':
    case 'remove-from-segment':
      await done(await changeSegmentOfRun(tx, enrolment, step));
      return moveTo(after());
    default:
      return assertNever(step, definition);
  }
}

/** When a wait ends: the run reached the step when it last moved; `until` goes on to the customer's time of day. */
async function waitEnd(tx: WorkspaceScope, enrolment: PlaybookEnrolment, step: Extract<PlaybookStep, { type: 'wait' }>): Promise<Date> {
  const afterDuration = new Date(enrolment.updatedAt.getTime() + waitMilliseconds(step));
  if (step.until === undefined) return afterDuration;
  const person = await loadPersonRecord(tx, enrolment.personId);
  const workspace = await workspaceTimezone(tx);
  const zone = person ? zonesOf({ target: 'person', record: person }, workspace).customer : workspace;
  return nextLocalTime(afterDuration, step.until, zone);
}

async function ruleHolds(tx: WorkspaceScope, enrolment: PlaybookEnrolment, rule: Parameters<typeof evaluateRule>[0]): Promise<boolean> {
  const person = await loadPersonRecord(tx, enrolment.personId);
  if (!person) throw new Error(`the person ${enrolment.personId} of enrolment ${enrolment.id} no longer exists`);
  return evaluateRule(rule, person, tx.clock(), await workspaceTimezone(tx));
}

async function openTask(tx: WorkspaceScope, enrolment: PlaybookEnrolment, step: Extract<PlaybookStep, { type: 'task' }>): Promise<void> {
  const dueAt = step.dueInDays === undefined ? null : new Date(tx.clock().getTime() + step.dueInDays * 86_400_000);
  await insertCsmTask(tx, {
    playbookKey: enrolment.playbookKey,
    enrolmentId: enrolment.id,
    personId: enrolment.personId,
    title: step.title,
    assignee: step.assignee ?? null,
    reason: step.reason ?? `playbook ${enrolment.playbookKey}`,
    dueAt,
  });
}

/**
 * Sets the trait through ingestion, as an identify from the person's userId, so segments see it
 * as they see any trait. The messageId is the step's idempotency key: a repeat stores nothing.
 */
async function writeTrait(scope: WorkspaceScope, enrolment: PlaybookEnrolment, step: Extract<PlaybookStep, { type: 'set-trait' }>) {
  const person = await loadPersonRecord(scope, enrolment.personId);
  const userId = person?.columns['user_id'];
  if (typeof userId !== 'string')
    throw new Error(`set-trait needs the person's userId: person ${enrolment.personId} has none (identify them with a userId)`);
  const message = segmentMessageSchema.parse({
    type: 'identify',
    userId,
    messageId: `playbook:${enrolment.id}:${enrolment.nextStep}`,
    traits: { [step.trait]: step.value },
  });
  await ingestMessages(scope, { messages: [message], receivedAt: scope.clock() });
}

function assertNever(step: never, definition: PlaybookDefinition): never {
  throw new Error(`playbook "${definition.name}" has a step of unknown type ${JSON.stringify(step)}`);
}
