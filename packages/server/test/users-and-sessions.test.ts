import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { createTestApp } from '../../../test-support/test-server.js';
import { bootstrapOwner } from '../src/routes/users/index.js';

/**
 * Users, sessions and roles through real HTTP (app.inject) on a real PostgreSQL. The app's clock
 * is ours, so idle and absolute timeouts, invitation and reset expiries are driven, not waited for.
 */
let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let now = new Date('2026-12-01T09:00:00Z');
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};
const hour = 3_600_000;
const ownOrigin = 'http://localhost';
const password = 'correct horse battery staple';
let counter = 0;
const newEmail = (role: string) => `${role}-${++counter}@example.com`;

const withKey = (key: string) => ({ authorization: `Bearer ${key}` });

function sessionOf(response: { cookies: { name: string; value: string }[] }): string {
  const cookie = response.cookies.find((c) => c.name === 'strata_session');
  if (!cookie) throw new Error('no strata_session cookie was set');
  return cookie.value;
}

interface Call {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: object;
  headers?: Record<string, string>;
  /** The Origin header; null sends none. */
  origin?: string | null;
}

/** A request signed in by session cookie, from a page of this server (Origin set) unless told otherwise. */
function asUser(session: string, { origin = ownOrigin, headers = {}, ...rest }: Call) {
  return app.inject({ ...rest, cookies: { strata_session: session }, headers: { ...(origin === null ? {} : { origin }), ...headers } });
}

const login = (email: string, pass = password, extra: { remoteAddress?: string; headers?: Record<string, string> } = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: pass }, ...extra });

/** Invites a member with the admin key and accepts the invitation: answers their email, id and session. */
async function member(role: 'owner' | 'admin' | 'ops' | 'agent' | 'viewer', workspace = ws) {
  const email = newEmail(role);
  const invited = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: withKey(workspace.adminKey),
    payload: { email, role },
  });
  if (invited.statusCode !== 201) throw new Error(`invite ${role}: ${invited.statusCode} ${invited.body}`);
  const token = new URL(invited.json().inviteUrl).hash.slice(1);
  const accepted = await app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password } });
  if (accepted.statusCode !== 200) throw new Error(`accept ${role}: ${accepted.statusCode} ${accepted.body}`);
  return { email, id: invited.json().id as string, session: sessionOf(accepted) };
}

let owner: { email: string; id: string; session: string };

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  app = await createTestApp(database, { now: () => now });
  // The owner comes from the bootstrap, as on a first start with STRATA_BOOTSTRAP_ADMIN_EMAIL/_PASSWORD.
  const email = newEmail('owner');
  const baseUrl = 'http://127.0.0.1';
  await bootstrapOwner(database.db, { workspaceId: ws.workspace.id, email, password, baseUrl, now: () => now }, () => undefined);
  const signedIn = await login(email);
  owner = { email, id: signedIn.json().user.id, session: sessionOf(signedIn) };
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('signing in', () => {
  it('answers the user, workspace and role with an HttpOnly, SameSite=Lax session cookie', async () => {
    const response = await login(owner.email);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      user: { id: owner.id, email: owner.email },
      workspace: { id: ws.workspace.id, slug: ws.workspace.slug },
      role: 'owner',
    });
    const cookie = response.cookies.find((c) => c.name === 'strata_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeUndefined(); // served over plain HTTP
    const me = await asUser(cookie.value, { url: '/api/v1/auth/me' });
    expect(me.json()).toMatchObject({ user: { id: owner.id, email: owner.email }, role: 'owner' });
    expect(me.json().permissions).toContain('owners:manage');
  });

  it('matches the email case-insensitively', async () => {
    expect((await login(owner.email.toUpperCase())).statusCode).toBe(200);
  });

  it('answers the same 401 for a wrong password and an unknown email', async () => {
    const wrong = await login(owner.email, 'not the password at all', { remoteAddress: '10.0.0.1' });
    const unknown = await login('nobody@example.com', password, { remoteAddress: '10.0.0.1' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    // Equal but for the request id each answer carries.
    const withoutRequestId = (body: string) => ({ ...(JSON.parse(body) as { error: object }).error, requestId: undefined });
    expect(withoutRequestId(wrong.body)).toEqual(withoutRequestId(unknown.body));
    expect(wrong.cookies).toEqual([]);
  });

  it('marks the cookie Secure when Strata is served over HTTPS', async () => {
    const https = await createTestApp(database, { now: () => now, publicUrl: 'https://strata.example.com' });
    try {
      const response = await https.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: owner.email, password } });
      expect(response.cookies.find((c) => c.name === 'strata_session')?.secure).toBe(true);
    } finally {
      await https.close();
    }
  });

  it('refuses a sign-in posted from another site', async () => {
    const response = await login(owner.email, password, { headers: { origin: 'https://evil.example' } });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toMatch(/cross-origin sign-in/);
  });

  it('ends a session cookie sent along with the sign-in (fixation): only the new one works', async () => {
    const planted = sessionOf(await login(owner.email));
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: owner.email, password },
      cookies: { strata_session: planted },
    });
    const fresh = sessionOf(response);
    expect(fresh).not.toBe(planted);
    expect((await asUser(planted, { url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect((await asUser(fresh, { url: '/api/v1/auth/me' })).statusCode).toBe(200);
  });
});

