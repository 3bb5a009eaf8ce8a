import { validateHealthModel, type HealthModelIssue } from '@strata/core';
import { findProfileHealth, loadFieldSchema, type WorkspaceScope } from '@strata/storage';
import { loadHealthRecords, manualValuesByProfile, scoreProfile, workspaceTimezone } from './compute-health.js';
import { modelReadingRule } from './health-models.js';

/** Profiles scored by a preview: enough for a distribution, few enough to answer while someone types. */
export const previewSampleSize = 500;

export interface HealthModelPreview {
  /** Accounts (or people, for a person model) scored: the first `previewSampleSize` by id, the same ones on every preview. */
  sampled: number;
  /** Accounts (or people) of the workspace. */
  accounts: number;
  /** Scores in bins of ten points (90-100 the last), under the edited model and under the one saved now. */
  bins: Array<{ from: number; to: number; count: number; savedCount: number }>;
  /** Accounts per band under the edited model. */
  bands: Array<{ key: string; name: string; count: number }>;
  /** Accounts whose band the edit would change, of those sampled that have a saved score. */
  bandChanges: number;
  /** A few profiles with their saved and previewed scores, the largest moves first (`groupId` of an account, `userId` of a person). */
  samples: Array<{ groupId: string; saved: number | null; preview: number; band: string | null }>;
}

/**
 * Scores a sample of accounts (people, for a person model) under an edited model without saving it: what the health page shows
 * while a model is being edited. Mistakes come back as issues naming their field, as saving would.
 */
export async function previewHealthModel(
  scope: WorkspaceScope,
  key: string,
  input: unknown,
): Promise<{ ok: true; preview: HealthModelPreview } | { ok: false; issues: HealthModelIssue[] }> {
  const checked = validateHealthModel(key, input, await loadFieldSchema(scope));
  if (!checked.ok) return checked;
  const model = { ...checked.model, version: 0, predefined: false };
  const { target } = model;
  const table = target === 'account' ? ('accounts' as const) : ('people' as const);
  const rows =
    target === 'account'
      ? await scope.db
          .selectFrom('accounts')
          .select(['account_id as id', 'group_id as externalId'])
          .where('workspace_id', '=', scope.workspaceId)
          .orderBy('account_id')
          .limit(previewSampleSize)
          .execute()
      : await scope.db
          .selectFrom('people')
          .select(['person_id as id', 'user_id as externalId'])
          .where('workspace_id', '=', scope.workspaceId)
          .orderBy('person_id')
          .limit(previewSampleSize)
          .execute();
  const sample = rows.map((r) => ({ id: r.id, externalId: r.externalId ?? r.id }));
  const total = await scope.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirstOrThrow();
  const ids = sample.map((p) => p.id);
  const at = scope.clock();
  const timezone = await workspaceTimezone(scope);
  const records = await loadHealthRecords(scope, target, ids, { rule: modelReadingRule(model), now: at });
  const manual = await manualValuesByProfile(scope, target, key, ids);
  // The saved model's scores of the same profiles, to compare with (none when the model is new).
  const saved = new Map((await findProfileHealth(scope, target, key, ids)).map((h) => [h.profileId, h]));

  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 9, count: 0, savedCount: 0 }));
  const binOf = (score: number) => bins[Math.min(9, Math.max(0, Math.floor(score / 10)))]!;
  const bandCounts = new Map<string | null, number>();
  const scored: HealthModelPreview['samples'] = [];
  let bandChanges = 0;
  for (const profile of sample) {
    const record = records.get(profile.id);
    if (!record) continue;
    const result = scoreProfile(model, record, at, timezone, manual.get(profile.id) ?? new Map());
    binOf(result.score).count++;
    bandCounts.set(result.band, (bandCounts.get(result.band) ?? 0) + 1);
    const before = saved.get(profile.id);
    if (before) {
      binOf(before.score).savedCount++;
      if (before.band !== result.band) bandChanges++;
    }
    scored.push({ groupId: profile.externalId, saved: before?.score ?? null, preview: result.score, band: result.band });
  }
  const move = (s: (typeof scored)[number]) => Math.abs(s.preview - (s.saved ?? s.preview));
  return {
    ok: true,
    preview: {
      sampled: scored.length,
      accounts: Number(total.n),
      bins,
      bands: model.bands.map((b) => ({ key: b.key, name: b.name, count: bandCounts.get(b.key) ?? 0 })),
      bandChanges,
      samples: [...scored].sort((a, b) => move(b) - move(a) || a.groupId.localeCompare(b.groupId)).slice(0, 10),
    },
  };
}
