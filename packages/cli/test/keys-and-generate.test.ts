import { sql } from 'kysely';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorkspace, findApiKeyBySecret, findWorkspaceBySlug } from '@strata/storage';
import { strataBin } from '../../../test-support/strata-process.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

const run = promisify(execFile);
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await createWorkspace(database.db, { slug: 'default' });
});
afterAll(async () => {
  await database.drop();
});

const strata = (...args: string[]) => run(process.execPath, [strataBin(), ...args], { env: { ...process.env, ...database.env } });

it('creates, lists and revokes API keys; the secret is printed once and only its hash is stored', async () => {
  const { stdout } = await strata('keys', 'create', '--scopes', 'ingest,read', '--name', 'ci pipeline');
  const secret = stdout.trim();
  expect(secret.length).toBeGreaterThanOrEqual(24);
  const key = await findApiKeyBySecret(database.db, secret);
  expect(key).toMatchObject({ name: 'ci pipeline', scopes: ['ingest', 'read'] });
  const stored = await database.owner.selectFrom('api_keys').selectAll().execute();
  expect(JSON.stringify(stored)).not.toContain(secret);

  const list = await strata('keys', 'list');
  expect(list.stdout).toContain('ci pipeline');
  expect(list.stdout).not.toContain(secret);

  await strata('keys', 'revoke', key!.id);
  expect(await findApiKeyBySecret(database.db, secret)).toBeUndefined();
  // Both changes are in the audit log with the CLI as actor, and the secret is nowhere in it.
  const audit = await database.owner.selectFrom('audit_log').selectAll().where('subject', '=', key!.id).orderBy('audit_id').execute();
  expect(audit.map((e) => [e.kind, e.actor_kind, e.address])).toEqual([
    ['key.created', 'cli', null],
    ['key.revoked', 'cli', null],
  ]);
  expect(audit[0]!.after).toMatchObject({ name: 'ci pipeline', scopes: ['ingest', 'read'] });
  expect(JSON.stringify(audit)).not.toContain(secret);
  await expect(strata('keys', 'create', '--scopes', 'superuser')).rejects.toMatchObject({
    stderr: expect.stringMatching(/unknown scope\(s\) superuser/),
  });
});

it('generates a sample company into a new workspace and refuses to generate over data', async () => {
  const { stderr } = await strata('generate', '--size', 'xs', '--seed', '3', '--workspace', 'sample');
  expect(stderr).toMatch(/generated 100 accounts, \d+ people, \d+ events, \d+ tickets, \d+ survey answers into "sample"/);
  const workspace = await findWorkspaceBySlug(database.db, 'sample');
  const counts = await database.owner
    .selectFrom('events')
    .select((eb) => [eb.fn.countAll().as('events'), eb.fn.count('person_id').distinct().as('people')])
    .where('workspace_id', '=', workspace!.id)
    .executeTakeFirstOrThrow();
  expect(Number(counts.events)).toBeGreaterThan(30_000);
  expect(Number(counts.people)).toBeGreaterThan(800);
  // Support data is there and readable as the API shows it: derived times, sentiment, answers.
  const support = await database.owner
    .selectFrom('tickets')
    .select((eb) => [
      eb.fn.countAll().as('tickets'),
      eb.fn.count('sentiment').as('with_sentiment'),
      eb.fn.count('first_response_minutes').as('answered'),
    ])
    .where('workspace_id', '=', workspace!.id)
    .executeTakeFirstOrThrow();
  expect(Number(support.tickets)).toBeGreaterThan(100);
  expect(Number(support.with_sentiment)).toBeGreaterThan(Number(support.tickets) * 0.9);
  expect(Number(support.answered)).toBeGreaterThan(Number(support.tickets) * 0.5);
  const messages = await database.owner
    .selectFrom('ticket_messages')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('workspace_id', '=', workspace!.id)
    .executeTakeFirstOrThrow();
  expect(Number(messages.n)).toBeGreaterThan(Number(support.tickets));
  const paying = await database.owner
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('workspace_id', '=', workspace!.id)
    .where(sql<boolean>`traits ->> 'subscription_status' = 'active' AND traits ? 'first_invoice_at'`)
    .executeTakeFirstOrThrow();
  expect(Number(paying.n)).toBeGreaterThan(10);
  await expect(strata('generate', '--size', 'xs', '--workspace', 'sample')).rejects.toMatchObject({
    stderr: expect.stringMatching(/already has data/),
  });
});
