import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Pool } from 'pg';
import { installJobSchema } from './jobs/index.js';
import * as initial from './migrations/0001-initial.js';
import * as segmentSources from './migrations/0002-segment-sources.js';
import * as liveSegments from './migrations/0003-live-segments.js';
import * as supportSignals from './migrations/0004-support-signals.js';
import * as segmentWorkFailures from './migrations/0005-segment-work-failures.js';
import * as shortKeyPrefixes from './migrations/0006-short-key-prefixes.js';
import * as engineSpine from './migrations/0007-engine-spine.js';
import * as calendarWindows from './migrations/0008-calendar-windows.js';
import * as measuresAsDouble from './migrations/0009-measures-as-double.js';
import * as usersAndSessions from './migrations/0010-users-and-sessions.js';
import * as rowLevelSecurity from './migrations/0011-row-level-security.js';
import * as auditAndPrivacy from './migrations/0012-audit-and-privacy.js';
import * as analyzeFunction from './migrations/0013-analyze-function.js';
import * as customerSearch from './migrations/0014-customer-search.js';
import * as segmentChangeDays from './migrations/0015-segment-change-days.js';
import * as integrationDeliveries from './migrations/0016-integration-deliveries.js';
import * as liveAtScale from './migrations/0017-live-at-scale.js';
import * as textSignals from './migrations/0018-text-signals.js';
import * as health from './migrations/0019-health.js';
import * as churnRisk from './migrations/0020-churn-risk.js';
import * as inlineSummaryReads from './migrations/0021-inline-summary-reads.js';
import * as supportPolicies from './migrations/0022-support-policies.js';
import * as lifecycle from './migrations/0023-lifecycle.js';
import * as cannedResponses from './migrations/0024-canned-responses.js';
import * as routing from './migrations/0025-routing.js';
import * as playbooks from './migrations/0026-playbooks.js';
import * as segmentAnalytics from './migrations/0027-segment-analytics.js';
import * as browserIngestion from './migrations/0028-browser-ingestion.js';
import * as webhookSources from './migrations/0029-webhook-sources.js';
import * as queueHelpDeskGroups from './migrations/0030-queue-help-desk-groups.js';
import * as personHealth from './migrations/0031-person-health.js';
import * as playbookEmail from './migrations/0032-playbook-email.js';
import * as playbookTriggers from './migrations/0033-playbook-triggers.js';
import * as playbookExperiments from './migrations/0034-playbook-experiments.js';
import * as playbookResumableWork from './migrations/0035-playbook-resumable-work.js';
import * as previewCoveringIndexes from './migrations/0036-preview-covering-indexes.js';

/** Migrations in order; a new one is a new numbered file added here. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-segment-sources': segmentSources,
  '0003-live-segments': liveSegments,
  '0004-support-signals': supportSignals,
  '0005-segment-work-failures': segmentWorkFailures,
  '0006-short-key-prefixes': shortKeyPrefixes,
  '0007-engine-spine': engineSpine,
  '0008-calendar-windows': calendarWindows,
  '0009-measures-as-double': measuresAsDouble,
  '0010-users-and-sessions': usersAndSessions,
  '0011-row-level-security': rowLevelSecurity,
  '0012-audit-and-privacy': auditAndPrivacy,
  '0013-analyze-function': analyzeFunction,
  '0014-customer-search': customerSearch,
  '0015-segment-change-days': segmentChangeDays,
  '0016-integration-deliveries': integrationDeliveries,
  '0017-live-at-scale': liveAtScale,
  '0018-text-signals': textSignals,
  '0019-health': health,
  '0020-churn-risk': churnRisk,
  '0021-inline-summary-reads': inlineSummaryReads,
  '0022-support-policies': supportPolicies,
  '0023-lifecycle': lifecycle,
  '0024-canned-responses': cannedResponses,
  '0025-routing': routing,
  '0026-playbooks': playbooks,
  '0027-segment-analytics': segmentAnalytics,
  '0028-browser-ingestion': browserIngestion,
  '0029-webhook-sources': webhookSources,
  '0030-queue-help-desk-groups': queueHelpDeskGroups,
  '0031-person-health': personHealth,
  '0032-playbook-email': playbookEmail,
  '0033-playbook-triggers': playbookTriggers,
  '0034-playbook-experiments': playbookExperiments,
  '0035-playbook-resumable-work': playbookResumableWork,
  '0036-preview-covering-indexes': previewCoveringIndexes,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/**
 * Brings the schema up to date, the job queue's included; concurrent callers are serialised by
 * Kysely's migration lock (and graphile-worker's installer tolerates a concurrent install).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest({ db, pool }: { db: Kysely<any>; pool: Pool }): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `migration ${failed?.migrationName ?? '(unknown)'} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      { cause: error },
    );
  }
  await installJobSchema(pool);
  return (results ?? []).map((r) => r.migrationName);
}
