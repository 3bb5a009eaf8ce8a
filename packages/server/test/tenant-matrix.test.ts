import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionsOfScopes, rolePermissions, type ApiKeyScope, type Permission } from '@strata/core';
import {
  createApiKey,
  enrollPerson,
  findProfileId,
  insertCsmTask,
  insertInAppMessage,
  insertWebhookMessages,
  listPendingInAppMessages,
  moveEnrolment,
  revokeApiKey,
  workspaceScope,
} from '@strata/storage';
import { createTestDatabase, createTestWorkspace, type TestDatabase, type TestWorkspace } from '../../../test-support/test-database.js';
import { basicAuth, createTestApp } from '../../../test-support/test-server.js';
import { resolver, type JsonSchema } from './openapi-arbitraries.js';

/**
 * The tenant matrix: every operation of the served OpenAPI document, called with every kind of
 * credential that is not B's own right one, against workspace B's ids. No answer may carry B's
 * data, no call may change B's rows, and each answers the status its credential deserves. The
 * operations come from the document, so a new route is in the matrix without a line here; a
 * path parameter or an operation the tables below do not know fails the run, so its author
 * says which of B's ids it names and which scope it needs.
 */

// ---------------------------------------------------------------- what the document does not say

/**
 * The permission each operation needs, as the routes check it (`core/src/access`: a key's scopes
 * and a user's role map onto the same permissions). The document does not carry it, and the
 * matrix must not learn it from the answers it judges.
 */
