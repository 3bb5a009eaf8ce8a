import type { Insertable, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { WorkspaceScope } from '../workspace-scope.js';

export type SurveyRow = Selectable<Database['surveys']>;
export type NewSurveyRow = Insertable<Database['surveys']> & { source: string; external_id: string };

/**
 * Stores an answer, or updates the answer with the same source and external id (a survey link
 * opened twice, a Delighted response edited) when this one is at least as new. Returns the row
 * as stored and the row it replaced.
 */
export async function upsertSurvey(
  scope: WorkspaceScope,
  answer: Omit<NewSurveyRow, 'workspace_id'>,
): Promise<{ stored: SurveyRow; previous: SurveyRow | undefined; applied: boolean }> {
  const { db, workspaceId } = scope;
  const row = { ...answer, workspace_id: workspaceId };
  const previous = await db
    .selectFrom('surveys')
    .selectAll()
    .where('workspace_id', '=', row.workspace_id)
    .where('source', '=', row.source)
    .where('external_id', '=', row.external_id)
    .forUpdate()
    .executeTakeFirst();
  if (!previous) {
    const stored = await db.insertInto('surveys').values(row).returningAll().executeTakeFirstOrThrow();
    return { stored, previous, applied: true };
  }
  if (new Date(row.submitted_at).getTime() < previous.submitted_at.getTime()) return { stored: previous, previous, applied: false };
  // The answer keeps its id; everything else is the newer answer's.
  const stored = await db
    .updateTable('surveys')
    .set({ ...row, survey_id: previous.survey_id, updated_at: scope.clock() })
    .where('workspace_id', '=', row.workspace_id)
    .where('survey_id', '=', previous.survey_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { stored, previous, applied: true };
}
