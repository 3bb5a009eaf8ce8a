import { sql, type Kysely } from 'kysely';
import type { Database, PlaybookEnrolmentStatus } from '../schema.js';
import { forEachWorkspace } from '../workspace-scope.js';

/** Playbook runs by status and steps run by type and outcome, over every workspace: counters for `/metrics`. */
export interface PlaybookCounts {
  runs: Record<PlaybookEnrolmentStatus, number>;
  steps: Array<{ type: string; outcome: string; count: number }>;
  /** Experiment enrolments by arm key (`holdout` among them); arms of the same key in different playbooks add up. */
  arms: Array<{ arm: string; count: number }>;
}

export async function countPlaybookActivity(db: Kysely<Database>): Promise<PlaybookCounts> {
  const runs: Record<PlaybookEnrolmentStatus, number> = { active: 0, completed: 0, exited: 0, stopped: 0, failed: 0 };
  const steps = new Map<string, { type: string; outcome: string; count: number }>();
  const arms = new Map<string, number>();
  await forEachWorkspace(
    db,
    () => new Date(0),
    async ({ db: scoped, workspaceId }) => {
      const byStatus = await sql<{ status: PlaybookEnrolmentStatus; n: number }>`
        SELECT status, count(*)::int AS n FROM playbook_enrolments WHERE workspace_id = ${workspaceId} GROUP BY status`.execute(scoped);
      for (const row of byStatus.rows) runs[row.status] += row.n;
      const byStep = await sql<{ step_type: string; outcome: string; n: number }>`
        SELECT step_type, outcome, count(*)::int AS n FROM playbook_step_runs WHERE workspace_id = ${workspaceId}
        GROUP BY step_type, outcome`.execute(scoped);
      for (const row of byStep.rows) {
        const key = `${row.step_type}\u0000${row.outcome}`;
        const counted = steps.get(key) ?? { type: row.step_type, outcome: row.outcome, count: 0 };
        counted.count += row.n;
        steps.set(key, counted);
      }
      const byArm = await sql<{ arm: string; n: number }>`
        SELECT arm, count(*)::int AS n FROM playbook_enrolments WHERE workspace_id = ${workspaceId} AND arm IS NOT NULL
        GROUP BY arm`.execute(scoped);
      for (const row of byArm.rows) arms.set(row.arm, (arms.get(row.arm) ?? 0) + row.n);
    },
  );
  return {
    runs,
    steps: [...steps.values()].sort((a, b) => a.type.localeCompare(b.type) || a.outcome.localeCompare(b.outcome)),
    arms: [...arms].sort(([a], [b]) => a.localeCompare(b)).map(([arm, count]) => ({ arm, count })),
  };
}