describe('CSRF: writes signed in by cookie', () => {
  const hours = { timezone: 'Europe/Berlin', start: '09:00', end: '17:00' };
  const put = (session: string, origin: string | null, headers: Record<string, string> = {}) =>
    asUser(session, { method: 'PUT', url: '/api/v1/settings/business-hours', payload: hours, origin, headers });

  it('are refused without Origin or Referer, or from another origin, and accepted from this server', async () => {
    const session = sessionOf(await login(owner.email));
    const bare = await put(session, null);
    expect(bare.statusCode).toBe(403);
    expect(bare.json().error.message).toMatch(/Origin/);
    expect((await put(session, 'https://evil.example')).statusCode).toBe(403);
    expect((await put(session, 'null')).statusCode).toBe(403);
    expect((await put(session, null, { referer: 'https://evil.example/page' })).statusCode).toBe(403);
    expect((await put(session, ownOrigin)).statusCode).toBe(200);
    expect((await put(session, null, { referer: `${ownOrigin}/segments` })).statusCode).toBe(200);
    // Reads need no Origin.
    expect((await asUser(session, { url: '/api/v1/settings/business-hours', origin: null })).statusCode).toBe(200);
  });

  it('leave API key writes alone', async () => {
    const response = await app.inject({
      method: 'PUT',
      url: '/api/v1/settings/business-hours',
      headers: withKey(ws.adminKey),
      payload: hours,
    });
    expect(response.statusCode).toBe(200);
  });

  it("take STRATA_PUBLIC_URL's origin as this server's", async () => {
    const behindProxy = await createTestApp(database, { now: () => now, publicUrl: 'https://strata.example.com' });
    try {
      const session = sessionOf(
        await behindProxy.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: owner.email, password } }),
      );
      const call = (origin: string) =>
        behindProxy.inject({
          method: 'PUT',
          url: '/api/v1/settings/business-hours',
          payload: hours,
          cookies: { strata_session: session },
          headers: { origin },
        });
      expect((await call('http://localhost')).statusCode).toBe(403);
      expect((await call('https://strata.example.com')).statusCode).toBe(200);
    } finally {
      await behindProxy.close();
    }
  });
});

