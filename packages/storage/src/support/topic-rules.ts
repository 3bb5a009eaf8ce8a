import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';

export interface TopicRuleRow {
  topic: string;
  keywords: string[];
}

/** The workspace's topic rules in their order, or undefined when it never set any (the built-in ones apply). */
export async function listTopicRules(scope: WorkspaceScope): Promise<TopicRuleRow[] | undefined> {
  const rows = await scope.db
    .selectFrom('ticket_topic_rules')
    .select(['topic', 'keywords'])
    .where('workspace_id', '=', scope.workspaceId)
    .orderBy('position')
    .execute();
  return rows.length === 0 ? undefined : rows;
}

/** Replaces all the workspace's topic rules, in the caller's transaction. */
export async function replaceTopicRules(scope: WorkspaceScope, rules: readonly TopicRuleRow[]): Promise<void> {
  await scope.db.deleteFrom('ticket_topic_rules').where('workspace_id', '=', scope.workspaceId).execute();
  if (rules.length === 0) return;
  await scope.db
    .insertInto('ticket_topic_rules')
    .values(rules.map((rule, position) => ({ workspace_id: scope.workspaceId, topic: rule.topic, keywords: rule.keywords, position })))
    .execute();
}

/**
 * What a ticket write needs of the workspace's text settings, in one round trip: whether its
 * sentiment and topic models are in use and when each was trained, and the topic rules
 * (undefined: the built-in ones).
 */
export async function findTextSettings(scope: WorkspaceScope): Promise<{
  sentimentModel: { inUse: boolean; trainedAt: Date | null } | undefined;
  topicModel: { inUse: boolean; trainedAt: Date | null } | undefined;
  topicRules: TopicRuleRow[] | undefined;
}> {
  const { rows } = await sql<{
    in_use: boolean | null;
    trained_at: Date | null;
    topic_in_use: boolean | null;
    topic_trained_at: Date | null;
    rules: TopicRuleRow[] | null;
  }>`
    SELECT m.in_use, m.trained_at, t.in_use AS topic_in_use, t.trained_at AS topic_trained_at,
      (SELECT json_agg(json_build_object('topic', r.topic, 'keywords', r.keywords) ORDER BY r.position)
       FROM ticket_topic_rules r WHERE r.workspace_id = ${scope.workspaceId}) AS rules
    FROM (SELECT 1) AS one
    LEFT JOIN text_models m ON m.workspace_id = ${scope.workspaceId} AND m.kind = 'sentiment'
    LEFT JOIN text_models t ON t.workspace_id = ${scope.workspaceId} AND t.kind = 'topic'`.execute(scope.db);
  const row = rows[0];
  return {
    sentimentModel: row?.in_use == null ? undefined : { inUse: row.in_use, trainedAt: row.trained_at },
    topicModel: row?.topic_in_use == null ? undefined : { inUse: row.topic_in_use, trainedAt: row.topic_trained_at },
    topicRules: row?.rules ?? undefined,
  };
}
