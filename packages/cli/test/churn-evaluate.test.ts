import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { strataBin } from '../../../test-support/strata-process.js';

const run = promisify(execFile);
const ravenstack = fileURLToPath(new URL('../../../../shared/data/ravenstack-saas/', import.meta.url));

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'strata-churn-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function evaluate(...args: string[]) {
  const { stdout } = await run(process.execPath, [strataBin(), 'churn', 'evaluate', ...args, '--json'], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as {
    n: number;
    positives: number;
    auc: number;
    brier: number;
    lift_top_decile: number;
    leaks: Array<{ feature: string; auc: number; kept: boolean }>;
    warnings: Array<{ code: string }>;
    model: { features: string[] };
  };
}

// Deterministic pseudo-random numbers, so the files repeat run to run.
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Accounts whose churn follows their logins and plan; `cancel_reason` is written only on churn (a leak). */
async function writeAccounts(name: string, labelOf: (risk: number, next: () => number) => boolean): Promise<string> {
  const next = random(42);
  const lines = ['account,logins_30d,plan,seats,last_seen,cancel_reason,churned'];
  for (let i = 0; i < 600; i++) {
    const logins = Math.floor(next() * 40);
    const plan = ['basic', 'pro', 'enterprise'][Math.floor(next() * 3)]!;
    const seats = next() < 0.1 ? '' : String(1 + Math.floor(next() * 50));
    const risk = 1 / (1 + Math.exp((logins - 10) / 3 + (plan === 'enterprise' ? 1.5 : 0)));
    const churned = labelOf(risk, next);
    const reason = churned ? ['price', 'support', 'competitor'][Math.floor(next() * 3)]! : '';
    lines.push(
      `A-${i},${logins},${plan},${seats},2024-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)},${reason},${churned ? 'yes' : 'no'}`,
    );
  }
  const file = join(scratch, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

it('finds the signal in a labelled CSV, and reports the leak it leaves out', async () => {
  const file = await writeAccounts('signal.csv', (risk, next) => next() < risk);
  const result = await evaluate(file, '--label', 'churned', '--positive', 'yes', '--id', 'account');
  console.log(`churn evaluate, CSV with signal: AUC ${result.auc}, Brier ${result.brier}, lift ${result.lift_top_decile}`);
  expect(result.n).toBe(600);
  expect(result.leaks).toEqual([expect.objectContaining({ feature: 'cancel_reason', kept: false })]);
  expect(result.model.features).toEqual(['logins_30d', 'plan', 'seats', 'last_seen']);
  expect(result.auc).toBeGreaterThan(0.8);
  expect(result.lift_top_decile).toBeGreaterThan(2);
  expect(result.warnings).toEqual([]);
});

it('with random labels: AUC near 0.5 and the too-little-signal warning', async () => {
  const file = await writeAccounts('random.csv', (_risk, next) => next() < 0.3);
  // The coin is independent of the features; the leak column follows the label, so it is left out as before.
  const result = await evaluate(file, '--label', 'churned', '--positive', 'yes', '--id', 'account');
  console.log(`churn evaluate, random labels: AUC ${result.auc}`);
  expect(Math.abs(result.auc - 0.5)).toBeLessThan(0.08);
  expect(result.warnings.map((w) => w.code)).toContain('too-little-signal');
});

it('on RavenStack accounts (almost no signal) stays near chance', async () => {
  const result = await evaluate(join(ravenstack, 'ravenstack_accounts.csv'), '--label', 'churn_flag', '--id', 'account_id');
  console.log(`churn evaluate, RavenStack accounts: n ${result.n}, churned ${result.positives}, AUC ${result.auc}`);
  expect(result).toMatchObject({ n: 500, positives: 110, leaks: [] });
  expect(result.auc).toBeLessThan(0.6);
});

it('names the column and the fix for a label it cannot read', async () => {
  const file = await writeAccounts('unknown.csv', () => false);
  await expect(run(process.execPath, [strataBin(), 'churn', 'evaluate', file, '--label', 'plan'])).rejects.toMatchObject({
    stderr: expect.stringContaining(
      'column "plan" has the values basic, enterprise, pro: name the one meaning churned with --positive VALUE',
    ),
  });
});
