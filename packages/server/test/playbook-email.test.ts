import { randomBytes } from 'node:crypto';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advanceEnrolment,
  BackgroundRuntime,
  deliverPlaybookEmailTask,
  emailDeliveryAttempts,
  SecretBox,
  type TaskServices,
} from '@strata/engine';
import { workspaceScope } from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';

/** One message as the SMTP server received it: envelope, headers (unfolded) and the decoded text part. */
interface Received {
  to: string[];
  headers: Record<string, string>;
  text: string;
}

let database: TestDatabase;
let ws: TestWorkspace;
let app: Awaited<ReturnType<typeof createTestApp>>;
let runtime: BackgroundRuntime;
let smtp: SMTPServer;
let smtpPort: number;
const inbox: Received[] = [];
/** Recipients the SMTP server refuses (a mailbox that does not exist), to fail deliveries. */
const refusedRecipients = new Set<string>();
const publicUrl = 'http://strata.test';
const secrets = new SecretBox(randomBytes(32));
const services: TaskServices = {
  secrets,
  publicUrl,
  post: () => Promise.reject(new Error('this test posts nothing')),
};
// The app and the workers read one clock. It only ever moves forward of the real one, so that
// jobs the playbooks schedule for "later" stay in the database's future until a test runs them.
let offsetMs = 0;
const now = () => new Date(Date.now() + offsetMs);
const setClock = (at: string) => {
  offsetMs = new Date(at).getTime() - Date.now();
};

/** Quoted-printable and header folding undone, so the test reads what a mail client shows. */
function parseMessage(raw: string, to: string[]): Received {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n(?=[ \t])/g, '');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.slice(split + 4);
  // A multipart message (text and HTML): keep the text/plain part.
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  let encoding = headers['content-transfer-encoding'] ?? '7bit';
  if (boundary) {
    const part = body.split(`--${boundary}`).find((p) => /content-type: text\/plain/i.test(p)) ?? '';
    const partSplit = part.indexOf('\r\n\r\n');
    encoding = /content-transfer-encoding: ([\w-]+)/i.exec(part.slice(0, partSplit))?.[1] ?? '7bit';
    body = part.slice(partSplit + 4);
  }
  if (encoding.toLowerCase() === 'quoted-printable')
    body = Buffer.from(
      body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    ).toString('utf8');
  const subject = headers['subject'] ?? '';
  return { to, headers: { ...headers, subject }, text: body.replace(/\r\n/g, '\n') };
}

beforeAll(async () => {
  database = await createTestDatabase();
  ws = await createTestWorkspace(database);
  // The SMTP server below is on loopback: allowed as STRATA_ALLOW_PRIVATE_WEBHOOKS=true allows it.
  app = await createTestApp(database, { now, secrets, publicUrl, allowPrivateWebhooks: true });
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'strata' && auth.password === 'hunter2') callback(null, { user: 'strata' });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (refusedRecipients.has(address.address)) callback(new Error(`550 no mailbox ${address.address}`));
      else callback();
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        inbox.push(
          parseMessage(
            raw,
            session.envelope.rcptTo.map((r) => r.address),
          ),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  runtime = new BackgroundRuntime({ db: database.db, pool: database.pool, now, services, subscriberPollMs: 200 });
  await runtime.start();
  // Rules name fields the workspace has seen.
  await identify('first-seen', { plan: 'free', name: 'First', email: 'first@example.com', timezone: 'UTC' });
  for (const [key, rule] of [
    ['pros', 'plan = "pro"'],
    ['night-owls', 'plan = "owl"'],
    ['capped', 'plan = "capped"'],
    ['fragile', 'plan = "fragile"'],
    ['surveyed', 'plan = "surveyed"'],
  ])
    expect((await api('POST', '/api/v1/segments', { key, name: key, target: 'person', rule })).statusCode).toBe(201);
});
afterAll(async () => {
  await runtime.stop();
  await app.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await database.drop();
});

