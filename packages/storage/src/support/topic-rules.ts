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