const requiredPermission: Record<string, Permission | 'public' | 'signed-in'> = {
  ingestIdentify: 'ingest',
  ingestTrack: 'ingest',
  ingestGroup: 'ingest',
  ingestPage: 'ingest',
  ingestScreen: 'ingest',
  ingestAlias: 'ingest',
  ingestBatch: 'ingest',
  ingestImport: 'ingest',
  getPerson: 'people:read',
  getAccount: 'people:read',
  searchCustomers: 'people:read',
  listPersonEvents: 'people:read',
  listAccountEvents: 'people:read',
  listPersonTickets: 'tickets:read',
  listAccountTickets: 'tickets:read',
  listPersonSurveys: 'tickets:read',
  listAccountSurveys: 'tickets:read',
  getIngestionStats: 'system:read',
  validateSegmentRule: 'segments:read',
  listFields: 'segments:read',
  previewSegmentRule: 'segments:read',
  createSegment: 'segments:write',
  addSegmentMembers: 'segments:write',
  removeSegmentMember: 'segments:write',
  listSegments: 'segments:read',
  getSegment: 'segments:read',
  listSegmentVersions: 'segments:read',
  updateSegment: 'segments:write',
  deleteSegment: 'segments:write',
  getSegmentMembers: 'segments:read',
  suggestSegments: 'segments:read',
  exportSegmentMembers: 'people:export',
  searchSegmentMembers: 'segments:read',
  explainSegmentMembership: 'segments:read',
  listSegmentChanges: 'segments:read',
  listSegmentDailySizes: 'segments:read',
  listSegmentActivity: 'segments:read',
  streamSegmentChanges: 'segments:read',
  listPersonSegments: 'segments:read',
  listAccountSegments: 'segments:read',
  createTicket: 'tickets:write',
  updateTicket: 'tickets:write',
  getTicket: 'tickets:read',
  addTicketMessage: 'tickets:write',
  correctTicketSentiment: 'tickets:write',
  listCannedResponses: 'tickets:read',
  getCannedResponse: 'tickets:read',
  putCannedResponse: 'policies:write',
  deleteCannedResponse: 'policies:write',
  listTicketSuggestions: 'tickets:read',
  previewCannedResponse: 'tickets:read',
  getSentimentModel: 'settings:read',
  getTopicModel: 'settings:read',
  trainSentimentModel: 'settings:write',
  getAccountChurnRisk: 'people:read',
  getChurnModel: 'settings:read',
  trainChurnModel: 'settings:write',
  getTicketTopicRules: 'settings:read',
  setTicketTopicRules: 'settings:write',
  listHealthModels: 'segments:read',
  getHealthModel: 'segments:read',
  putHealthModel: 'health:write',
  previewHealthModel: 'segments:read',
  deleteHealthModel: 'health:write',
  getAccountHealth: 'people:read',
  getAccountHealthHistory: 'people:read',
  setManualHealthMeasure: 'health:write',
  getPersonHealth: 'people:read',
  getPersonHealthHistory: 'people:read',
  setPersonManualHealthMeasure: 'health:write',
  getQuadrant: 'segments:read',
  getHealthSettings: 'settings:read',
  putHealthSettings: 'health:write',
  listQueues: 'settings:read',
  getQueue: 'settings:read',
  putQueue: 'policies:write',
  deleteQueue: 'policies:write',
  listAgents: 'tickets:read',
  setAgentStatus: 'queue:work',
  routeTicket: 'tickets:write',
  listTicketAssignments: 'tickets:read',
  getTriage: 'tickets:read',
  getTriageSettings: 'settings:read',
  putTriageSettings: 'policies:write',
  getSupportPolicyExperiment: 'settings:read',
  getLifecycleSettings: 'settings:read',
  putLifecycleSettings: 'segments:write',
  getSegmentMetrics: 'segments:read',
  compareSegments: 'segments:read',
  getSegmentOverlap: 'segments:read',
  listAnalyticsWarnings: 'segments:read',
  backfillSegmentMetrics: 'segments:write',
  getSegmentMetricsBackfill: 'segments:read',
  getAnalyticsSettings: 'settings:read',
  putAnalyticsSettings: 'settings:write',
  recordSurveyResponse: 'surveys:write',
  createSurveyLink: 'surveys:write',
  connectIntegration: 'integrations:write',
  getIntegration: 'integrations:read',
  listIntegrations: 'integrations:read',
  disconnectIntegration: 'integrations:write',
  connectHelpDeskSync: 'integrations:write',
  getHelpDeskSync: 'integrations:read',
  disconnectHelpDeskSync: 'integrations:write',
  listHelpDeskWebhooks: 'integrations:read',
  connectHelpDeskWebhook: 'integrations:write',
  getHelpDeskWebhook: 'integrations:read',
  disconnectHelpDeskWebhook: 'integrations:write',
  getTicketSync: 'tickets:read',
  getBusinessHours: 'settings:read',
  setBusinessHours: 'settings:write',
  getWorkspace: 'settings:read',
  updateWorkspace: 'settings:write',
  putWebhook: 'webhooks:write',
  getWebhook: 'webhooks:read',
  deleteWebhook: 'webhooks:write',
  listWebhooks: 'webhooks:read',
  listWebhookDeliveries: 'webhooks:read',
  retryWebhookDelivery: 'webhooks:write',
  listSubscribers: 'system:read',
  readLiveEvaluation: 'system:read',
  listJobs: 'system:read',
  createUser: 'users:manage',
  listUsers: 'users:read',
  updateUser: 'users:manage',
  deleteUser: 'users:manage',
  createPasswordReset: 'users:manage',
  listKeys: 'keys:manage',
  createKey: 'keys:manage',
  revokeKey: 'keys:manage',
  listAuditEntries: 'audit:read',
  exportPerson: 'people:export',
  erasePerson: 'people:erase',
  getRetention: 'settings:read',
  setRetention: 'settings:write',
  getIngestionSettings: 'settings:read',
  getInAppSettings: 'settings:write',
  rotateInAppSecret: 'settings:write',
  listInAppMessages: 'ingest',
  markInAppMessageSeen: 'ingest',
  dismissInAppMessage: 'ingest',
  setIngestionSettings: 'settings:write',
  listSlaPolicies: 'settings:read',
  getSlaPolicy: 'settings:read',
  putSlaPolicy: 'settings:write',
  deleteSlaPolicy: 'settings:write',
  listSupportPolicies: 'settings:read',
  getSupportPolicy: 'settings:read',
  putSupportPolicy: 'settings:write',
  deleteSupportPolicy: 'settings:write',
  previewSupportPolicies: 'settings:read',
  reorderSupportPolicies: 'settings:write',
  listTicketDecisions: 'tickets:read',
  getPersonEntitlements: 'people:read',
  getAccountEntitlements: 'people:read',
  getSlaSettings: 'settings:read',
  putSlaSettings: 'settings:write',
  listPlaybooks: 'settings:read',
  getPlaybook: 'settings:read',
  putPlaybook: 'playbooks:write',
  deletePlaybook: 'playbooks:write',
  listPlaybookRuns: 'settings:read',
  getPlaybookExperiment: 'settings:read',
  listPredefinedPlaybooks: 'settings:read',
  installPredefinedPlaybook: 'playbooks:write',
  retryPlaybookRun: 'playbooks:write',
  listPersonPlaybooks: 'people:read',
  listTasks: 'tickets:read',
  updateTask: 'tickets:write',
  getEmailSettings: 'settings:read',
  putEmailSettings: 'settings:write',
  renderPlaybookEmail: 'people:read',
  listSuppressions: 'people:read',
  getSuppression: 'people:read',
  putSuppression: 'settings:write',
  deleteSuppression: 'settings:write',
  // Any credential, acting on itself: who am I, sign me out.
  me: 'signed-in',
  logout: 'signed-in',
  logoutEverywhere: 'signed-in',
  // A signed-in user moving to another of their own workspaces (a new session there).
  switchWorkspace: 'signed-in',
  // No credential: the token or password in the body is the credential.
  login: 'public',
  acceptInvitation: 'public',
  resetPassword: 'public',
  setup: 'public',
};

/**
 * PUTs whose path names what to create in the caller's own workspace: another workspace's key
 * with the scope creates its own thing of that name (a 2xx), which B must not notice.
 */
const upsertsInCallersWorkspace = new Set([
  'putWebhook',
  'connectIntegration',
  'connectHelpDeskWebhook',
  'putSlaPolicy',
  'putSupportPolicy',
  'putCannedResponse',
  'putPlaybook',
  'putSuppression',
]);

