import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseSegmentMessages } from '@strata/core';
import { ingestMessages } from '@strata/engine';
import { createWorkspace, listSegmentVersions, type Workspace, workspaceScope } from '@strata/storage';
import { strataBin } from '../../../test-support/strata-process.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

const run = promisify(execFile);
let database: TestDatabase;
let workspace: Workspace;

beforeAll(async () => {
  database = await createTestDatabase();
  workspace = await createWorkspace(database.db, { slug: 'default' });
  const parsed = parseSegmentMessages(
    ['ada', 'bob', 'cy'].map((userId, i) => ({ type: 'identify', userId, traits: { plan: i === 0 ? 'pro' : 'free' } })),
  );
  if (!parsed.ok) throw new Error('messages');
  await ingestMessages(
    workspaceScope(database.db, workspace.id, () => new Date()),
    { messages: parsed.messages, receivedAt: new Date() },
  );
});
afterAll(async () => {
  await database.drop();
});

const strata = (...args: string[]) =>
  run(process.execPath, [strataBin(), 'segments', ...args], { env: { ...process.env, ...database.env } });

it('creates a segment, shows the difference an edit would make, applies it as a new version, and lists it', async () => {
  const created = await strata('create', 'pros', '--target', 'person', '--rule', 'plan = "pro"');
  expect(created.stderr).toContain('created pros with 1 members');

  const dry = await strata('update', 'pros', '--rule', 'plan is set', '--dry-run');
  expect(dry.stdout).toMatch(/^2 would enter \((bob, cy|cy, bob)\), 0 would leave \(-\), 1 stay$/m);
  expect(
    (
      await listSegmentVersions(
        workspaceScope(database.db, workspace.id, () => new Date()),
        'pros',
      )
    ).map((v) => v.version),
  ).toEqual([1]);

  await strata('update', 'pros', '--rule', 'plan is set');
  const versions = await listSegmentVersions(
    workspaceScope(database.db, workspace.id, () => new Date()),
    'pros',
  );
  expect(versions.map((v) => [v.version, v.state])).toEqual([
    [2, 'active'],
    [1, 'retired'],
  ]);
  const listed = await strata('list');
  expect(listed.stdout).toMatch(/'pros'\s*│\s*'person'\s*│\s*2\s*│\s*3\s*│/);

  await strata('delete', 'pros');
  const audit = await database.owner.selectFrom('audit_log').selectAll().where('subject', '=', 'pros').orderBy('audit_id').execute();
  expect(audit.map((e) => [e.kind, e.actor_kind, e.actor_label])).toEqual([
    ['segment.created', 'cli', 'strata segments'],
    ['segment.version-created', 'cli', 'strata segments'],
    ['segment.deleted', 'cli', 'strata segments'],
  ]);
  expect(audit[1]!.after).toEqual({ rule: 'plan is set', version: 2 });
});

it('names the mistake in a rule and exits non-zero', async () => {
  await expect(strata('create', 'typo', '--target', 'person', '--rule', 'plann = "pro"')).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('unknown-field') as unknown,
  });
});

it('exports a segment as CSV to a file with a progress bar on standard error, and names an unknown field', async () => {
  await strata('create', 'planned', '--target', 'person', '--rule', 'plan is set');
  const out = join(mkdtempSync(join(tmpdir(), 'strata-export-')), 'planned.csv');
  const exported = await strata('export', 'planned', '--fields', 'id,plan', '--out', out);
  expect(exported.stderr).toContain(`exported 3 members of planned to ${out}`);
  const [header, ...rows] = readFileSync(out, 'utf8').split('\r\n');
  expect(header).toBe('id,plan');
  expect(rows.sort()).toEqual(['', 'ada,pro', 'bob,free', 'cy,free']);
  const toStdout = await strata('export', 'planned', '--fields', 'plan');
  expect(toStdout.stdout.split('\r\n').filter((line) => line === 'free')).toHaveLength(2);
  await expect(strata('export', 'planned', '--fields', 'id,shoe_size')).rejects.toThrow(/--fields: unknown "shoe_size"/);
  // Each export is audited, as the API's is; the refused one is not.
  const audit = await database.owner
    .selectFrom('audit_log')
    .selectAll()
    .where('subject', '=', 'planned')
    .where('kind', '=', 'segment.exported')
    .orderBy('audit_id')
    .execute();
  expect(audit.map((e) => [e.actor_kind, e.actor_label, e.after])).toEqual([
    ['cli', 'strata segments export', { fields: ['id', 'plan'], rows: 3 }],
    ['cli', 'strata segments export', { fields: ['plan'], rows: 3 }],
  ]);
  await strata('delete', 'planned');
}, 60_000);