const scope = () => workspaceScope(database.db, ws.workspace.id, now);
async function api(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) {
  return app.inject({ method, url, headers: { authorization: `Bearer ${ws.adminKey}` }, ...(payload ? { payload } : {}) });
}
async function identify(userId: string, traits: Record<string, unknown>) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/identify',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { userId, traits, messageId: `m-${randomBytes(6).toString('hex')}` },
  });
  expect(response.statusCode, response.body).toBe(200);
}
async function group(userId: string, groupId: string, traits: Record<string, unknown>) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/group',
    headers: { authorization: basicAuth(ws.writeKey) },
    payload: { userId, groupId, traits, messageId: `m-${randomBytes(6).toString('hex')}` },
  });
  expect(response.statusCode, response.body).toBe(200);
}
async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
type Run = {
  id: string;
  userId: string;
  status: string;
  nextStep: string | null;
  error: string | null;
  steps: Array<{ path: string; outcome: string; detail: unknown }>;
};
async function runs(key: string, query = ''): Promise<Run[]> {
  const response = await api('GET', `/api/v1/playbooks/${key}/runs${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Run[]>();
}
const runOf = (key: string, userId: string, test: (run: Run) => boolean) => async () => (await runs(key, `?personId=${userId}`)).find(test);
const mailTo = (address: string) => inbox.filter((m) => m.to.includes(address));
const fields = (body: string) => (JSON.parse(body) as { error: { details: Array<{ field: string }> } }).error.details.map((d) => d.field);
const emailPlaybook = (segment: string, steps: object[], extra: object = {}) => ({
  name: `Email ${segment}`,
  enabled: true,
  trigger: { on: 'segment-entered', segment },
  steps,
  ...extra,
});

describe('playbook email', { shuffle: false }, () => {
  it('refuses SMTP settings the server does not accept, naming host, and stores nothing', async () => {
    // A port nothing listens on: the connection is refused.
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await api('PUT', '/api/v1/settings/email', {
      host: '127.0.0.1',
      port: deadPort,
      secure: false,
      from: 'hello@acme.test',
    });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(fields(refused.body)).toEqual(['host']);
    // A wrong password is refused by the server at login.
    const wrong = await api('PUT', '/api/v1/settings/email', {
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      user: 'strata',
      password: 'wrong',
      from: 'hello@acme.test',
    });
    expect(wrong.statusCode, wrong.body).toBe(400);
    expect(wrong.json<{ error: { details: Array<{ message: string }> } }>().error.details[0]!.message).toMatch(
      /Invalid username or password/,
    );
    expect((await api('GET', '/api/v1/settings/email')).statusCode).toBe(404);
  });

  it('refuses an enabled email playbook while the workspace has no email settings', async () => {
    const response = await api(
      'PUT',
      '/api/v1/playbooks/welcome',
      emailPlaybook('trial', [{ type: 'email', subject: 'Hi', text: 'Hello' }]),
    );
    expect(response.statusCode, response.body).toBe(400);
    expect(fields(response.body)).toEqual(['steps[0]']);
    expect((await api('GET', '/api/v1/playbooks/welcome')).statusCode).toBe(404);
  });

  it('stores SMTP settings with the password encrypted and never shown', async () => {
    const saved = await api('PUT', '/api/v1/settings/email', {
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      user: 'strata',
      password: 'hunter2',
      from: 'Acme <hello@acme.test>',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      host: '127.0.0.1',
      port: smtpPort,
      user: 'strata',
      passwordSet: true,
      from: 'Acme <hello@acme.test>',
    });
    expect(saved.body).not.toContain('hunter2');
    const stored = await scope().db.selectFrom('email_settings').selectAll().executeTakeFirstOrThrow();
    expect(stored.password_ciphertext).not.toContain('hunter2');
    expect(secrets.open(Buffer.from(stored.password_ciphertext!, 'base64'))).toBe('hunter2');
    const read = await api('GET', '/api/v1/settings/email');
    expect(read.json()).toMatchObject({ passwordSet: true });
    expect(read.body).not.toContain('hunter2');
  });

  it('refuses a template that does not parse, naming the field, and stores nothing', async () => {
    const response = await api(
      'PUT',
      '/api/v1/playbooks/welcome',
      emailPlaybook('trial', [
        { type: 'wait', minutes: 1 },
        { type: 'email', subject: 'Hi {{ person.name ', text: 'Hello {% if %}' },
      ]),
    );
    expect(response.statusCode, response.body).toBe(400);
    expect(fields(response.body)).toEqual(['steps[1].subject', 'steps[1].text']);
    expect((await api('GET', '/api/v1/playbooks/welcome')).statusCode).toBe(404);
  });

  let unsubscribeLink = '';
  it('sends the onboarding email to a person entering trial, with their name and an unsubscribe link', async () => {
    const saved = await api(
      'PUT',
      '/api/v1/playbooks/welcome',
      emailPlaybook('trial', [
        {
          type: 'email',
          subject: 'Welcome to Acme, {{ person.name }}',
          text: 'Hi {{ person.name }},\n\nyour trial of the {{ person.plan }} plan has started.',
          html: '<p>Hi {{ person.name }}</p>',
        },
      ]),
    );
    expect(saved.statusCode, saved.body).toBe(201);
    // The predefined `trial` segment holds accounts: each person of an account starting a trial is enrolled.
    await identify('ada', { plan: 'starter', name: 'Ada Lovelace', email: 'ada@example.com' });
    await group('ada', 'analytical-engines', { status: 'trialing' });
    const [mail] = await until('the welcome email', () => (mailTo('ada@example.com').length > 0 ? mailTo('ada@example.com') : undefined));
    expect(mail!.headers['subject']).toBe('Welcome to Acme, Ada Lovelace');
    expect(mail!.headers['from']).toBe('Acme <hello@acme.test>');
    expect(mail!.text).toContain('Hi Ada Lovelace,\n\nyour trial of the starter plan has started.');
    const link = /Unsubscribe: (http:\/\/strata\.test\/unsubscribe\?token=\S+)/.exec(mail!.text)?.[1];
    expect(link).toBeDefined();
    unsubscribeLink = link!;
    expect(mail!.headers['list-unsubscribe']).toBe(`<${link}>`);
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const run = await until(
      'welcome completed',
      runOf('welcome', 'ada', (r) => r.status === 'completed'),
    );
    expect(run.steps).toMatchObject([{ path: '0', outcome: 'sent', detail: { to: 'ada@example.com' } }]);
    // The Message-ID is made of the run and step: a resend after a crash carries the same one.
    expect(mail!.headers['message-id']).toBe(`<strata.${ws.workspace.id}.${run.id}.0@playbooks.strata>`);
  });

  it('renders the preview exactly as the email was sent', async () => {
    const preview = await api('POST', '/api/v1/playbooks/render-email', {
      subject: 'Welcome to Acme, {{ person.name }}',
      text: 'Hi {{ person.name }},\n\nyour trial of the {{ person.plan }} plan has started.',
      userId: 'ada',
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const sent = mailTo('ada@example.com')[0]!;
    // The MIME part ends with a line break of its own: compare the text up to it.
    expect(preview.json<{ text: string }>().text.trimEnd()).toBe(sent.text.trimEnd());
    expect(preview.json()).toMatchObject({
      subject: sent.headers['subject'],
      to: 'ada@example.com',
      headers: { 'List-Unsubscribe': `<${unsubscribeLink}>` },
    });
    const bad = await api('POST', '/api/v1/playbooks/render-email', { subject: '{% if %}', text: 'x', userId: 'ada' });
    expect(bad.statusCode).toBe(400);
    expect(fields(bad.body)).toEqual(['subject']);
    expect((await api('POST', '/api/v1/playbooks/render-email', { subject: 'x', text: 'x', userId: 'nobody' })).statusCode).toBe(404);
  });

  it('unsubscribes through the link; later marketing email is suppressed, transactional email still goes', async () => {
    const path = unsubscribeLink.slice(publicUrl.length);
    // Opening the link unsubscribes; its page offers to resubscribe, which lifts the unsubscribe.
    const page = await app.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('ada@example.com');
    expect((await api('GET', '/api/v1/suppressions/ada@example.com')).json()).toMatchObject({ reason: 'unsubscribed' });
    const undo = /action="([^"]+)"/.exec(page.body)![1]!.replaceAll('&amp;', '&');
    expect((await app.inject({ method: 'POST', url: undo })).statusCode).toBe(200);
    expect((await api('GET', '/api/v1/suppressions/ada@example.com')).statusCode).toBe(404);
    // A mail client's one-click unsubscribe (RFC 8058) posts to the same link.
    for (let i = 0; i < 2; i++) {
      const posted = await app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(posted.statusCode).toBe(200);
    }
    expect((await api('GET', '/api/v1/suppressions/ada@example.com')).json()).toMatchObject({ reason: 'unsubscribed' });
    const forged = await app.inject({ method: 'POST', url: `${path.slice(0, -3)}abc` });
    expect(forged.statusCode).toBe(400);

    const saved = await api(
      'PUT',
      '/api/v1/playbooks/upgrade',
      emailPlaybook('pros', [
        { type: 'email', subject: 'Try our add-ons', text: 'Marketing' },
        { type: 'email', subject: 'Your receipt', text: 'Transactional', transactional: true },
      ]),
    );
    expect(saved.statusCode, saved.body).toBe(201);
    await identify('ada', { plan: 'pro' });
    const run = await until(
      'upgrade completed',
      runOf('upgrade', 'ada', (r) => r.status === 'completed'),
    );
    expect(run.steps.map((s) => [s.path, s.outcome])).toEqual([
      ['0', 'suppressed'],
      ['1', 'sent'],
    ]);
    expect(mailTo('ada@example.com').map((m) => m.headers['subject'])).toEqual(['Welcome to Acme, Ada Lovelace', 'Your receipt']);
  });

  it('keeps bounced addresses on the suppression list from every email, and skips people without an address', async () => {
    const put = await api('PUT', '/api/v1/suppressions/Bounced@Example.com', { reason: 'bounce' });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ email: 'bounced@example.com', reason: 'bounce' });
    expect((await api('GET', '/api/v1/suppressions')).json<Array<{ email: string }>>().map((s) => s.email)).toEqual([
      'bounced@example.com',
      'ada@example.com',
    ]);
    await identify('bounced', { plan: 'pro', email: 'bounced@example.com' });
    await identify('silent', { plan: 'pro' });
    const bounced = await until(
      'bounced done',
      runOf('upgrade', 'bounced', (r) => r.status === 'completed'),
    );
    expect(bounced.steps.map((s) => s.outcome)).toEqual(['suppressed', 'suppressed']);
    const silent = await until(
      'silent done',
      runOf('upgrade', 'silent', (r) => r.status === 'completed'),
    );
    expect(silent.steps.map((s) => s.outcome)).toEqual(['skipped', 'skipped']);
    expect(mailTo('bounced@example.com')).toEqual([]);
    expect((await api('DELETE', '/api/v1/suppressions/bounced@example.com')).statusCode).toBe(204);
    expect((await api('GET', '/api/v1/suppressions/bounced@example.com')).statusCode).toBe(404);
  });

  it('sends a survey email with one hosted link per score', async () => {
    const saved = await api(
      'PUT',
      '/api/v1/playbooks/nps',
      emailPlaybook('surveyed', [{ type: 'survey', kind: 'nps', subject: 'One question, {{ person.name }}' }]),
    );
    expect(saved.statusCode, saved.body).toBe(201);
    await identify('grace', { plan: 'surveyed', name: 'Grace', email: 'grace@example.com' });
    const [mail] = await until('the survey email', () =>
      mailTo('grace@example.com').length > 0 ? mailTo('grace@example.com') : undefined,
    );
    expect(mail!.headers['subject']).toBe('One question, Grace');
    const links = [...mail!.text.matchAll(/^(\d+): (http:\/\/strata\.test\/s\/\S+)$/gm)];
    expect(links.map((m) => Number(m[1]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const opened = await app.inject({ method: 'GET', url: links[9]![2]!.slice(publicUrl.length) });
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('value="9" required checked');
  });

  it('dead-letters an email the server keeps refusing; the run fails and a retry sends it', async () => {
    refusedRecipients.add('fragile@example.com');
    expect(
      (await api('PUT', '/api/v1/playbooks/fragile', emailPlaybook('fragile', [{ type: 'email', subject: 'Hello', text: 'Hi' }])))
        .statusCode,
    ).toBe(201);
    await identify('fragile', { plan: 'fragile', email: 'fragile@example.com' });
    const run = await until(
      'fragile waiting on delivery',
      runOf('fragile', 'fragile', (r) => r.status === 'active' && r.nextStep === '0'),
    );
    const outbox = () => scope().db.selectFrom('email_outbox').selectAll().where('enrolment_id', '=', run.id).executeTakeFirst();
    await until('a first refused attempt', async () => ((await outbox())?.last_error ? true : undefined));
    // The last attempt, as the job runner would make it after the backoff.
    await expect(
      deliverPlaybookEmailTask.run(
        { workspaceId: ws.workspace.id, enrolmentId: run.id, stepPath: '0' },
        {
          db: database.db,
          now,
          attempt: emailDeliveryAttempts,
          maxAttempts: emailDeliveryAttempts,
          lastAttempt: true,
          log: () => {},
          services,
        },
      ),
    ).rejects.toThrow(/no mailbox/);
    const [failed] = await runs('fragile', '?status=failed');
    expect(failed).toMatchObject({ id: run.id, nextStep: '0' });
    expect(failed!.error).toMatch(/fragile@example.com was not delivered/);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/strata_emails_total\{status="failed"\} 1\b/);

    refusedRecipients.delete('fragile@example.com');
    expect((await api('POST', `/api/v1/playbooks/fragile/runs/${run.id}/retry`)).statusCode).toBe(202);
    await until(
      'fragile completed',
      runOf('fragile', 'fragile', (r) => r.status === 'completed'),
    );
    expect(mailTo('fragile@example.com')).toHaveLength(1);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/strata_emails_total\{status="suppressed"\} 3\b/);
  });

  it('checks the suppression list again right before the send', async () => {
    refusedRecipients.add('late@example.com');
    await identify('late', { plan: 'fragile', email: 'late@example.com' });
    const run = await until(
      'late waiting on delivery',
      runOf('fragile', 'late', (r) => r.status === 'active' && r.nextStep === '0'),
    );
    const outbox = () => scope().db.selectFrom('email_outbox').selectAll().where('enrolment_id', '=', run.id).executeTakeFirst();
    await until('a first refused attempt', async () => ((await outbox())?.last_error ? true : undefined));
    // Unsubscribed while the email waits for its next attempt: it is not sent.
    expect((await api('PUT', '/api/v1/suppressions/late@example.com', { reason: 'unsubscribed' })).statusCode).toBe(200);
    refusedRecipients.delete('late@example.com');
    await deliverPlaybookEmailTask.run(
      { workspaceId: ws.workspace.id, enrolmentId: run.id, stepPath: '0' },
      { db: database.db, now, attempt: 2, maxAttempts: emailDeliveryAttempts, lastAttempt: false, log: () => {}, services },
    );
    const done = await until(
      'late completed',
      runOf('fragile', 'late', (r) => r.status === 'completed'),
    );
    expect(done.steps).toMatchObject([{ outcome: 'suppressed', detail: { reason: 'suppressed before it was sent' } }]);
    await sleep(500);
    expect(mailTo('late@example.com')).toEqual([]);
  });

  // The tests below move the clock forward; the ones above rely on it being real.
  it("delays a send in quiet hours to the end of them on the customer's clock, across a DST change", async () => {
    const saved = await api(
      'PUT',
      '/api/v1/playbooks/owls',
      emailPlaybook('night-owls', [{ type: 'email', subject: 'Good morning', text: 'Hello' }], {
        quietHours: { start: '21:00', end: '08:00' },
      }),
    );
    expect(saved.statusCode, saved.body).toBe(201);
    // 22:30 in Berlin on 27 March 2027 (CET); that night the clocks go forward, so 08:00 CEST is 06:00 UTC.
    setClock('2027-03-27T21:30:00Z');
    await identify('owl', { plan: 'owl', email: 'owl@example.com', timezone: 'Europe/Berlin' });
    const run = await until(
      'owl enrolled',
      runOf('owls', 'owl', (r) => r.nextStep === '0'),
    );
    await sleep(500);
    expect(mailTo('owl@example.com')).toEqual([]);
    setClock('2027-03-28T05:59:00Z');
    await advanceEnrolment(scope(), run.id, services);
    await sleep(500);
    expect(mailTo('owl@example.com')).toEqual([]);
    setClock('2027-03-28T06:00:00Z');
    await advanceEnrolment(scope(), run.id, services);
    await until('the morning email', () => (mailTo('owl@example.com').length === 1 ? true : undefined));
    const done = await until(
      'owls completed',
      runOf('owls', 'owl', (r) => r.status === 'completed'),
    );
    expect(done.steps.map((s) => s.outcome)).toEqual(['sent']);
  });

  it('holds the frequency cap when two playbooks email the same person at once', async () => {
    const cap = { frequencyCap: { max: 1, days: 7 } };
    for (const key of ['cap-a', 'cap-b'])
      expect(
        (await api('PUT', `/api/v1/playbooks/${key}`, emailPlaybook('capped', [{ type: 'email', subject: key, text: 'Hi' }], cap)))
          .statusCode,
      ).toBe(201);
    setClock('2027-04-01T12:00:00Z');
    await identify('busy', { plan: 'capped', email: 'busy@example.com', timezone: 'UTC' });
    const [a, b] = await until('both enrolled', async () => {
      const found = [...(await runs('cap-a', '?personId=busy')), ...(await runs('cap-b', '?personId=busy'))];
      return found.length === 2 ? found : undefined;
    });
    // Both runs at once, besides what the job runner does: the person's lock lets one email through.
    await Promise.all([advanceEnrolment(scope(), a!.id, services), advanceEnrolment(scope(), b!.id, services)]);
    await until('one email', () => (mailTo('busy@example.com').length === 1 ? true : undefined));
    await sleep(1000);
    expect(mailTo('busy@example.com')).toHaveLength(1);
    const first = mailTo('busy@example.com')[0]!.headers['subject']!;
    const held = first === 'cap-a' ? 'cap-b' : 'cap-a';
    const [waiting] = await runs(held, '?personId=busy');
    expect(waiting).toMatchObject({ status: 'active', nextStep: '0', steps: [] });
    // The cap frees seven days after the first email.
    setClock('2027-04-08T11:59:00Z');
    await advanceEnrolment(scope(), waiting!.id, services);
    await sleep(500);
    expect(mailTo('busy@example.com')).toHaveLength(1);
    setClock('2027-04-08T12:01:00Z');
    await advanceEnrolment(scope(), waiting!.id, services);
    await until('the second email', () => (mailTo('busy@example.com').length === 2 ? true : undefined));
    expect(mailTo('busy@example.com')[1]!.headers['subject']).toBe(held);
  });
});
