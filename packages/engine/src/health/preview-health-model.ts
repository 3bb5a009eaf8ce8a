import { validateHealthModel, type HealthModelIssue } from '@strata/core';
import { findAccountHealth, listManualHealthValues, loadAccountRecords, loadFieldSchema, type WorkspaceScope } from '@strata/storage';
import { scoreAccount, workspaceTimezone } from './compute-health.js';
import { modelReadingRule } from './health-models.js';

/** Accounts scored by a preview: enough for a distribution, few enough to answer while someone types. */
export const previewSampleSize = 500;

export interface HealthModelPreview {
  /** Accounts scored: the first `previewSampleSize` by id, the same ones on every preview. */
  sampled: number;
  /** Accounts of the workspace. */
  accounts: number;
  /** Scores in bins of ten points (90-100 the last), under the edited model and under the one saved now. */
  bins: Array<{ from: number; to: number; count: number; savedCount: number }>;
  /** Accounts per band under the edited model. */
  bands: Array<{ key: string; name: string; count: number }>;
  /** Accounts whose band the edit would change, of those sampled that have a saved score. */
  bandChanges: number;
  /** A few accounts with their saved and previewed scores, the largest moves first. */
  samples: Array<{ groupId: string; saved: number | null; preview: number; band: string | null }>;
}

/**
 * Scores a sample of accounts under an edited model without saving it: what the health page shows
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
  const sample = await scope.db
    .selectFrom('accounts')
    .select(['account_id', 'group_id'])
    .where('workspace_id', '=', scope.workspaceId)
    .orderBy('account_id')
    .limit(previewSampleSize)
    .execute();
  const total = await scope.db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirstOrThrow();
  const ids = sample.map((a) => a.account_id);
  const at = scope.clock();
  const timezone = await workspaceTimezone(scope);
  const records = await loadAccountRecords(scope, ids, { rule: modelReadingRule(model), now: at });
  const manual = new Map<string, Map<string, number>>();
  for (const v of await listManualHealthValues(scope, key, ids)) {
    const values = manual.get(v.accountId) ?? new Map<string, number>();
    manual.set(v.accountId, values.set(v.measureKey, v.value));
  }
  // The saved model's scores of the same accounts, to compare with (none when the model is new).
  const saved = new Map((await findAccountHealth(scope, key, ids)).map((h) => [h.accountId, h]));

  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 9, count: 0, savedCount: 0 }));
  const binOf = (score: number) => bins[Math.min(9, Math.max(0, Math.floor(score / 10)))]!;
  const bandCounts = new Map<string | null, number>();
  const scored: HealthModelPreview['samples'] = [];
  let bandChanges = 0;
  for (const account of sample) {
    const record = records.get(account.account_id);
    if (!record) continue;
    const result = scoreAccount(model, record, at, timezone, manual.get(account.account_id) ?? new Map());
    binOf(result.score).count++;
    bandCounts.set(result.band, (bandCounts.get(result.band) ?? 0) + 1);
    const before = saved.get(account.account_id);
    if (before) {
      binOf(before.score).savedCount++;
      if (before.band !== result.band) bandChanges++;
    }
    scored.push({ groupId: account.group_id, saved: before?.score ?? null, preview: result.score, band: result.band });
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
