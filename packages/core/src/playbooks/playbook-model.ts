import type { SegmentRule } from '../segments/ir.js';

/** A value an event trigger's `where` compares an event property with (equality). */
export type EventPropertyValue = string | number | boolean | null;

/** What starts an enrolment. */
export type PlaybookTrigger =
  /** A person (or an account, for its people) entering or leaving a segment. */
  | { on: 'segment-entered' | 'segment-exited'; segment: string }
  /** A person's tracked event of this name whose properties equal each of `where` (`a.b` reads a nested property). */
  | { on: 'event'; event: string; where?: Record<string, EventPropertyValue> | undefined }
  /** At each time of the cron (in the workspace's timezone), everyone in the segment then. */
  | { on: 'schedule'; cron: string; segment: string }
  /** A health score's band changed (to `to` when given): an account's people, or the person. */
  | { on: 'health-band-changed'; to?: string | undefined }
  /** A ticket became solved: its requester. */
  | { on: 'ticket-solved' };

export type PlaybookTriggerKind = PlaybookTrigger['on'];

/** The segment a trigger reads, when it reads one (segment changes and schedules). */
export function triggerSegment(trigger: PlaybookTrigger): string | undefined {
  return 'segment' in trigger ? trigger.segment : undefined;
}

/** A rule as a playbook stores it: the canonical text a client sees, and the checked IR the runtime evaluates. */
export interface StoredRule {
  text: string;
  rule: SegmentRule;
}

/**
 * One step of a playbook. Steps run in order; `branch` runs one of its two lists, then goes on
 * after itself. A wait is a duration (`minutes`, `hours`, `days`, added up), then, with `until`,
 * on to a time of day in the customer's timezone.
 */
export type PlaybookStep =
  /** Posts the person and the run, signed with Standard Webhooks; the secret is stored sealed (base64). */
  | { type: 'webhook'; url: string; sealedSecret: string }
  | { type: 'task'; title: string; assignee?: string | undefined; dueInDays?: number | undefined; reason?: string | undefined }
  | { type: 'set-trait'; trait: string; value: string | number | boolean | null }
  | {
      type: 'wait';
      minutes?: number | undefined;
      hours?: number | undefined;
      days?: number | undefined;
      /** Then on to the next time the customer's clock reads this (`HH:MM`, their timezone). */
      until?: string | undefined;
    }
  | { type: 'branch'; if: StoredRule; then: PlaybookStep[]; else: PlaybookStep[] }
  | { type: 'exit-when'; if: StoredRule }
  /** Adds the person to (removes them from) a manual segment of people, as `POST /segments/{key}/members` does. */
  | { type: 'add-to-segment' | 'remove-from-segment'; segment: string }
  /** Leaves a message for the product to show the person (`GET /v1/in-app`), until dismissed or `expiresInDays` (30). */
  | {
      type: 'in-app';
      title: string;
      body: string;
      cta?: { label: string; url: string } | undefined;
      expiresInDays?: number | undefined;
    }
  /** Liquid templates over person, account, event and unsubscribeUrl; `transactional` goes to unsubscribed people too. */
  | { type: 'email'; subject: string; text: string; html?: string | undefined; transactional?: boolean | undefined }
  /** An email with the hosted one-click survey links (`surveyUrls`, by score, for the templates). */
  | { type: 'survey'; kind: 'nps' | 'csat'; subject: string; text?: string | undefined };

export type PlaybookStepType = PlaybookStep['type'];

/** A playbook's definition as one version stores it. */
export interface PlaybookDefinition {
  name: string;
  enabled: boolean;
  trigger: PlaybookTrigger;
  /** Only people the rule holds for at the trigger are enrolled. */
  filter?: StoredRule | undefined;
  steps: PlaybookStep[];
  /** A person enrolls again only this many days after their last enrolment started; never again when absent. */
  reenrollAfterDays?: number | undefined;
  /** An A/B test: each enrolment runs one arm's steps instead of `steps`, or none in the holdout. */
  experiment?: PlaybookExperiment | undefined;
  /** At most `max` marketing emails to a person in any `days` days, across playbooks; the workspace's default when absent. */
  frequencyCap?: { max: number; days: number } | undefined;
  /** Emails wait out these hours (`HH:MM`, the customer's timezone); `start` after `end` spans midnight. */
  quietHours?: QuietHours | undefined;
}

/** What an experiment measures, over the `withinDays` after each enrolment. */
export type ExperimentGoal =
  /** Reached when the rule holds for the person within the window. */
  | { rule: StoredRule; withinDays: number }
  /** A measure of the person's own data in the window; `event` names conversion's event. */
  | { metric: ExperimentGoalMetric; withinDays: number; event?: string | undefined };

export const experimentGoalMetrics = ['conversion', 'csat', 'retention', 'tickets-per-account'] as const;
export type ExperimentGoalMetric = (typeof experimentGoalMetrics)[number];

/** One arm: its share of the non-held-out people (weights sum to 100) and the steps it runs. */
export interface ExperimentArm {
  key: string;
  weight: number;
  steps: PlaybookStep[];
}

export interface PlaybookExperiment {
  arms: ExperimentArm[];
  /** The percentage of enrolments that run no steps and are measured as the baseline. */
  holdoutPercent: number;
  goal: ExperimentGoal;
}

/** A daily window when no email goes out, on the customer's clock. */
export interface QuietHours {
  start: string;
  end: string;
}

/** A playbook with its key and current version. */
export interface Playbook extends PlaybookDefinition {
  key: string;
  version: number;
}

/** The milliseconds a wait step holds an enrolment. */
export function waitMilliseconds(step: Extract<PlaybookStep, { type: 'wait' }>): number {
  return ((step.days ?? 0) * 1440 + (step.hours ?? 0) * 60 + (step.minutes ?? 0)) * 60_000;
}
