import type { Target } from '@strata/core';
import { findPlaybook, inWorkspaceTransaction, listSegments, savePlaybook, type WorkspaceScope } from '@strata/storage';
import { createSegment, type SegmentRunOptions } from '../segments/index.js';
import { checkPlaybook, type PlaybookInput, type PlaybookIssue } from './playbook-checking.js';

/** A segment a predefined playbook triggers on that is not one of the predefined segments: made when the playbook is installed. */
interface HelperSegment {
  key: string;
  name: string;
  description: string;
  target: Target;
  rule: string;
}

/** A playbook of the seeds' proactive side, ready to install: disabled, so nothing is sent before the team has read it and set a sender. */
export interface PredefinedPlaybook {
  key: string;
  description: string;
  segments: HelperSegment[];
  playbook: PlaybookInput;
}

const promoters: HelperSegment = {
  key: 'promoters',
  name: 'Promoters',
  description: 'People whose latest NPS answer is 9 or 10.',
  target: 'person',
  rule: 'last(surveys.nps) >= 9',
};
const detractors: HelperSegment = {
  key: 'detractors',
  name: 'Detractors',
  description: 'People whose latest NPS answer is 0 to 6.',
  target: 'person',
  rule: 'last(surveys.nps) <= 6',
};
const firstInvoice: HelperSegment = {
  key: 'first-invoice',
  name: 'First invoice',
  description: 'Accounts whose first invoice is at most 7 days old (first_invoice_at, from Stripe or Chargebee).',
  target: 'account',
  rule: 'first_invoice_at within last 7 days',
};

const greeting = 'Hi {{ person.name | default: "there" }},';

/** The catalog, in the order the docs list it (docs/playbooks.md, "Predefined playbooks"). */
export const predefinedPlaybooks: readonly PredefinedPlaybook[] = [
  {
    key: 'trial-onboarding',
    description: 'Welcomes each person of an account that starts a trial, then sends tips three days later unless they are already active.',
    segments: [],
    playbook: {
      name: 'Trial onboarding',
      enabled: false,
      trigger: { on: 'segment-entered', segment: 'trial' },
      steps: [
        {
          type: 'email',
          subject: 'Welcome to your trial, {{ person.name | default: "there" }}',
          text: `${greeting}\n\nthanks for trying us. The three things most teams set up first: ...\n\nReply to this email with any question.`,
        },
        { type: 'wait', days: 3 },
        { type: 'exit-when', if: 'in segment "active"' },
        {
          type: 'email',
          subject: 'Getting the most out of your trial',
          text: `${greeting}\n\nhere are the guides our most successful customers started with: ...`,
        },
      ],
      reenrollAfterDays: 365,
    },
  },
  {
    key: 'first-invoice-explainer',
    description: "Explains the first invoice to an account's people right after it is issued, before it turns into a billing ticket.",
    segments: [firstInvoice],
    playbook: {
      name: 'First invoice: billing explainer',
      enabled: false,
      trigger: { on: 'segment-entered', segment: 'first-invoice' },
      steps: [
        {
          type: 'email',
          subject: 'Your first invoice, line by line',
          text: `${greeting}\n\nyour first invoice for {{ account.name | default: "your account" }} is out. Here is what each line means and when the next one comes: ...`,
          transactional: true,
        },
      ],
    },
  },
  {
    key: 're-engagement',
    description: 'Reaches out to people who stopped using the product (the predefined inactive segment), at most once every 60 days.',
    segments: [],
    playbook: {
      name: 'Re-engagement',
      enabled: false,
      trigger: { on: 'segment-entered', segment: 'inactive' },
      steps: [
        {
          type: 'email',
          subject: 'We have not seen you in a while',
          text: `${greeting}\n\nhere is what changed since your last visit: ...`,
        },
        { type: 'wait', days: 7 },
        { type: 'exit-when', if: 'not in segment "inactive"' },
        { type: 'task', title: 'Call: still inactive a week after the re-engagement email', dueInDays: 3 },
      ],
      reenrollAfterDays: 60,
      frequencyCap: { max: 2, days: 7 },
    },
  },
  {
    key: 'promoter-review-request',
    description: 'Asks people who answered NPS with 9 or 10 for a review.',
    segments: [promoters],
    playbook: {
      name: 'Promoter review request',
      enabled: false,
      trigger: { on: 'segment-entered', segment: 'promoters' },
      steps: [
        { type: 'wait', days: 1 },
        {
          type: 'email',
          subject: 'Would you tell others about us?',
          text: `${greeting}\n\nthank you for your score. A short review helps other teams find us: ...`,
        },
      ],
      reenrollAfterDays: 180,
    },
  },
  {
    key: 'detractor-call',
    description: 'Opens a CSM task to call each person who answered NPS with 0 to 6, due in two days.',
    segments: [detractors],
    playbook: {
      name: 'Detractor call',
      enabled: false,
      trigger: { on: 'segment-entered', segment: 'detractors' },
      steps: [
        {
          type: 'task',
          title: 'Call a detractor about their NPS answer',
          dueInDays: 2,
          reason: 'Their latest NPS answer was 6 or lower: find out why before it becomes churn.',
        },
      ],
      reenrollAfterDays: 90,
    },
  },
  {
    key: 'onboarding-stalled-nudge',
    description: 'Nudges people whose onboarding stalled (the predefined segment), then asks their CSM to help if they are still stuck.',
    segments: [],
    playbook: {
      name: 'Onboarding stalled: nudge',
      enabled: false,
      trigger: { on: 'segment-entered', segment: 'onboarding-stalled' },
      steps: [
        {
          type: 'email',
          subject: 'Stuck setting up?',
          text: `${greeting}\n\nmost teams finish setting up with these three steps: ...\n\nOr book 20 minutes with us and we will do it together.`,
        },
        { type: 'wait', days: 3 },
        { type: 'exit-when', if: 'not in segment "onboarding-stalled"' },
        { type: 'task', title: 'Offer an onboarding call', dueInDays: 2 },
      ],
      reenrollAfterDays: 30,
    },
  },
];

