import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, readIngestionStats, type Workspace, workspaceScope } from '@strata/storage';
import { strataBin } from '../../../test-support/strata-process.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

const run = promisify(execFile);
const ravenstack = fileURLToPath(new URL('../../../../shared/data/ravenstack-saas/', import.meta.url));
const file = (name: string) => join(ravenstack, `ravenstack_${name}.csv`);

let database: TestDatabase;
let workspace: Workspace;
let scratch: string;

beforeAll(async () => {
  database = await createTestDatabase();
  workspace = await createWorkspace(database.db, { slug: 'default' });
  scratch = await mkdtemp(join(tmpdir(), 'strata-import-'));
});
afterAll(async () => {
  await database.drop();
  await rm(scratch, { recursive: true, force: true });
});

async function strata(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [strataBin(), ...args], {
      env: { ...process.env, ...database.env },
      maxBuffer: 1 << 24,
    });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

/** Rows with distinct ids (the first column): RavenStack's feature usage repeats 21 usage ids. */
const distinctIds = async (csv: string) =>
  new Set(
    (await readFile(csv, 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[0]),
  ).size;
const eventsNamed = async (name: string) =>
  Number(
    (
      await database.owner
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('workspace_id', '=', workspace.id)
        .where('name', '=', name)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('strata import on the five linked RavenStack tables', () => {
  it('imports accounts with typed traits, idempotently', async () => {
    const first = await strata('import', 'accounts', file('accounts'), '--group-id', 'account_id', '--timestamp', 'signup_date');
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/500 rows: 500 stored, 0 already imported, 0 bad/);
    const again = await strata('import', 'accounts', file('accounts'), '--group-id', 'account_id', '--timestamp', 'signup_date');
    expect(again.stderr).toMatch(/500 rows: 0 stored, 500 already imported, 0 bad/);
    const account = await database.owner
      .selectFrom('accounts')
      .select('traits')
      .where('workspace_id', '=', workspace.id)
      .where('group_id', '=', 'A-2e4581')
      .executeTakeFirstOrThrow();
    expect(account.traits).toEqual({
      account_name: 'Company_0',
      industry: 'EdTech',
      country: 'US',
      referral_source: 'partner',
      plan_tier: 'Basic',
      seats: 9,
      is_trial: false,
      churn_flag: false,
    });
  });

  it('imports subscriptions, tickets and churn as account events, and feature usage joined through subscriptions', async () => {
    const imports: Array<[string, string[]]> = [
      [
        'subscription_started',
        [
          'import',
          'events',
          file('subscriptions'),
          '--group-id',
          'account_id',
          '--event',
          'subscription_started',
          '--timestamp',
          'start_date',
          '--id-column',
          'subscription_id',
        ],
      ],
      [
        'ticket_submitted',
        [
          'import',
          'events',
          file('support_tickets'),
          '--group-id',
          'account_id',
          '--event',
          'ticket_submitted',
          '--timestamp',
          'submitted_at',
          '--id-column',
          'ticket_id',
        ],
      ],
      [
        'account_churned',
        [
          'import',
          'events',
          file('churn_events'),
          '--group-id',
          'account_id',
          '--event',
          'account_churned',
          '--timestamp',
          'churn_date',
          '--id-column',
          'churn_event_id',
        ],
      ],
      [
        'feature_used',
        [
          'import',
          'events',
          file('feature_usage'),
          '--join',
          `${file('subscriptions')}:subscription_id`,
          '--group-id',
          'account_id',
          '--event',
          'feature_used',
          '--timestamp',
          'usage_date',
          '--id-column',
          'usage_id',
          '--field',
          'feature=feature_name',
          '--field',
          'count=usage_count',
          '--field',
          'errors=error_count',
        ],
      ],
    ];
    for (const [name, args] of imports) {
      const result = await strata(...args);
      expect(result.code, result.stderr).toBe(0);
      expect(await eventsNamed(name)).toBe(await distinctIds(args[2]!));
    }
    expect(await eventsNamed('feature_used')).toBe(24_979);
    const usage = await database.owner
      .selectFrom('events')
      .select(['properties', 'timestamp'])
      .where('workspace_id', '=', workspace.id)
      .where('message_id', 'like', 'import-%')
      .where('name', '=', 'feature_used')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(Object.keys(usage.properties).sort()).toEqual(['count', 'errors', 'feature']);
    const stats = await readIngestionStats(workspaceScope(database.db, workspace.id, () => new Date()));
    expect(stats.received).toBe(stats.stored + stats.rejected + stats.deduplicated);
    // 32,600 rows through ingestion on a shared two-core machine: a time limit, not a speed claim.
  }, 180_000);
});

describe('strata import of people and memberships', () => {
  it('reports bad rows by line number and imports the good ones', async () => {
    const people = join(scratch, 'people.csv');
    await writeFile(
      people,
      [
        'user_id,email,plan,signed_up_at',
        'p-1,one@acme.com,pro,2026-01-05',
        ',nobody@acme.com,pro,2026-01-05',
        'p-3,three@acme.com,free,2026-01-07',
        '',
      ].join('\n'),
    );
    const report = join(scratch, 'bad.json');
    const result = await strata('import', 'people', people, '--user-id', 'user_id', '--report', report);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/3 rows: 2 stored, 0 already imported, 1 bad/);
    expect(result.stderr).toMatch(/line 3: column "user_id" is empty/);
    expect(JSON.parse(await readFile(report, 'utf8'))).toEqual([{ line: 3, problems: ['column "user_id" is empty'] }]);

    const memberships = join(scratch, 'memberships.csv');
    await writeFile(memberships, ['user_id,account_id,role', 'p-1,A-2e4581,admin', 'p-3,A-2e4581,agent', ''].join('\n'));
    expect((await strata('import', 'memberships', memberships, '--user-id', 'user_id', '--group-id', 'account_id')).code).toBe(0);
    const links = await database.owner
      .selectFrom('person_accounts as pa')
      .innerJoin('people as p', (j) => j.onRef('p.person_id', '=', 'pa.person_id').onRef('p.workspace_id', '=', 'pa.workspace_id'))
      .select(['p.user_id', 'pa.traits'])
      .where('pa.workspace_id', '=', workspace.id)
      .orderBy('p.user_id')
      .execute();
    expect(links).toEqual([
      { user_id: 'p-1', traits: { role: 'admin' } },
      { user_id: 'p-3', traits: { role: 'agent' } },
    ]);
  });

  it('names a missing mapping and a missing column clearly', async () => {
    const result = await strata('import', 'events', file('churn_events'), '--group-id', 'acct');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/column "acct" \(--group-id\) is not in the file/);
    expect(result.stderr).toMatch(/--event or --event-column is required/);
  });
});