/**
 * Operations on a person by userId: the matrix's own ingestion calls with A's keys (bodies carry
 * B's userId) create a person of that userId in A, so A exporting or erasing it acts on A's own
 * namesake (200), or finds none (404); either way B must not notice.
 */
const namesakesInCallersWorkspace = new Set(['exportPerson', 'erasePerson']);

/**
 * Operations that also ask for the person's identity-verification hash (in-app messages): the
 * matrix sends none, so a key that may ingest is still refused 401, whoever it belongs to.
 */
const identityVerified = new Set(['listInAppMessages', 'markInAppMessageSeen', 'dismissInAppMessage']);

/** One of B's ids for a path parameter, by the collection it follows: `segments/{key}` and `webhooks/{key}` differ. */
interface PathId {
  value: string;
  /** A name every workspace has its own of (a provider): the caller's own thing answers, not B's. */
  shared?: boolean;
}

// ---------------------------------------------------------------- the two workspaces

interface Seeded {
  ws: TestWorkspace;
  /** Strings only this workspace's data holds; none of B's may appear in an answer to anyone but B. */
  markers: string[];
  ids: {
    userId: string;
    groupId: string;
    segment: string;
    ticket: string;
    webhook: string;
    delivery: string;
    slaPolicy: string;
    supportPolicy: string;
    cannedResponse: string;
    backfill: string;
    playbook: string;
    run: string;
    task: string;
    inAppMessage: string;
    suppression: string;
  };
}

let database: TestDatabase;
/** The schema owner's connection: B's rows as they are, not as row-level security shows them to a caller. */
let ownerPool: pg.Pool;
let app: FastifyInstance;
let base: string;
let a: Seeded;
let b: Seeded;
let revokedKeyOfB: string;
let operations: Operation[];
let resolve: (schema: JsonSchema) => JsonSchema;

/** B's ids by `collection/{parameter}`. */
let pathIds: Record<string, PathId>;
/** B's ids for query parameters that name something; other required query parameters fail the run. */
let queryIds: Record<string, string>;

interface Operation {
  id: string;
  method: string;
  path: string;
  parameters: Array<{ in: string; name: string; required?: boolean }>;
  body: JsonSchema | undefined;
}

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const type = response.headers.get('content-type') ?? '';
  // A stream that opened stays open: what it sent first is all there is to read.
  const text = type.startsWith('text/event-stream') ? await firstChunk(response) : await response.text();
  return { status: response.status, headers: response.headers, text };
}

async function firstChunk(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  const chunk = await Promise.race([reader?.read(), new Promise<undefined>((done) => setTimeout(() => done(undefined), 1000))]);
  await reader?.cancel();
  return `[stream opened] ${chunk?.value ? Buffer.from(chunk.value).toString() : ''}`;
}

