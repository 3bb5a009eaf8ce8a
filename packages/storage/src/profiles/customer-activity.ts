import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';

/** One hit of the header search: a person or an account, with what matched shown as traits. */
export interface CustomerHit {
  kind: 'person' | 'account';
  id: string;
  name: string | null;
  email: string | null;
  domain: string | null;
}

/**
 * People by userId, email or name and accounts by groupId, name or domain, each starting with `q`
 * (case-insensitive), at most `limit` of each, an exact id first. The lowercased keys are stored
 * generated columns (migration 0014): `starts_with` over them is leakproof, so row-level security
 * lets the planner use their indexes.
 */
export async function searchCustomers(scope: WorkspaceScope, q: string, limit: number): Promise<CustomerHit[]> {
  const { db, workspaceId } = scope;
  const starts = (column: string) => sql<boolean>`starts_with(${sql.ref(column)}, lower(${q}))`;
  const [people, accounts] = await Promise.all([
    db
      .selectFrom('people')
      .select(['user_id', sql<string | null>`traits ->> 'name'`.as('name'), sql<string | null>`traits ->> 'email'`.as('email')])
      .where('workspace_id', '=', workspaceId)
      .where('user_id', 'is not', null)
      .where(sql<boolean>`(${starts('search_user_id')} or ${starts('search_email')} or ${starts('search_name')})`)
      .orderBy(sql`user_id = ${q}`, 'desc')
      .orderBy('user_id')
      .limit(limit)
      .execute(),
    db
      .selectFrom('accounts')
      .select(['group_id', sql<string | null>`traits ->> 'name'`.as('name'), sql<string | null>`traits ->> 'domain'`.as('domain')])
      .where('workspace_id', '=', workspaceId)
      .where(sql<boolean>`(${starts('search_group_id')} or ${starts('search_name')} or ${starts('search_domain')})`)
      .orderBy(sql`group_id = ${q}`, 'desc')
      .orderBy('group_id')
      .limit(limit)
      .execute(),
  ]);
  return [
    ...people.map((p) => ({ kind: 'person' as const, id: p.user_id ?? '', name: p.name, email: p.email, domain: null })),
    ...accounts.map((a) => ({ kind: 'account' as const, id: a.group_id, name: a.name, email: null, domain: a.domain })),
  ];
}

/** A ticket as a customer's page lists it: the signals, not the messages. */
export interface TicketSummary {
  id: string;
  externalId: string | null;
  source: string;
  subject: string | null;
  status: string | null;
  priority: string | null;
  channel: string | null;
  open: boolean;
  createdAt: Date;
  solvedAt: Date | null;
  sentiment: { label: string; score: number } | null;
  /** True when an agent set the sentiment of the message it comes from. */
  sentimentCorrected: boolean;
  language: string | null;
  /** Of the customer's latest message: how sure, and whether from the text or a `language` trait. */
  languageConfidence: number | null;
  languageSource: string | null;
  languageSupported: boolean;
  topics: string[];
  csat: number | null;
}

/** A survey answer as a customer's page lists it. */
export interface SurveyAnswer {
  id: string;
  kind: string | null;
  nps: number | null;
  csat: number | null;
  score: number | null;
  comment: string | null;
  submittedAt: Date;
  source: string;
}

type Owner = { target: 'person' | 'account'; profileId: string };

/** An event on a customer's timeline. */
export interface TimelineEvent {
  /** Strata's id of the event, the tie-break of the page cursor. */
  eventId: string;
  type: string;
  name: string;
  userId: string | null;
  groupId: string | null;
  properties: Record<string, unknown>;
  timestamp: Date;
}

/**
 * A person's or account's events, newest first: `limit` of them before `after` (the last one of
 * the previous page, by timestamp then id, so events at the same instant are neither skipped nor
 * repeated).
 */
