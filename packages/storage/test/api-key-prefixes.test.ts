import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createWorkspace, findApiKeyBySecret, listApiKeys, revokeApiKey, workspaceScope } from '@strata/storage';
import { up as shortenKeyPrefixes } from '../src/migrations/0006-short-key-prefixes.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

let database: TestDatabase;
let workspaceId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  workspaceId = (await createWorkspace(database.db, { slug: 'keys' })).id;
});
afterAll(async () => {
  await database.drop();
});

describe('stored key prefixes', () => {
  it('keep the type marker and 4 characters of the secret, never half of a short key', async () => {
    const admin = await createApiKey(
      workspaceScope(database.db, workspaceId, () => new Date()),
      { name: 'a', scopes: ['admin'] },
    );
    const write = await createApiKey(
      workspaceScope(database.db, workspaceId, () => new Date()),
      { name: 'w', scopes: ['ingest'] },
    );
    const chosen = await createApiKey(
      workspaceScope(database.db, workspaceId, () => new Date()),
      { name: 'c', scopes: ['admin'], secret: 'my-own-bootstrap-key-0123' },
    );
    expect(admin.key.prefix).toBe(admin.secret.slice(0, 'sk_admin_'.length + 4));
    expect(write.key.prefix).toBe(write.secret.slice(0, 'wk_'.length + 4));
    expect(chosen.key.prefix).toBe('my-o');
  });

  it('migration 0006 shortens the prefixes stored before it', async () => {
    const keys = await Promise.all(
      (['admin', 'read', 'ingest'] as const).map((scope) =>
        createApiKey(
          workspaceScope(database.db, workspaceId, () => new Date()),
          { name: scope, scopes: [scope] },
        ),
      ),
    );
    const custom = await createApiKey(
      workspaceScope(database.db, workspaceId, () => new Date()),
      { name: 'custom', scopes: ['ingest'], secret: 'abcdefghijklmnopqrstuvwx' },
    );
    for (const { key, secret } of [...keys, custom])
      await database.db
        .updateTable('api_keys')
        .set({ prefix: secret.slice(0, 12) })
        .where('key_id', '=', key.id)
        .execute();
    await shortenKeyPrefixes(database.db as Kysely<unknown>);
    const stored = new Map((await listApiKeys(workspaceScope(database.db, workspaceId, () => new Date()))).map((k) => [k.id, k.prefix]));
    expect(keys.map(({ key }) => stored.get(key.id)?.length)).toEqual([12, 12, 7]); // admin keys kept only 3 characters after the marker
    expect(stored.get(custom.key.id)).toBe('abcd');
    for (const { key, secret } of keys) expect(secret.startsWith(stored.get(key.id)!)).toBe(true);
  });

  it('revokes by prefix only when one live key has it', async () => {
    const other = (await createWorkspace(database.db, { slug: 'keys-2' })).id;
    const a = await createApiKey(
      workspaceScope(database.db, other, () => new Date()),
      { name: 'a', scopes: ['ingest'], secret: 'same-prefix-aaaaaaaaaaaaaaa' },
    );
    const b = await createApiKey(
      workspaceScope(database.db, other, () => new Date()),
      { name: 'b', scopes: ['ingest'], secret: 'same-prefix-bbbbbbbbbbbbbbb' },
    );
    expect(
      await revokeApiKey(
        workspaceScope(database.db, other, () => new Date()),
        'same',
      ),
    ).toBe('ambiguous');
    expect(await findApiKeyBySecret(database.db, a.secret)).toBeDefined();
    expect(
      await revokeApiKey(
        workspaceScope(database.db, other, () => new Date()),
        a.key.id,
      ),
    ).toBe('revoked');
    expect(
      await revokeApiKey(
        workspaceScope(database.db, other, () => new Date()),
        'same',
      ),
    ).toBe('revoked');
    expect(await findApiKeyBySecret(database.db, b.secret)).toBeUndefined();
    expect(
      await revokeApiKey(
        workspaceScope(database.db, other, () => new Date()),
        'same',
      ),
    ).toBe('not-found');
  });
});
