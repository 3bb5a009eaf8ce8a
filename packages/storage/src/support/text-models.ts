import { sql, type Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

export type TextModelRow = Selectable<Database['text_models']>;
export type TextModelKind = Database['text_models']['kind'];

export async function findTextModel(scope: WorkspaceScope, kind: TextModelKind): Promise<TextModelRow | undefined> {
  return scope.db
    .selectFrom('text_models')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('kind', '=', kind)
    .executeTakeFirst();
}

/** Marks a training run as asked for; the model stored so far stays in use until the run replaces it. */
export async function markTextModelQueued(scope: WorkspaceScope, kind: TextModelKind, at: Date): Promise<void> {
  await scope.db
    .insertInto('text_models')
    .values({ workspace_id: scope.workspaceId, kind, status: 'queued', requested_at: at })
    .onConflict((oc) => oc.columns(['workspace_id', 'kind']).doUpdateSet({ status: 'queued', requested_at: at, error: null }))
    .execute();
}

export async function markTextModelTraining(scope: WorkspaceScope, kind: TextModelKind): Promise<void> {
  await scope.db
    .insertInto('text_models')
    .values({ workspace_id: scope.workspaceId, kind, status: 'training' })
    .onConflict((oc) => oc.columns(['workspace_id', 'kind']).doUpdateSet({ status: 'training', rescore_done: null, rescore_total: null }))
    .execute();
}

/** The outcome of a training run; a run with too few labels or a failure keeps no model in use. */
export interface TextModelResult {
  status: 'trained' | 'too-few-labels' | 'failed';
  inUse: boolean;
  model: unknown;
  samples: number;
  lexiconQuality: Record<string, number> | null;
  modelQuality: Record<string, number> | null;
  error: string | null;
  trainedAt: Date;
}

export async function saveTextModel(scope: WorkspaceScope, kind: TextModelKind, result: TextModelResult): Promise<void> {
  const values = {
    status: result.status,
    in_use: result.inUse,
    model: result.model === null ? null : JSON.stringify(result.model),
    samples: result.samples,
    lexicon_quality: result.lexiconQuality === null ? null : JSON.stringify(result.lexiconQuality),
    model_quality: result.modelQuality === null ? null : JSON.stringify(result.modelQuality),
    error: result.error,
    trained_at: result.trainedAt,
  };
  await scope.db
    .insertInto('text_models')
    .values({ workspace_id: scope.workspaceId, kind, ...values })
    .onConflict((oc) => oc.columns(['workspace_id', 'kind']).doUpdateSet(values))
    .execute();
}

export async function setTextModelRescoreProgress(scope: WorkspaceScope, kind: TextModelKind, done: number, total: number): Promise<void> {
  await scope.db
    .updateTable('text_models')
    .set({ rescore_done: done, rescore_total: total })
    .where('workspace_id', '=', scope.workspaceId)
    .where('kind', '=', kind)
    .execute();
}

/** A customer message with a sentiment label from the team: an agent's correction, or the ticket's CSAT. */
export interface SentimentLabelRow {
  body: string;
  label: 'negative' | 'neutral' | 'positive';
  language: string | null;
  from: 'agent' | 'csat';
}

/**
 * The workspace's sentiment labels. Agents' corrections are strong labels. CSAT is a weak one
 * (it rates the service, not the words): a score of 1-2 labels the ticket's latest customer
 * message negative, 4-5 positive, and only on tickets where no agent corrected a message.
 */
export async function listSentimentLabels(scope: WorkspaceScope): Promise<SentimentLabelRow[]> {
  const { rows } = await sql<SentimentLabelRow>`
    SELECT body, sentiment_correction AS label, language, 'agent' AS "from", created_at, message_id
    FROM ticket_messages
    WHERE workspace_id = ${scope.workspaceId} AND sentiment_correction IS NOT NULL
    UNION ALL
    SELECT latest.body, CASE WHEN t.csat <= 2 THEN 'negative' ELSE 'positive' END, latest.language, 'csat',
      latest.created_at, latest.message_id
    FROM tickets t
    CROSS JOIN LATERAL (
      SELECT m.body, m.language, m.created_at, m.message_id FROM ticket_messages m
      WHERE m.workspace_id = t.workspace_id AND m.ticket_id = t.ticket_id AND m.author = 'customer'
      ORDER BY m.created_at DESC, m.message_id DESC LIMIT 1
    ) latest
    WHERE t.workspace_id = ${scope.workspaceId} AND (t.csat <= 2 OR t.csat >= 4)
      AND NOT EXISTS (
        SELECT 1 FROM ticket_messages c
        WHERE c.workspace_id = t.workspace_id AND c.ticket_id = t.ticket_id AND c.sentiment_correction IS NOT NULL
      )
    -- A stable order, so the cross-validation folds (and so the measured quality) repeat run to run.
    ORDER BY created_at, message_id
    LIMIT 20000`.execute(scope.db);
  return rows.map(({ body, label, language, from }) => ({ body, label, language, from }));
}

/** Open tickets' customer messages an agent has not corrected, for re-scoring with a new model. */
export async function listOpenTicketMessagesToRescore(
  scope: WorkspaceScope,
): Promise<Array<{ ticket_id: string; message_id: string; body: string; language: string | null; subject: string | null }>> {
  return scope.db
    .selectFrom('ticket_messages as m')
    .innerJoin('tickets as t', (join) => join.onRef('t.workspace_id', '=', 'm.workspace_id').onRef('t.ticket_id', '=', 'm.ticket_id'))
    .select(['m.ticket_id', 'm.message_id', 'm.body', 'm.language', 't.subject'])
    .where('m.workspace_id', '=', scope.workspaceId)
    .where('t.is_open', '=', true)
    .where('m.author', '=', 'customer')
    .where('m.sentiment_correction', 'is', null)
    .where('m.language_supported', '=', true)
    .orderBy('m.ticket_id')
    .execute();
}

export async function updateMessageSentiment(
  scope: WorkspaceScope,
  messageId: string,
  sentiment: { score: number; label: string },
): Promise<void> {
  await scope.db
    .updateTable('ticket_messages')
    .set({ sentiment: sentiment.score, sentiment_label: sentiment.label })
    .where('workspace_id', '=', scope.workspaceId)
    .where('message_id', '=', messageId)
    .execute();
}

/**
 * An agent's correction of a ticket's sentiment, on the customer message the ticket's sentiment
 * comes from (its latest): the label replaces the lexicon's, the score becomes the label's end of
 * the scale. Undefined when the ticket has no customer message.
 */
export async function correctLatestCustomerSentiment(
  scope: WorkspaceScope,
  ticketId: string,
  label: 'negative' | 'neutral' | 'positive',
): Promise<{ message_id: string } | undefined> {
  const latest = await scope.db
    .selectFrom('ticket_messages')
    .select('message_id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('ticket_id', '=', ticketId)
    .where('author', '=', 'customer')
    .orderBy('created_at', 'desc')
    .orderBy('message_id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return undefined;
  const score = label === 'negative' ? -1 : label === 'positive' ? 1 : 0;
  await scope.db
    .updateTable('ticket_messages')
    .set({ sentiment_correction: label, sentiment_label: label, sentiment: score })
    .where('workspace_id', '=', scope.workspaceId)
    .where('message_id', '=', latest.message_id)
    .execute();
  return latest;
}

/** The `language` traits of a ticket's requester and account, for messages too short to tell. */
export async function findLanguageTraits(
  scope: WorkspaceScope,
  ids: { personId: string | null; accountId: string | null },
): Promise<{ requester: string | null; account: string | null }> {
  const { rows } = await sql<{ requester: string | null; account: string | null }>`
    SELECT
      (SELECT traits->>'language' FROM people WHERE workspace_id = ${scope.workspaceId} AND person_id = ${ids.personId}) AS requester,
      (SELECT traits->>'language' FROM accounts WHERE workspace_id = ${scope.workspaceId} AND account_id = ${ids.accountId}) AS account`.execute(
    scope.db,
  );
  return rows[0] ?? { requester: null, account: null };
}

/** Tickets an agent tagged with one of `topics`: the topic (the first such tag) and the customer's text. */
export async function listTopicLabels(scope: WorkspaceScope, topics: readonly string[]): Promise<Array<{ text: string; topic: string }>> {
  if (topics.length === 0) return [];
  const { rows } = await sql<{ text: string; topic: string }>`
    SELECT concat_ws(E'\n', t.subject, (
        SELECT string_agg(m.body, E'\n' ORDER BY m.created_at, m.message_id) FROM ticket_messages m
        WHERE m.workspace_id = t.workspace_id AND m.ticket_id = t.ticket_id AND m.author = 'customer'
      )) AS text,
      (SELECT tag FROM unnest(t.tags) WITH ORDINALITY AS u(tag, n) WHERE tag = ANY(${[...topics]}::text[]) ORDER BY n LIMIT 1) AS topic
    FROM tickets t
    WHERE t.workspace_id = ${scope.workspaceId} AND t.tags && ${[...topics]}::text[]
    ORDER BY t.created_at, t.ticket_id
    LIMIT 20000`.execute(scope.db);
  return rows;
}