/** Seeds one workspace through the API with its own keys, every string of its data carrying `marker`. */
async function seed(ws: TestWorkspace, tag: string): Promise<Seeded> {
  const marker = `${tag}mark${randomBytes(6).toString('hex')}`;
  const admin = { authorization: `Bearer ${ws.adminKey}` };
  const write = { authorization: `Bearer ${ws.writeKey}` };
  const ids = {
    userId: `matrix-${tag}-person`,
    groupId: `matrix-${tag}-account`,
    segment: `matrix-${tag}-segment`,
    webhook: `matrix-${tag}-hook`,
    slaPolicy: `matrix-${tag}-sla`,
    supportPolicy: `matrix-${tag}-policy`,
    cannedResponse: `matrix-${tag}-response`,
    playbook: `matrix-${tag}-playbook`,
  };
  const ok = async (answer: Promise<{ status: number; text: string }>) => {
    const { status, text } = await answer;
    expect(status, text).toBeLessThan(300);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  await ok(
    call(
      'POST',
      '/v1/batch',
      { authorization: basicAuth(ws.writeKey) },
      {
        batch: [
          { type: 'identify', userId: ids.userId, traits: { email: `${marker}@people.example`, name: `${marker} Person`, plan: 'pro' } },
          { type: 'group', userId: ids.userId, groupId: ids.groupId, traits: { name: `${marker} Account`, plan: 'pro' } },
          { type: 'track', userId: ids.userId, event: 'login', properties: { note: `${marker} event` } },
        ],
      },
    ),
  );
  await ok(
    call('POST', '/api/v1/segments', admin, { key: ids.segment, name: `${marker} Segment`, target: 'person', rule: 'plan = "pro"' }),
  );
  const ticket = await ok(
    call('POST', '/api/v1/tickets', write, {
      externalId: `matrix-${tag}-ticket`,
      userId: ids.userId,
      subject: `${marker} Ticket`,
      description: `${marker} opening message`,
    }),
  );
  const ticketId = String(ticket['id']);
  await ok(call('POST', `/api/v1/tickets/${ticketId}/messages`, write, { author: 'customer', body: `${marker} reply` }));
  await ok(
    call('POST', '/api/v1/surveys/responses', write, {
      userId: ids.userId,
      kind: 'csat',
      score: 4,
      comment: `${marker} comment`,
      ticketId,
    }),
  );
  const hookSecret = `whsec_${Buffer.from(`${marker}-hook-secret`).toString('base64')}`;
  await ok(
    call('PUT', `/api/v1/webhooks/${ids.webhook}`, admin, {
      url: `https://${marker}.hooks.example/in`,
      events: ['segment.entered'],
      secret: hookSecret,
    }),
  );
  await ok(
    call('PUT', `/api/v1/canned-responses/${ids.cannedResponse}`, admin, {
      title: `${marker} Response`,
      body: `${marker} reply to {{ person.name }}`,
      segments: [ids.segment],
    }),
  );
  await ok(call('PUT', '/api/v1/integrations/stripe', admin, { secret: `whsec_${marker}` }));
  const integration = await ok(call('GET', '/api/v1/integrations/stripe', admin));
  await ok(
    call('PUT', '/api/v1/integrations/webhook-helpdesk/matrix-desk', admin, {
      preset: 'zoho-desk',
      auth: { type: 'hmac', header: 'X-Matrix-Signature', secret: `hd_${marker}` },
    }),
  );
  const urlToken = String(integration['webhookUrl']).split('/').pop()!;
  await ok(
    call('PUT', '/api/v1/settings/business-hours', admin, {
      timezone: tag === 'b' ? 'Pacific/Chatham' : 'UTC',
      workingDays: [1, 2, 3],
      start: '08:00',
      end: '16:00',
      holidays: [],
    }),
  );
  await ok(
    call('PUT', `/api/v1/sla-policies/${ids.slaPolicy}`, admin, {
      name: `${marker} SLA`,
      businessHours: true,
      targets: { normal: { firstResponseMinutes: 60, resolutionMinutes: 480 } },
    }),
  );
  await ok(call('PUT', '/api/v1/queues/matrix', admin, { name: `${marker} Queue`, agents: [{ email: `agent-${tag}@members.example` }] }));
  await ok(
    call('PUT', `/api/v1/support-policies/${ids.supportPolicy}`, admin, {
      name: `${marker} Policy`,
      position: 1,
      when: `subject contains "${marker}"`,
      set: { sla: ids.slaPolicy, queue: 'matrix' },
      experiment: { holdoutPercent: 10 },
    }),
  );
  const backfill = await ok(call('POST', '/api/v1/analytics/snapshots/backfill', admin, { from: '2026-01-01', to: '2026-01-02' }));
  await ok(
    call('PUT', `/api/v1/playbooks/${ids.playbook}`, admin, {
      name: `${marker} Playbook`,
      enabled: true,
      trigger: { on: 'segment-entered', segment: ids.segment },
      steps: [],
      // An experiment of one arm, so that its readout is B's to read.
      experiment: {
        holdoutPercent: 0,
        arms: [{ key: 'a', weight: 100, steps: [{ type: 'task', title: `${marker} Task`, assignee: `csm-${tag}@members.example` }] }],
        goal: { rule: 'plan = "pro"', withinDays: 7 },
      },
    }),
  );
  // A failed run and an open task, written as the runtime would: this app runs no workers.
  const wsScope = workspaceScope(database.db, ws.workspace.id, () => new Date());
  const personId = (await findProfileId(wsScope, 'person', ids.userId))!;
  const run = (await enrollPerson(
    wsScope,
    { playbookKey: ids.playbook, version: 1, personId, cause: { note: marker }, firstStep: '0', arm: 'a' },
    undefined,
  ))!;
  await moveEnrolment(wsScope, run, { status: 'failed', nextStep: '0', error: `${marker} failure` });
  const task = await insertCsmTask(wsScope, {
    playbookKey: ids.playbook,
    enrolmentId: run,
    personId,
    title: `${marker} Task`,
    assignee: `csm-${tag}@members.example`,
    reason: `${marker} reason`,
    dueAt: null,
  });
  // A message an in-app step left for the person, as the runtime would.
  await insertInAppMessage(wsScope, {
    personId,
    enrolmentId: run,
    stepPath: '1',
    playbookKey: ids.playbook,
    title: `${marker} In-app`,
    body: `${marker} body`,
    cta: null,
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  const inAppMessage = (await listPendingInAppMessages(wsScope, personId))[0]!.id;
  const suppression = `matrix-${tag}-suppressed@example.com`;
  await ok(call('PUT', `/api/v1/suppressions/${suppression}`, admin, { reason: 'bounce' }));
  const delivery = randomUUID();
  await insertWebhookMessages(
    workspaceScope(database.db, ws.workspace.id, () => new Date()),
    [{ id: delivery, webhookKey: ids.webhook, changeId: 1, event: 'segment.entered', payload: { note: `${marker} delivery` } }],
  );
  return {
    ws,
    markers: [marker, urlToken, hookSecret, ws.adminKey, ws.readKey, ws.writeKey],
    ids: { ...ids, ticket: ticketId, delivery, backfill: String(backfill['id']), run, task, inAppMessage, suppression },
  };
}

// ---------------------------------------------------------------- credentials

/** How a credential relates to B: nobody, another workspace, or B with too little. */
type CredentialKind = 'anonymous' | 'foreign' | 'own-wrong-scope';

interface Credential {
  name: string;
  kind: CredentialKind;
  /** What it may do in its own workspace. */
  permissions: readonly Permission[];
  /** A session cookie: ingestion takes write keys only, so to `/v1` it is no credential. */
  session?: boolean;
  /** Its headers on a management call and on an ingestion call. */
  headers(ingestion: boolean): Record<string, string>;
}

const keyCredential = (name: string, kind: CredentialKind, secret: string, scopes: ApiKeyScope[]): Credential => ({
  name,
  kind,
  permissions: permissionsOfScopes(scopes),
  headers: (ingestion) => ({ authorization: ingestion ? basicAuth(secret) : `Bearer ${secret}` }),
});

/**
 * A session cookie (`strata_session`). Writes carry our own Origin, so the CSRF check lets them
 * through to the authorization under test.
 */
const sessionCredential = (name: string, kind: CredentialKind, cookie: string, permissions: readonly Permission[]): Credential => ({
  name,
  kind,
  permissions,
  session: true,
  headers: () => ({ cookie: `strata_session=${cookie}`, origin: base }),
});

/** Sessions, signed in during `beforeAll`: A's owner, B's viewer, and B's signed-out and expired ones. */
let sessions: Credential[];

/** The app's clock: moved on after B's expired session signs in. */
let clockOffsetMs = 0;
const appNow = () => new Date(Date.now() + clockOffsetMs);

/** Every credential kind but B's right one; B's own narrower keys and sessions are tried where they fall short. */
function credentials(): Credential[] {
  return [
    { name: 'no credential', kind: 'anonymous', permissions: [], headers: () => ({}) },
    keyCredential('an unknown key', 'anonymous', `sk_admin_${randomBytes(24).toString('base64url')}`, []),
    keyCredential("B's revoked admin key", 'anonymous', revokedKeyOfB, []),
    keyCredential("A's write key", 'foreign', a.ws.writeKey, ['ingest']),
    keyCredential("A's read key", 'foreign', a.ws.readKey, ['read']),
    keyCredential("A's admin key", 'foreign', a.ws.adminKey, ['admin']),
    keyCredential("B's write key", 'own-wrong-scope', b.ws.writeKey, ['ingest']),
    keyCredential("B's read key", 'own-wrong-scope', b.ws.readKey, ['read']),
    ...sessions,
  ];
}

const holds = (credential: Credential, needed: Permission | 'public' | 'signed-in') =>
  needed === 'public' || (needed === 'signed-in' ? credential.kind !== 'anonymous' : credential.permissions.includes(needed));

// ---------------------------------------------------------------- requests from the document

const collectionParameter = (path: string, name: string) => {
  const parts = path.split('/');
  const at = parts.indexOf(`{${name}}`);
  return `${parts[at - 1]}/{${name}}`;
};

/** The path with B's ids; throws naming every parameter the map does not know. */
function pathFor(operation: Operation): { path: string; namesBsThing: boolean } {
  let namesBsThing = false;
  const path = operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const id = pathIds[collectionParameter(operation.path, name)];
    if (!id)
      throw new Error(`unknown path parameter ${collectionParameter(operation.path, name)} of ${operation.method} ${operation.path}`);
    if (!id.shared) namesBsThing = true;
    return encodeURIComponent(id.value);
  });
  const query = operation.parameters
    .filter((p) => p.in === 'query' && (p.required || queryIds[p.name] !== undefined))
    .map((p) => {
      const value = queryIds[p.name];
      if (value === undefined) throw new Error(`unknown required query parameter ${p.name} of ${operation.method} ${operation.path}`);
      return `${p.name}=${encodeURIComponent(value)}`;
    });
  return { path: query.length ? `${path}?${query.join('&')}` : path, namesBsThing };
}

/** Values by field name, wherever the field is: B's ids where a body can name them, else plain valid values. */
let bodyHints: Record<string, unknown>;

/** The smallest body the schema accepts: required fields, plus the fields a hint fills (so B's ids are named). */
function minimalValue(schema: JsonSchema, name?: string): unknown {
  if (name !== undefined && name in bodyHints) return bodyHints[name];
  const s = resolve(schema) as JsonSchema & { const?: unknown; minItems?: number; exclusiveMinimum?: number; type?: string | string[] };
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const options = s.anyOf ?? s.oneOf;
  if (options) return minimalValue(options.find((o) => resolve(o).type !== 'null') ?? options[0]!);
  if (s.allOf?.[0]) return minimalValue(s.allOf[0]);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      if (s.format === 'date-time') return new Date().toISOString();
      if (s.format === 'email') return 'matrix@example.com';
      if (s.format === 'uuid') return randomUUID();
      return 'm'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum === undefined ? 1 : s.exclusiveMinimum + 1);
    case 'boolean':
      return false;
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => minimalValue(s.items ?? {}));
    case undefined:
    default: {
      const properties = Object.entries(s.properties ?? {}).filter(([key]) => s.required?.includes(key) || key in bodyHints);
      return Object.fromEntries(properties.map(([key, value]) => [key, minimalValue(value, key)]));
    }
  }
}