export async function listCustomerEvents(
  scope: WorkspaceScope,
  owner: Owner,
  limit: number,
  after?: { timestamp: Date; eventId: string },
): Promise<TimelineEvent[]> {
  const { db, workspaceId } = scope;
  let query = db
    .selectFrom('events as e')
    .leftJoin('people as p', (j) => j.onRef('p.workspace_id', '=', 'e.workspace_id').onRef('p.person_id', '=', 'e.person_id'))
    .leftJoin('accounts as a', (j) => j.onRef('a.workspace_id', '=', 'e.workspace_id').onRef('a.account_id', '=', 'e.account_id'))
    .select(['e.event_id', 'e.type', 'e.name', 'p.user_id', 'a.group_id', 'e.properties', 'e.timestamp'])
    .where('e.workspace_id', '=', workspaceId)
    .where(owner.target === 'person' ? 'e.person_id' : 'e.account_id', '=', owner.profileId);
  if (after)
    query = query.where(
      sql<boolean>`(date_trunc('milliseconds', e.timestamp), e.event_id) < (${after.timestamp}, ${after.eventId}::bigint)`,
    );
  const rows = await query.orderBy('e.timestamp', 'desc').orderBy('e.event_id', 'desc').limit(limit).execute();
  return rows.map((e) => ({
    eventId: String(e.event_id),
    type: e.type,
    name: e.name,
    userId: e.user_id,
    groupId: e.group_id,
    properties: e.properties,
    timestamp: e.timestamp,
  }));
}

/** A person's or account's tickets, newest first: `limit` of them after `after` (the previous page's last). */
export async function listCustomerTickets(
  scope: WorkspaceScope,
  owner: Owner,
  limit: number,
  after?: { createdAt: Date; id: string },
): Promise<TicketSummary[]> {
  const { db, workspaceId } = scope;
  // The customer's latest message says how sure the language is and whether an agent set the sentiment.
  const latest = (column: 'language_confidence' | 'language_source' | 'language_supported' | 'sentiment_correction') =>
    sql.raw(`(SELECT m.${column} FROM ticket_messages m WHERE m.workspace_id = tickets.workspace_id AND m.ticket_id = tickets.ticket_id
      AND m.author = 'customer' ORDER BY m.created_at DESC, m.message_id DESC LIMIT 1)`);
  let query = db
    .selectFrom('tickets')
    .selectAll()
    .select([
      sql<number | null>`${latest('language_confidence')}`.as('latest_language_confidence'),
      sql<string | null>`${latest('language_source')}`.as('latest_language_source'),
      sql<boolean | null>`${latest('language_supported')}`.as('latest_language_supported'),
      sql<string | null>`${latest('sentiment_correction')}`.as('latest_sentiment_correction'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where(owner.target === 'person' ? 'person_id' : 'account_id', '=', owner.profileId);
  if (after)
    query = query.where(sql<boolean>`(date_trunc('milliseconds', created_at), ticket_id) < (${after.createdAt}, ${after.id}::uuid)`);
  const rows = await query.orderBy('created_at', 'desc').orderBy('ticket_id', 'desc').limit(limit).execute();
  return rows.map((t) => ({
    id: t.ticket_id,
    externalId: t.external_id,
    source: t.source,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    channel: t.channel,
    open: t.is_open,
    createdAt: t.created_at,
    solvedAt: t.solved_at,
    sentiment: t.sentiment_label !== null && t.sentiment !== null ? { label: t.sentiment_label, score: t.sentiment } : null,
    sentimentCorrected: t.latest_sentiment_correction !== null,
    language: t.language,
    languageConfidence: t.latest_language_confidence,
    languageSource: t.latest_language_source,
    languageSupported: t.latest_language_supported ?? true,
    topics: t.topics,
    csat: t.csat,
  }));
}

/** A person's or account's survey answers, newest first. */
export async function listCustomerSurveys(scope: WorkspaceScope, owner: Owner, limit: number): Promise<SurveyAnswer[]> {
  const { db, workspaceId } = scope;
  const rows = await db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where(owner.target === 'person' ? 'person_id' : 'account_id', '=', owner.profileId)
    .orderBy('submitted_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((s) => ({
    id: s.survey_id,
    kind: s.kind,
    nps: s.nps,
    csat: s.csat,
    score: s.score,
    comment: s.comment,
    submittedAt: s.submitted_at,
    source: s.source,
  }));
}
