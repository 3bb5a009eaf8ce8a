import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSampleData, recordAsOf, scoreAccount, workspaceHealthModel } from '@strata/engine';
import { createWorkspace, loadAccountRecord, workspaceScope } from '@strata/storage';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const day = 86_400_000;

/** The probability that a random positive scores below a random negative (ties count half): ROC AUC of "low score means churn". */
function aucOfLowScores(positives: number[], negatives: number[]): number {
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p < n ? 1 : p === n ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface Snapshots {
  churners: number[];
  stayers: number[];
}

/** Default-model scores of a generated company's accounts as of past days, split by whether the account churned in the 90 days after. */
async function scoreSnapshots(seed: number): Promise<Snapshots> {
  const anchor = new Date('2026-12-07T00:00:00Z');
  const workspace = await createWorkspace(database.db, { slug: `health-sample-${seed}`, timezone: 'UTC' });
  const scope = workspaceScope(database.db, workspace.id, () => anchor);
  await loadSampleData(scope, database.pool, { size: 'xs', seed });
  const model = (await workspaceHealthModel(scope, 'default'))!;
  const accounts = await scope.db.selectFrom('accounts').select('account_id').where('workspace_id', '=', workspace.id).execute();
  const snapshots: Snapshots = { churners: [], stayers: [] };
  for (const { account_id } of accounts) {
    const record = (await loadAccountRecord(scope, account_id))!;
    const signedUp = Date.parse(String(record.traits['signed_up_at']));
    const churnedAt = typeof record.traits['churned_at'] === 'string' ? Date.parse(record.traits['churned_at']) : undefined;
    for (let back = 90; back <= 360; back += 15) {
      const at = anchor.getTime() - back * day;
      // Accounts at least 30 days old and not churned yet at that day.
      if (!(signedUp <= at - 30 * day) || (churnedAt !== undefined && churnedAt <= at)) continue;
      const { score } = scoreAccount(model, recordAsOf(record, at), new Date(at), 'UTC', new Map());
      (churnedAt !== undefined && churnedAt <= at + 90 * day ? snapshots.churners : snapshots.stayers).push(score);
    }
  }
  return snapshots;
}

const describeSnapshots = (label: string, s: Snapshots) =>
  `${label}: ${s.churners.length} snapshots before a churn (mean score ${mean(s.churners).toFixed(1)}), ` +
  `${s.stayers.length} that stayed (mean ${mean(s.stayers).toFixed(1)}), AUC of low score for churn ${aucOfLowScores(s.churners, s.stayers).toFixed(3)}`;

// Seed 7 was looked at when the default weights were chosen; 11 and 13 were not. xs has 100
// accounts of which few churn, so each seed alone is noisy: the assertion is on all three.
it('on generated data the default model scores accounts that churn in the next 90 days lower than those that stay', async () => {
  const all: Snapshots = { churners: [], stayers: [] };
  for (const seed of [7, 11, 13]) {
    const snapshots = await scoreSnapshots(seed);
    console.log(describeSnapshots(`default health model, xs seed ${seed}`, snapshots));
    all.churners.push(...snapshots.churners);
    all.stayers.push(...snapshots.stayers);
  }
  console.log(describeSnapshots('default health model, xs seeds 7, 11, 13', all));
  expect(all.churners.length).toBeGreaterThan(20);
  expect(mean(all.churners)).toBeLessThan(mean(all.stayers));
  expect(aucOfLowScores(all.churners, all.stayers)).toBeGreaterThan(0.55);
  // Three generated companies loaded and scored 19 times each: a limit for a busy machine, not a speed claim.
}, 240_000);
