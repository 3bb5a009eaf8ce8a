import type { SegmentRule } from '../segments/ir.js';

/** What starts an enrolment: a person entering or leaving a segment. */
export type PlaybookTrigger = { on: 'segment-entered' | 'segment-exited'; segment: string };

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
  /** At most `max` marketing emails to a person in any `days` days, across playbooks; the workspace's default when absent. */
  frequencyCap?: { max: number; days: number } | undefined;
  /** Emails wait out these hours (`HH:MM`, the customer's timezone); `start` after `end` spans midnight. */
  quietHours?: QuietHours | undefined;
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