describe('session lifetime', () => {
  it('ends a session idle for longer than 12 hours, and keeps one in use', async () => {
    const session = sessionOf(await login(owner.email));
    advance(11 * hour);
    expect((await asUser(session, { url: '/api/v1/auth/me' })).statusCode).toBe(200);
    advance(11 * hour); // 22 hours after sign-in, 11 after the last request
    expect((await asUser(session, { url: '/api/v1/auth/me' })).statusCode).toBe(200);
    advance(12 * hour + 60_000);
    const expired = await asUser(session, { url: '/api/v1/auth/me' });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.message).toMatch(/session has ended/);
  });

  it('ends every session 7 days after sign-in, however active', async () => {
    const session = sessionOf(await login(owner.email));
    for (let i = 0; i < 14; i++) {
      advance(12 * hour - 60_000);
      expect((await asUser(session, { url: '/api/v1/auth/me' })).statusCode, `after ${i + 1} half-days`).toBe(200);
    }
    advance(3 * hour);
    expect((await asUser(session, { url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });

  it('signs out one session, or every session of the user', async () => {
    const a = sessionOf(await login(owner.email));
    const b = sessionOf(await login(owner.email));
    const c = sessionOf(await login(owner.email));
    const out = await asUser(a, { method: 'POST', url: '/api/v1/auth/logout' });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((x) => x.name === 'strata_session')?.value).toBe('');
    expect((await asUser(a, { url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect((await asUser(b, { url: '/api/v1/auth/me' })).statusCode).toBe(200);
    const everywhere = await asUser(b, { method: 'POST', url: '/api/v1/auth/logout-everywhere' });
    expect(everywhere.statusCode).toBe(200);
    expect(everywhere.json().sessionsEnded).toBeGreaterThanOrEqual(2);
    expect((await asUser(b, { url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect((await asUser(c, { url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });

  it('refuses sign-out without Origin (it is a write) and answers who an API key is', async () => {
    const session = sessionOf(await login(owner.email));
    expect((await asUser(session, { method: 'POST', url: '/api/v1/auth/logout', origin: null })).statusCode).toBe(403);
    const me = await app.inject({ url: '/api/v1/auth/me', headers: withKey(ws.readKey) });
    expect(me.json()).toMatchObject({ key: { name: 'test' }, workspace: { id: ws.workspace.id, slug: ws.workspace.slug } });
    expect(me.json().permissions).toContain('segments:read');
    expect(me.json().permissions).not.toContain('segments:write');
  });
});

describe('brute force', () => {
  it('throttles an account after 5 failures in 15 minutes with 429 and Retry-After, and a success clears it', async () => {
    const target = await member('viewer');
    for (let i = 0; i < 5; i++)
      expect((await login(target.email, `wrong password ${i}`, { remoteAddress: '10.1.0.1' })).statusCode).toBe(401);
    // Even the right password, from another address: the account is what is protected.
    const throttled = await login(target.email, password, { remoteAddress: '10.1.0.2' });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(throttled.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    advance(retryAfter * 1000);
    // Four failures, a success, four more: the success cleared the count, so the account is not throttled.
    for (let i = 0; i < 4; i++) expect((await login(target.email, 'wrong password', { remoteAddress: '10.1.0.3' })).statusCode).toBe(401);
    expect((await login(target.email, password, { remoteAddress: '10.1.0.3' })).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(target.email, 'wrong password', { remoteAddress: '10.1.0.3' })).statusCode).toBe(401);
    expect((await login(target.email, password, { remoteAddress: '10.1.0.3' })).statusCode).toBe(200);
  });

  it('throttles an address after 30 failures in 15 minutes, whatever the emails', async () => {
    for (let i = 0; i < 30; i++)
      expect((await login(`guess-${i}@example.com`, 'wrong password', { remoteAddress: '10.2.0.1' })).statusCode).toBe(401);
    const throttled = await login(owner.email, password, { remoteAddress: '10.2.0.1' });
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['retry-after']).toBeDefined();
    expect((await login(owner.email, password, { remoteAddress: '10.2.0.2' })).statusCode).toBe(200);
  });
});

describe('invitations', () => {
  it('answers 201 with the invitation link; accepting it sets the password and signs in', async () => {
    const email = newEmail('invited');
    const invited = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: withKey(ws.adminKey),
      payload: { email, role: 'agent' },
    });
    expect(invited.statusCode, invited.body).toBe(201);
    const body = invited.json();
    expect(body).toMatchObject({ email, role: 'agent', expiresAt: new Date(now.getTime() + 7 * 24 * hour).toISOString() });
    expect(body.inviteUrl).toMatch(/^http:\/\/127\.0\.0\.1\/invite#[A-Za-z0-9_-]{43}$/);
    const token = new URL(body.inviteUrl).hash.slice(1);
    const listed = await app.inject({ url: '/api/v1/users', headers: withKey(ws.adminKey) });
    expect(listed.json().items).toContainEqual(expect.objectContaining({ id: body.id, email, role: 'agent', active: false }));
    expect((await login(email, password)).statusCode).toBe(401); // no password yet

    const short = await app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password: 'short' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.message).toMatch(/at least 12 characters/);
    const accepted = await app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ user: { id: body.id, email }, role: 'agent' });
    expect((await asUser(sessionOf(accepted), { url: '/api/v1/auth/me' })).json().role).toBe('agent');

    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/invitations/accept',
      payload: { token, password: 'another long password' },
    });
    expect(again.statusCode).toBe(410);
    expect((await login(email, 'another long password')).statusCode).toBe(401);
    expect((await login(email, password)).statusCode).toBe(200);
  });

  it('refuses an invitation after 7 days', async () => {
    const invited = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: withKey(ws.adminKey),
      payload: { email: newEmail('late'), role: 'viewer' },
    });
    advance(7 * 24 * hour + 1000);
    const token = new URL(invited.json().inviteUrl).hash.slice(1);
    const late = await app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password } });
    expect(late.statusCode).toBe(410);
    expect(late.json().error.message).toMatch(/not accepted in time/);
  });

  it('adds an existing user to another workspace without a new password, and refuses a second membership', async () => {
    const other = await createTestWorkspace(database);
    const added = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: withKey(other.adminKey),
      payload: { email: owner.email.toUpperCase(), role: 'viewer' },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ id: owner.id, role: 'viewer', inviteUrl: null });
    const signedIn = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: owner.email, password, workspace: other.workspace.slug },
    });
    expect(signedIn.json()).toMatchObject({ workspace: { slug: other.workspace.slug }, role: 'viewer' });
    const twice = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: withKey(other.adminKey),
      payload: { email: owner.email, role: 'admin' },
    });
    expect(twice.statusCode).toBe(409);
  });
});