// ---------------------------------------------------------------- B's rows, through the owner connection

/**
 * A count and a hash of B's rows per table (every table with a workspace_id, the workspaces row
 * included, and graphile-worker jobs whose payload names B), read on the owner's connection. Usage stamps (`api_keys.last_used_at`) move when a key is merely tried,
 * and are not data.
 */
async function fingerprintOfB(): Promise<Record<string, string>> {
  const tables = await ownerPool.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`);
  const row = (from: string, where: string) =>
    `SELECT '${from}' AS t, count(*)::int AS n,
       coalesce(md5(string_agg((to_jsonb(x) - 'last_used_at' - 'last_seen_at')::text, ',' ORDER BY (to_jsonb(x) - 'last_used_at' - 'last_seen_at')::text)), '') AS h
     FROM ${from} x WHERE ${where}`;
  // A session past its end is no longer B's: the hook may delete it when it is presented.
  const liveOnly: Record<string, string> = { user_sessions: ' AND x.expires_at > $2' };
  const parts = tables.rows.map((t) => row(`"${t.name}"`, `x.workspace_id = $1${liveOnly[t.name] ?? ''}`));
  const jobs = await ownerPool.query<{ found: string | null }>(`SELECT to_regclass('graphile_worker._private_jobs')::text AS found`);
  if (jobs.rows[0]?.found) parts.push(row('graphile_worker._private_jobs', `x.payload::text LIKE '%' || $1 || '%'`));
  const result = await ownerPool.query<{ t: string; n: number; h: string }>(parts.join('\nUNION ALL\n'), [b.ws.workspace.id, appNow()]);
  return Object.fromEntries(result.rows.map((r) => [r.t, `${r.n}:${r.h}`]));
}

// ---------------------------------------------------------------- setup

const endsSessions = new Set(['logout', 'logoutEverywhere', 'switchWorkspace']);

/** A member of the workspace with the role, invited with its admin key and signed in by accepting: their id and session cookie. */
async function signIn(ws: TestWorkspace, role: 'admin' | 'viewer' | 'agent', tag: string): Promise<{ id: string; cookie: string }> {
  const invited = await call(
    'POST',
    '/api/v1/users',
    { authorization: `Bearer ${ws.adminKey}` },
    { email: `${tag}@members.example`, role },
  );
  expect(invited.status, invited.text).toBe(201);
  const { id, inviteUrl } = JSON.parse(invited.text) as { id: string; inviteUrl: string };
  const accepted = await call(
    'POST',
    '/api/v1/auth/invitations/accept',
    {},
    { token: new URL(inviteUrl).hash.slice(1), password: 'a long matrix password' },
  );
  expect(accepted.status, accepted.text).toBe(200);
  const cookie = /strata_session=([^;]+)/.exec(accepted.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error(`no session cookie from accepting the invitation: ${accepted.headers.get('set-cookie')}`);
  return { id, cookie };
}

beforeAll(async () => {
  database = await createTestDatabase();
  ownerPool = new pg.Pool({ connectionString: database.ownerUrl, max: 2 });
  app = await createTestApp(database, { now: appNow });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const wsA = await createTestWorkspace(database);
  const wsB = await createTestWorkspace(database);
  // B's expired session signs in first; eight days later (sessions end after seven) the rest begins.
  const expired = await signIn(wsB, 'viewer', 'expired');
  clockOffsetMs = 8 * 24 * 3600_000;
  a = await seed(wsA, 'a');
  b = await seed(wsB, 'b');
  const adminOfA = await signIn(wsA, 'admin', 'a-admin');
  const viewerOfB = await signIn(wsB, 'viewer', `${b.markers[0]}-viewer`);
  const signedOut = await signIn(wsB, 'agent', 'signed-out');
  const loggedOut = await call('POST', '/api/v1/auth/logout', sessionCredential('', 'anonymous', signedOut.cookie, []).headers(false));
  expect(loggedOut.status).toBeLessThan(300);
  sessions = [
    sessionCredential("A's admin session", 'foreign', adminOfA.cookie, rolePermissions.admin),
    sessionCredential("B's viewer session", 'own-wrong-scope', viewerOfB.cookie, rolePermissions.viewer),
    sessionCredential("B's signed-out session", 'anonymous', signedOut.cookie, []),
    sessionCredential("B's expired session", 'anonymous', expired.cookie, []),
  ];
  const bScope = workspaceScope(database.db, b.ws.workspace.id, () => new Date());
  const revoked = await createApiKey(bScope, { name: 'revoked', scopes: ['admin'] });
  expect(await revokeApiKey(bScope, revoked.key.id)).toBe('revoked');
  revokedKeyOfB = revoked.secret;
  b.markers.push(revokedKeyOfB);
  // A live key of B that no credential of the matrix uses: DELETE /keys/{id} aims at it.
  const liveKeyOfB = await createApiKey(bScope, { name: 'matrix-target', scopes: ['read'] });

  pathIds = {
    'people/{userId}': { value: b.ids.userId },
    'accounts/{groupId}': { value: b.ids.groupId },
    'segments/{key}': { value: b.ids.segment },
    'tickets/{id}': { value: b.ids.ticket },
    'webhooks/{key}': { value: b.ids.webhook },
    'sla-policies/{key}': { value: b.ids.slaPolicy },
    'support-policies/{key}': { value: b.ids.supportPolicy },
    'canned-responses/{key}': { value: b.ids.cannedResponse },
    'playbooks/{key}': { value: b.ids.playbook },
    'runs/{id}': { value: b.ids.run },
    'tasks/{id}': { value: b.ids.task },
    'deliveries/{id}': { value: b.ids.delivery },
    'integrations/{provider}': { value: 'stripe', shared: true },
    'webhook-helpdesk/{key}': { value: 'matrix-desk', shared: true },
    'health-models/{key}': { value: 'default', shared: true },
    'predefined-playbooks/{key}': { value: 'detractor-call', shared: true },
    'measures/{measure}': { value: 'csm-rating', shared: true },
    'queues/{key}': { value: 'matrix-queue', shared: true },
    'agents/{email}': { value: 'matrix-agent@example.com', shared: true },
    'users/{id}': { value: viewerOfB.id },
    'keys/{id}': { value: liveKeyOfB.key.id },
    'backfill/{id}': { value: b.ids.backfill },
    'in-app/{id}': { value: b.ids.inAppMessage },
    'members/{userId}': { value: b.ids.userId },
    'suppressions/{email}': { value: b.ids.suppression },
  };
  queryIds = { id: b.ids.userId, q: b.ids.userId, segments: b.ids.segment, userId: b.ids.userId };
  bodyHints = {
    userId: b.ids.userId,
    previousId: b.ids.userId,
    groupId: b.ids.groupId,
    ticketId: b.ids.ticket,
    segments: [b.ids.segment],
    batch: [
      { type: 'identify', userId: b.ids.userId, traits: { plan: 'overwritten-by-a' } },
      { type: 'group', userId: b.ids.userId, groupId: b.ids.groupId, traits: { plan: 'overwritten-by-a' } },
    ],
    traits: { plan: 'overwritten-by-a' },
    event: 'matrix_event',
    key: 'matrix-new',
    name: 'Matrix',
    target: 'person',
    rule: 'plan = "pro"',
    url: 'https://hooks.example.com/matrix',
    events: ['segment.entered'],
    externalId: 'matrix-b-ticket',
    secret: 'whsec_matrix_0123456789',
    subject: 'matrix subject',
    author: 'customer',
    body: 'matrix message',
    kind: 'csat',
    score: 5,
    timezone: 'UTC',
    workingDays: [1, 2, 3, 4, 5],
    start: '09:00',
    end: '17:00',
    holidays: [],
    role: 'viewer',
    queue: 'matrix-queue',
    agents: [{ email: 'matrix-agent@example.com' }],
    status: 'away',
    weights: { priority: 1, sla: 1, churnRisk: 1, value: 1, sentiment: 1 },
    when: 'channel = "email"',
    keys: [b.ids.supportPolicy],
    trigger: { on: 'segment-entered', segment: b.ids.segment },
    steps: [{ type: 'wait', minutes: 1 }],
    targets: { normal: { firstResponseMinutes: 60, resolutionMinutes: 480 } },
    from: '2026-01-01',
    to: '2026-01-02',
  };

  const document = JSON.parse((await call('GET', '/api/v1/openapi.json', {})).text) as {
    paths: Record<
      string,
      Record<
        string,
        { operationId: string; parameters?: Operation['parameters']; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }
      >
    >;
    components?: { schemas?: Record<string, JsonSchema> };
  };
  resolve = resolver(document.components?.schemas ?? {});
  const rank: Record<string, number> = { GET: 0, POST: 1, PATCH: 2, DELETE: 3, PUT: 4 };
  operations = Object.entries(document.paths)
    .flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      })),
    )
    // Reads first, upserts last: an upsert by A creates A's own thing under B's name, which a later read by A would find.
    // Sign-outs after everything: they end the sessions the rest of the matrix calls with.
    .sort((x, y) => (rank[x.method] ?? 5) - (rank[y.method] ?? 5))
    .sort((x, y) => Number(endsSessions.has(x.id)) - Number(endsSessions.has(y.id)));
}, 120_000);
afterAll(async () => {
  await ownerPool.end();
  await app.close();
  await database.drop();
});

// ---------------------------------------------------------------- the matrix

type Expected = { statuses: number[] } | 'acts-in-own-workspace';

/** What a credential deserves on an operation that names B's ids. */
function expected(operation: Operation, credential: Credential, namesBsThing: boolean): Expected {
  const readsInput = operation.body !== undefined || operation.parameters.length > 0;
  // Fastify validates before the handler authenticates: a body the schema refuses answers 400 first.
  const orInvalid = (status: number) => ({ statuses: readsInput ? [status, 400] : [status] });
  const needed = requiredPermission[operation.id]!;
  // A public operation's credential is in its body (a password, a token): whoever calls, B is untouched.
  if (needed === 'public') return 'acts-in-own-workspace';
  if (credential.kind === 'anonymous' || (credential.session && operation.path.startsWith('/v1/'))) return orInvalid(401);
  if (!holds(credential, needed)) return orInvalid(403);
  if (credential.kind === 'own-wrong-scope')
    throw new Error(`${credential.name} holds ${needed}: it is not short of it for ${operation.id}`);
  if (identityVerified.has(operation.id)) return orInvalid(401);
  if (namesBsThing && !upsertsInCallersWorkspace.has(operation.id) && !namesakesInCallersWorkspace.has(operation.id)) return orInvalid(404);
  return 'acts-in-own-workspace';
}

describe('the tenant matrix', () => {
  it('knows every operation and every path parameter of the document', () => {
    const unknown = [
      ...operations
        .filter((o) => !(o.id in requiredPermission))
        .map((o) => `${o.method} ${o.path} (${o.id}) has no entry in requiredPermission`),
      ...operations.flatMap((o) => {
        try {
          pathFor(o);
          return [];
        } catch (error) {
          return [(error as Error).message];
        }
      }),
    ];
    expect(unknown, 'add the operation to requiredPermission, and give B a thing for each new parameter in pathIds').toEqual([]);
    expect(operations.filter((o) => o.path.startsWith('/v1/')).length).toBeGreaterThanOrEqual(8);
    expect(operations.filter((o) => o.path.startsWith('/api/v1/')).length).toBeGreaterThanOrEqual(36);
  });

  it("sees B's data when B asks, so a leak would show", async () => {
    const own = await call('GET', `/api/v1/people/${b.ids.userId}`, { authorization: `Bearer ${b.ws.readKey}` });
    expect(own.status).toBe(200);
    expect(own.text).toContain(b.markers[0]);
    const ticket = await call('GET', `/api/v1/tickets/${b.ids.ticket}`, { authorization: `Bearer ${b.ws.readKey}` });
    expect(ticket.text).toContain(b.markers[0]);
    const integration = await call('GET', '/api/v1/integrations/stripe', { authorization: `Bearer ${b.ws.adminKey}` });
    expect(integration.text).toContain(b.markers[1]);
    const before = await fingerprintOfB();
    await call('POST', '/v1/identify', { authorization: basicAuth(b.ws.writeKey) }, { userId: b.ids.userId, traits: { seen: true } });
    expect(await fingerprintOfB()).not.toEqual(before);
  });

  it('no credential but B’s own right one reads, changes or reaches B', { timeout: 600_000 }, async () => {
    const started = performance.now();
    const failures: string[] = [];
    const outcomes: Record<string, number> = {};
    let calls = 0;
    for (const operation of operations) {
      const ingestion = operation.path.startsWith('/v1/');
      const { path, namesBsThing } = pathFor(operation);
      const body = operation.body ? minimalValue(operation.body) : undefined;
      for (const credential of credentials()) {
        // B's own keys are in the matrix only where their scope is the wrong one.
        if (credential.kind === 'own-wrong-scope' && holds(credential, requiredPermission[operation.id]!)) continue;
        const want = expected(operation, credential, namesBsThing);
        const label = `${operation.method} ${path} with ${credential.name}`;
        const before = await fingerprintOfB();
        const answer = await call(operation.method, path, credential.headers(ingestion), body);
        const after = await fingerprintOfB();
        calls++;
        outcomes[answer.status] = (outcomes[answer.status] ?? 0) + 1;

        if (want === 'acts-in-own-workspace' ? answer.status >= 500 : !want.statuses.includes(answer.status))
          failures.push(
            `${label}: answered ${answer.status}, expected ${want === 'acts-in-own-workspace' ? 'no 5xx' : want.statuses.join(' or ')}: ${answer.text.slice(0, 200)}`,
          );
        const headerText = [...answer.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
        for (const marker of b.markers)
          if (answer.text.includes(marker) || headerText.includes(marker)) failures.push(`${label}: the answer carries B's ${marker}`);
        const changed = Object.keys({ ...before, ...after }).filter((table) => before[table] !== after[table]);
        if (changed.length) failures.push(`${label}: changed B's ${changed.join(', ')} (answered ${answer.status})`);
        if (answer.status >= 400) {
          const error = (JSON.parse(answer.text) as { error?: { code?: unknown; requestId?: unknown } }).error;
          if (typeof error?.code !== 'string' || typeof error.requestId !== 'string')
            failures.push(`${label}: ${answer.status} is not {"error":{code,message,requestId}}: ${answer.text.slice(0, 200)}`);
        }
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `tenant matrix: ${operations.length} operations × ${credentials().length} credential kinds = ${calls} calls in ${seconds} s; statuses ${JSON.stringify(outcomes)}`,
    );
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(operations.length * 5);
  });
});
