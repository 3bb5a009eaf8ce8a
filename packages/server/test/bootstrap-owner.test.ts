import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';
import { bootstrapOwner } from '../src/routes/users/index.js';

/** First start: the owner of the default workspace, from the variables or through the one-time setup token. */
let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
const now = () => new Date('2026-12-01T09:00:00Z');
const baseUrl = 'http://127.0.0.1:3000';

beforeEach(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database, 'default');
  app = await createTestApp(database, { now });
});
afterEach(async () => {
  await app.close();
  await database.drop();
});

const start = async (vars: { email?: string; password?: string }) => {
  const printed: string[] = [];
  const outcome = await bootstrapOwner(
    database.db,
    { workspaceId: ws.workspace.id, email: vars.email, password: vars.password, baseUrl, now },
    (text) => printed.push(text),
  );
  return { outcome, printed: printed.join('\n') };
};
const login = (email: string, password: string) => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

describe('the bootstrap owner', () => {
  it('is created from STRATA_BOOTSTRAP_ADMIN_EMAIL and _PASSWORD, once: a later start with other values changes nothing', async () => {
    expect((await start({ email: 'first@example.com', password: 'first owner password' })).outcome).toBe('created');
    const signedIn = await login('first@example.com', 'first owner password');
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toMatchObject({ workspace: { slug: 'default' }, role: 'owner' });

    expect(await start({ email: 'first@example.com', password: 'a changed password!' })).toEqual({ outcome: 'nothing', printed: '' });
    expect(await start({ email: 'second@example.com', password: 'second owner password' })).toEqual({ outcome: 'nothing', printed: '' });
    expect((await login('first@example.com', 'first owner password')).statusCode).toBe(200);
    expect((await login('first@example.com', 'a changed password!')).statusCode).toBe(401);
    expect((await login('second@example.com', 'second owner password')).statusCode).toBe(401);
  });

  it('without the variables, prints a setup token once, which creates the owner once', async () => {
    const first = await start({});
    expect(first.outcome).toBe('setup-link');
    expect(first.printed).toContain(`${baseUrl}/api/v1/auth/setup`);
    const token = /"token":"([A-Za-z0-9_-]+)"/.exec(first.printed)![1]!;
    // A second process starting (or a restart) does not print another.
    expect(await start({})).toEqual({ outcome: 'nothing', printed: '' });

    const setup = (body: object) => app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: body });
    expect((await setup({ token: 'not-the-token', email: 'boss@example.com', password: 'the owner password' })).statusCode).toBe(404);
    const done = await setup({ token, email: 'boss@example.com', password: 'the owner password' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ user: { email: 'boss@example.com' }, workspace: { slug: 'default' }, role: 'owner' });
    expect(done.cookies.find((c) => c.name === 'strata_session')).toBeDefined();

    const again = await setup({ token, email: 'thief@example.com', password: 'the thief password' });
    expect(again.statusCode).toBe(409);
    expect((await login('thief@example.com', 'the thief password')).statusCode).toBe(401);
    expect(await start({ email: 'late@example.com', password: 'late owner password' })).toEqual({ outcome: 'nothing', printed: '' });
  });
});