describe('password reset', () => {
  it('gives an admin a single-use link valid one hour that sets the password and ends the sessions', async () => {
    const target = await member('ops');
    const reset = await app.inject({ method: 'POST', url: `/api/v1/users/${target.id}/password-reset`, headers: withKey(ws.adminKey) });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json().resetUrl).toMatch(/\/reset#/);
    const token = new URL(reset.json().resetUrl).hash.slice(1);
    const newPassword = 'a brand new long password';
    const done = await app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { token, password: newPassword } });
    expect(done.statusCode, done.body).toBe(200);
    expect((await asUser(target.session, { url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect((await login(target.email, password)).statusCode).toBe(401);
    expect((await login(target.email, newPassword)).statusCode).toBe(200);
    const reused = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { token, password: 'yet another long password' },
    });
    expect(reused.statusCode).toBe(410);

    const late = await app.inject({ method: 'POST', url: `/api/v1/users/${target.id}/password-reset`, headers: withKey(ws.adminKey) });
    advance(hour + 1000);
    const expired = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { token: new URL(late.json().resetUrl).hash.slice(1), password: 'yet another long password' },
    });
    expect(expired.statusCode).toBe(410);
    expect((await login(target.email, newPassword)).statusCode).toBe(200);
  });
});

describe('roles', () => {
  it('keep a viewer from writing a segment, naming the permission', async () => {
    const viewer = await member('viewer');
    const response = await asUser(viewer.session, {
      method: 'POST',
      url: '/api/v1/segments',
      payload: { key: 'vip', name: 'VIP', target: 'person', rule: 'traits.plan = "pro"' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toMatch(/"viewer" lacks the "segments:write" permission/);
    expect((await asUser(viewer.session, { url: '/api/v1/segments' })).statusCode).toBe(200);
  });

  it('keep an agent from configuration: integrations, users, settings', async () => {
    const agent = await member('agent');
    const integration = await asUser(agent.session, {
      method: 'PUT',
      url: '/api/v1/integrations/stripe',
      payload: { webhookSecret: 'whsec_x' },
    });
    expect(integration.statusCode).toBe(403);
    expect(integration.json().error.message).toMatch(/integrations:write/);
    const invite = await asUser(agent.session, { method: 'POST', url: '/api/v1/users', payload: { email: newEmail('x'), role: 'viewer' } });
    expect(invite.statusCode).toBe(403);
    expect(invite.json().error.message).toMatch(/users:manage/);
    expect(
      (await asUser(agent.session, { method: 'PUT', url: '/api/v1/settings/business-hours', payload: { timezone: 'UTC' } })).statusCode,
    ).toBe(403);
  });

  it('keep owners to owners: an admin cannot create, demote, remove or reset an owner', async () => {
    const admin = await member('admin');
    const create = await asUser(admin.session, {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: newEmail('boss'), role: 'owner' },
    });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.message).toMatch(/owners:manage/);
    expect(
      (await asUser(admin.session, { method: 'PATCH', url: `/api/v1/users/${owner.id}`, payload: { role: 'viewer' } })).statusCode,
    ).toBe(403);
    expect(
      (await asUser(admin.session, { method: 'PATCH', url: `/api/v1/users/${admin.id}`, payload: { role: 'owner' } })).statusCode,
    ).toBe(403);
    expect((await asUser(admin.session, { method: 'DELETE', url: `/api/v1/users/${owner.id}` })).statusCode).toBe(403);
    expect((await asUser(admin.session, { method: 'POST', url: `/api/v1/users/${owner.id}/password-reset` })).statusCode).toBe(403);
    // An admin may manage non-owners.
    const viewer = await member('viewer');
    const promoted = await asUser(admin.session, { method: 'PATCH', url: `/api/v1/users/${viewer.id}`, payload: { role: 'ops' } });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json()).toMatchObject({ id: viewer.id, role: 'ops', active: true });
  });

  it('protect the last owner from removal and demotion (409), and remove a member with their sessions', async () => {
    const session = sessionOf(await login(owner.email));
    const demote = await asUser(session, { method: 'PATCH', url: `/api/v1/users/${owner.id}`, payload: { role: 'admin' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.message).toMatch(/last owner/);
    expect((await asUser(session, { method: 'DELETE', url: `/api/v1/users/${owner.id}` })).statusCode).toBe(409);

    const second = await member('admin');
    expect((await asUser(session, { method: 'PATCH', url: `/api/v1/users/${second.id}`, payload: { role: 'owner' } })).statusCode).toBe(
      200,
    );
    const removed = await asUser(session, { method: 'DELETE', url: `/api/v1/users/${second.id}` });
    expect(removed.statusCode).toBe(204);
    expect((await asUser(second.session, { url: '/api/v1/auth/me' })).statusCode).toBe(401);
    const listed = await asUser(session, { url: '/api/v1/users' });
    expect(listed.json().items.map((u: { id: string }) => u.id)).not.toContain(second.id);
  });

  it('let API keys keep their scopes: a read key reads but cannot invite, an ingest key writes tickets', async () => {
    expect((await app.inject({ url: '/api/v1/segments', headers: withKey(ws.readKey) })).statusCode).toBe(200);
    const invite = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: withKey(ws.readKey),
      payload: { email: newEmail('k'), role: 'viewer' },
    });
    expect(invite.statusCode).toBe(403);
    expect(invite.json().error.message).toBe('this key lacks the "users:manage" permission');
    expect((await app.inject({ url: '/api/v1/segments', headers: withKey(ws.writeKey) })).statusCode).toBe(403);
  });
});