export type InstallOutcome =
  | { ok: true; segmentsCreated: string[] }
  | { ok: false; problem: { code: 'unknown' } | { code: 'key-taken' } | { code: 'invalid'; issues: PlaybookIssue[] } };

/**
 * Installs a predefined playbook under its key, disabled, first making the segments it triggers on
 * when the workspace lacks them (a segment of that key the team made is used as it is).
 */
export async function installPredefinedPlaybook(
  scope: WorkspaceScope,
  key: string,
  secrets: Parameters<typeof checkPlaybook>[2],
  options: SegmentRunOptions,
): Promise<InstallOutcome> {
  const predefined = predefinedPlaybooks.find((p) => p.key === key);
  if (!predefined) return { ok: false, problem: { code: 'unknown' } };
  if (await findPlaybook(scope, key)) return { ok: false, problem: { code: 'key-taken' } };
  const existing = new Set((await listSegments(scope)).map((s) => s.key));
  const segmentsCreated: string[] = [];
  for (const segment of predefined.segments) {
    if (existing.has(segment.key)) continue;
    const created = await createSegment(scope, segment, options);
    if (!created.ok && created.problem.code !== 'key-taken')
      throw new Error(`invariant: the segment ${segment.key} of predefined playbook ${key}: ${JSON.stringify(created.problem)}`);
    if (created.ok) segmentsCreated.push(segment.key);
  }
  const checked = await checkPlaybook(scope, predefined.playbook, secrets);
  if (!checked.ok) return { ok: false, problem: { code: 'invalid', issues: checked.issues } };
  const saved = await inWorkspaceTransaction(scope, async (tx) => {
    if (await findPlaybook(tx, key)) return false;
    await savePlaybook(tx, key, checked.definition);
    return true;
  });
  if (!saved) return { ok: false, problem: { code: 'key-taken' } };
  return { ok: true, segmentsCreated };
}
