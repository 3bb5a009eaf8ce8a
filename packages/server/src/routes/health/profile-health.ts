import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  recomputeHealth,
  utcDay,
  workspaceHealthModel,
  workspaceHealthModels,
  type ProfileHealth,
  type WorkspaceHealthModel,
} from '@strata/engine';
import {
  findProfileHealth,
  findProfileId,
  inWorkspaceTransaction,
  listHealthDays,
  lockProfiles,
  recordAudit,
  saveManualHealthValue,
  type WorkspaceScope,
} from '@strata/storage';
import { defaultHealthModelKey, peopleHealthModelKey, type MeasureResult, type Target } from '@strata/core';
import { AppError } from '../../http/app-error.js';
import type { Caller } from '../../http/management-auth.js';
import { auditActor, auditBy } from '../audit/index.js';

/*
 * What the health endpoints of accounts (`/accounts/{groupId}/health...`) and of people
 * (`/people/{userId}/health...`) share: each route file parses its own path and answers with its
 * own id field; the reading, scoring and hand-set values are these, by target.
 */

export const modelQuery = z.object({ model: z.string().min(1).max(64).default('default') });
/** A person model named, or (absent) the one people's rule fields read. */
export const personModelQuery = z.object({ model: z.string().min(1).max(64).optional() });
export const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
  // A real calendar day of years 1000-9999, the dates the rule language knows.
  .refine((d) => {
    const at = Date.parse(`${d}T00:00:00Z`);
    return d >= '1000' && !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === d;
  }, 'a day that exists, as YYYY-MM-DD');

const nouns: Record<Target, { one: string; many: string; id: string }> = {
  account: { one: 'account', many: 'accounts', id: 'groupId' },
  person: { one: 'person', many: 'people', id: 'userId' },
};

/**
 * The profile an external id names and the model asked for, which must score that kind of profile;
 * none asked for: the one the rule fields read (`default` for accounts, the first person model by key for people).
 */
export async function resolveHealthProfile(
  scope: WorkspaceScope,
  target: Target,
  externalId: string,
  asked: string | undefined,
): Promise<{ profileId: string; model: WorkspaceHealthModel }> {
  const noun = nouns[target];
  const profileId = await findProfileId(scope, target, externalId);
  if (!profileId) throw new AppError('NOT_FOUND', `no ${noun.one} with ${noun.id} "${externalId}"`);
  const modelKey = asked ?? (target === 'account' ? defaultHealthModelKey : peopleHealthModelKey(await workspaceHealthModels(scope)));
  if (modelKey === undefined)
    throw new AppError(
      'NOT_FOUND',
      'the workspace has no person health model: create one with PUT /health-models/{key} and "target": "person"',
    );
  const model = await workspaceHealthModel(scope, modelKey);
  if (!model) throw new AppError('NOT_FOUND', `no health model "${modelKey}": list them with GET /health-models`);
  if (model.target !== target)
    throw new AppError(
      'INVALID_INPUT',
      `health model "${modelKey}" scores ${nouns[model.target].many}, not ${noun.many}: choose a model whose target is "${target}"`,
    );
  return { profileId, model };
}

/** Rescores one profile now, in a transaction holding its lock (the live engine's lock). */
async function rescore(scope: WorkspaceScope, model: WorkspaceHealthModel, profileId: string): Promise<ProfileHealth> {
  return inWorkspaceTransaction(scope, async (tx) => {
    await lockProfiles(tx, [profileId]);
    return (await recomputeHealth(tx, model, [profileId])).results[0]!;
  });
}

/** A profile's health as served, without its id field (the route adds `groupId` or `userId`). */
const view = (h: ProfileHealth) => ({
  model: h.model,
  modelVersion: h.modelVersion,
  score: h.score,
  band: h.band,
  trend: h.trend,
  measures: h.measures.map((m) => ({ ...m, value: m.value ?? null, score: m.score ?? null })),
  computedAt: h.computedAt,
});

/** A profile's stored health; scored on first read when the engine has not scored it under this version yet. */
export async function readProfileHealth(scope: WorkspaceScope, model: WorkspaceHealthModel, profileId: string) {
  const [stored] = await findProfileHealth(scope, model.target, model.key, [profileId]);
  if (!stored || stored.modelVersion !== model.version) return view(await rescore(scope, model, profileId));
  return view({
    profileId,
    model: stored.modelKey,
    modelVersion: stored.modelVersion,
    score: stored.score,
    band: stored.band,
    trend: stored.trend,
    measures: stored.measures as MeasureResult[],
    computedAt: stored.computedAt,
  });
}

/** A profile's daily scores between two days (default: the 90 days up to today). */
export async function readProfileHistory(
  scope: WorkspaceScope,
  model: WorkspaceHealthModel,
  profileId: string,
  range: { from?: string | undefined; to?: string | undefined },
) {
  const to = range.to ?? utcDay(scope.clock());
  const from = range.from ?? utcDay(new Date(Date.parse(`${to}T00:00:00Z`) - 89 * 86_400_000));
  if (from > to) throw new AppError('INVALID_INPUT', `from (${from}) is after to (${to}): swap them`);
  const days = await listHealthDays(scope, model.target, model.key, profileId, from, to);
  return { model: model.key, days: days.map((d) => ({ day: d.day, score: d.score, band: d.band })) };
}

/** Sets a manual measure's value for a profile (who and when kept, audited), then rescores it. */
export async function setManualMeasure(
  request: FastifyRequest,
  caller: Caller,
  found: { profileId: string; model: WorkspaceHealthModel },
  measureKey: string,
  value: number,
  externalId: string,
) {
  const { profileId, model } = found;
  const measure = model.measures.find((m) => m.key === measureKey);
  if (!measure?.manual)
    throw new AppError(
      'INVALID_INPUT',
      `model "${model.key}" has no manual measure "${measureKey}": manual measures are ${
        model.measures
          .filter((m) => m.manual)
          .map((m) => m.key)
          .join(', ') || 'none'
      }`,
    );
  const actor = auditActor(caller.actor);
  await inWorkspaceTransaction(caller.scope, async (tx) => {
    await saveManualHealthValue(tx, model.target, {
      modelKey: model.key,
      profileId,
      measureKey: measure.key,
      value,
      setBy: actor.label ?? actor.id ?? actor.kind,
      setAt: tx.clock(),
    });
    await recordAudit(tx, {
      ...auditBy(request, caller),
      kind: 'health-measure.set',
      subject: `${model.key}/${measure.key}/${externalId}`,
      before: null,
      after: { value },
    });
  });
  return view(await rescore(caller.scope, model, profileId));
}
