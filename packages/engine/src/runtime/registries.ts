import { backfillSegmentMetricsTask, snapshotSegmentMetricsTask } from '../analytics/index.js';
import type { Subscriber } from '../changes/index.js';
import { trainChurnModelTask } from '../churn/index.js';
import type { AnyTask } from '../jobs/index.js';
import { recomputeHealthHistoryTask, refreshHealthTask } from '../health/index.js';
import { syncTicketTask } from '../integrations/index.js';
import {
  advanceEnrolmentTask,
  checkExperimentGoalTask,
  deliverPlaybookEmailTask,
  playbookEnrolments,
  playbookTriggersTask,
} from '../playbooks/index.js';
import { eventRetentionTask } from '../privacy/index.js';
import { trainTextModelsTask } from '../support/index.js';
import { redecideOpenTicketsTask, slaTimerTask, supportPolicyDecisions } from '../support-policies/index.js';
import { routeTicketTask } from '../routing/index.js';
import { deliverWebhookTask, membershipWebhooks, pruneWebhookMessagesTask } from '../webhooks/index.js';

/**
 * Every background task, by name: the one table the job runner reads. A domain adds its task here;
 * a job whose name is missing stays queued (graphile-worker runs only the tasks it was given).
 */
export const tasks = {
  'deliver-webhook': deliverWebhookTask,
  'prune-webhook-messages': pruneWebhookMessagesTask,
  'apply-event-retention': eventRetentionTask,
  'train-text-models': trainTextModelsTask,
  'train-churn-model': trainChurnModelTask,
  'refresh-health': refreshHealthTask,
  'recompute-health-history': recomputeHealthHistoryTask,
  'redecide-open-tickets': redecideOpenTicketsTask,
  'sla-timer': slaTimerTask,
  'route-ticket': routeTicketTask,
  'sync-ticket': syncTicketTask,
  'snapshot-segment-metrics': snapshotSegmentMetricsTask,
  'backfill-segment-metrics': backfillSegmentMetricsTask,
  'advance-playbook-enrolment': advanceEnrolmentTask,
  'check-experiment-goal': checkExperimentGoalTask,
  'poll-playbook-triggers': playbookTriggersTask,
  'deliver-playbook-email': deliverPlaybookEmailTask,
} as const satisfies Record<string, AnyTask>;

export type TaskName = keyof typeof tasks;

/** Every change subscriber, in the order a pass serves them. Names are cursor keys: never rename one. */
export const subscribers: readonly Subscriber[] = [membershipWebhooks, supportPolicyDecisions, playbookEnrolments];
