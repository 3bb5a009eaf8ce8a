import {
  validateRule,
  type FieldSchema,
  type PlaybookDefinition,
  type PlaybookStep,
  type PlaybookTrigger,
  type StoredRule,
} from '@strata/core';
import { listSegments, loadFieldSchema, type SegmentDefinition, type WorkspaceScope } from '@strata/storage';
import { generateWebhookSecret, webhookSecretProblem, webhookUrlProblem } from '../webhooks/index.js';
import { checkedExperiment, type ExperimentInput } from './experiment-checking.js';
import { checkedInApp } from './in-app-step.js';
import { checkedSegmentStep } from './segment-steps.js';
import { triggerIssues } from './trigger-checking.js';
import { checkEmailSettingsFor, checkedEmailStep } from './email-step-checking.js';

/** A step as a client writes it: rules (`if`) are text. */
export type PlaybookStepInput =
  | Exclude<PlaybookStep, { type: 'branch' | 'exit-when' | 'webhook' }>
  /** The secret is generated when left out. */
  | { type: 'webhook'; url: string; secret?: string | undefined }
  | { type: 'branch'; if: string; then: PlaybookStepInput[]; else: PlaybookStepInput[] }
  | { type: 'exit-when'; if: string };

/** A playbook as a client writes it. */
export interface PlaybookInput {
  name: string;
  enabled: boolean;
  trigger: PlaybookTrigger;
  filter?: string | undefined;
  steps: PlaybookStepInput[];
  reenrollAfterDays?: number | undefined;
  /** Arms that run instead of `steps`, a holdout and a goal (experiment-checking.ts). */
  experiment?: ExperimentInput | undefined;
  frequencyCap?: PlaybookDefinition['frequencyCap'];
  quietHours?: PlaybookDefinition['quietHours'];
}

/** A mistake in a playbook: the JSON path of the field at fault (`steps[2].if`) and how to fix it. */
export interface PlaybookIssue {
  field: string;
  message: string;
}

export type CheckedPlaybook =
  /** `generatedSecrets`: the secrets made for webhook steps that gave none, by field (`steps[2]`), to answer once. */
  { ok: true; definition: PlaybookDefinition; generatedSecrets: Record<string, string> } | { ok: false; issues: PlaybookIssue[] };

/** Seals webhook secrets for storage; undefined while STRATA_SECRET_KEY is not configured. */
type Sealer = { seal(plaintext: string): Buffer } | undefined;

/** What checking the steps needs besides the steps. */
interface StepChecks {
  rule: (text: string, field: string) => StoredRule | undefined;
  issue: (field: string, message: string) => void;
  secrets: Sealer;
  generatedSecrets: Record<string, string>;
  segments: readonly SegmentDefinition[];
  /** The sealed secrets of the saved version's webhook steps, by URL: a step saved again without a secret keeps its own. */
  keptSecrets: ReadonlyMap<string, string>;
}

/**
 * Checks a playbook against the workspace, reporting every mistake: its trigger (`triggerIssues`),
 * and each rule (the filter, `branch` and `exit-when`) must parse
 * and check as a rule about a person.
 */
export async function checkPlaybook(
  scope: WorkspaceScope,
  input: PlaybookInput,
  secrets: Sealer,
  saved?: PlaybookDefinition,
): Promise<CheckedPlaybook> {
  const [schema, segments] = await Promise.all([loadFieldSchema(scope), listSegments(scope)]);
  const issues: PlaybookIssue[] = triggerIssues(input.trigger, segments);
  const rule = (text: string, field: string): StoredRule | undefined => checkedRule(text, field, schema, issues);
  const filter = input.filter === undefined ? undefined : rule(input.filter, 'filter');
  const generatedSecrets: Record<string, string> = {};
  const keptSecrets = new Map(webhookSteps(saved).map((step) => [step.url, step.sealedSecret] as const));
  const checks: StepChecks = {
    rule,
    issue: (field, message) => issues.push({ field, message }),
    secrets,
    generatedSecrets,
    segments,
    keptSecrets,
  };
  const steps = checkedSteps(input.steps, 'steps', checks);
  const experiment =
    input.experiment &&
    checkedExperiment(input.experiment, { rule, issue: checks.issue, steps: (list, path) => checkedSteps(list, path, checks) });
  if (input.experiment && input.steps.length > 0)
    checks.issue(
      'steps',
      "with an experiment each enrolment runs its arm's steps instead: move these into experiment.arms and leave steps []",
    );
  await checkEmailSettingsFor(scope, input, checks.issue, secrets !== undefined);
  if (issues.length > 0 || !steps || (input.experiment && !experiment)) return { ok: false, issues };
  return {
    ok: true,
    definition: {
      name: input.name,
      enabled: input.enabled,
      trigger: input.trigger,
      ...(filter ? { filter } : {}),
      steps,
      ...(input.reenrollAfterDays !== undefined ? { reenrollAfterDays: input.reenrollAfterDays } : {}),
      ...(experiment ? { experiment } : {}),
      ...(input.frequencyCap !== undefined ? { frequencyCap: input.frequencyCap } : {}),
      ...(input.quietHours !== undefined ? { quietHours: input.quietHours } : {}),
    },
    generatedSecrets,
  };
}

function checkedRule(text: string, field: string, schema: FieldSchema, issues: PlaybookIssue[]): StoredRule | undefined {
  const result = validateRule(text, { target: 'person', schema });
  if (result.ok) return { text: result.text, rule: result.rule };
  for (const d of result.diagnostics)
    issues.push({ field, message: `${d.message} (characters ${d.span.start + 1}-${d.span.end} of the rule)` });
  return undefined;
}

/** The steps with their rules checked, or undefined when a rule failed (its issue is recorded). */
function checkedSteps(steps: readonly PlaybookStepInput[], path: string, checks: StepChecks): PlaybookStep[] | undefined {
  // Every step is checked, even after one failed, so that all mistakes are reported at once.
  const checked = steps.map((step, i) => checkedStep(step, `${path}[${i}]`, checks));
  return checked.every((s) => s !== undefined) ? checked : undefined;
}

function checkedStep(step: PlaybookStepInput, at: string, checks: StepChecks): PlaybookStep | undefined {
  const { rule } = checks;
  switch (step.type) {
    case 'webhook':
      return checkedWebhook(step, at, checks);
    case 'branch': {
      const condition = rule(step.if, `${at}.if`);
      const then = checkedSteps(step.then, `${at}.then`, checks);
      const otherwise = checkedSteps(step.else, `${at}.else`, checks);
      return condition && then && otherwise ? { type: 'branch', if: condition, then, else: otherwise } : undefined;
    }
    case 'exit-when': {
      const condition = rule(step.if, `${at}.if`);
      return condition && { type: 'exit-when', if: condition };
    }
    case 'in-app':
      return checkedInApp(step, at, checks);
    case 'add-to-segment':
    case 'remove-from-segment':
      return checkedSegmentStep(step, at, checks);
    case 'email':
    case 'survey':
      return checkedEmailStep(step, at, checks.issue);
    case 'set-trait':
    case 'task':
    case 'wait':
      return step;
  }
}

function checkedWebhook(step: Extract<PlaybookStepInput, { type: 'webhook' }>, at: string, checks: StepChecks): PlaybookStep | undefined {
  const urlProblem = webhookUrlProblem(step.url);
  if (urlProblem) checks.issue(`${at}.url`, urlProblem);
  const secretProblem = step.secret === undefined ? undefined : webhookSecretProblem(step.secret);
  if (secretProblem) checks.issue(`${at}.secret`, secretProblem);
  if (!checks.secrets) {
    checks.issue(at, 'a webhook step keeps its signing secret encrypted, and STRATA_SECRET_KEY is not set: set it and restart');
    return undefined;
  }
  if (urlProblem || secretProblem) return undefined;
  const url = new URL(step.url).toString();
  // Saving again (the kill switch, an edit elsewhere) must not change a receiver's secret behind its back.
  const kept = step.secret === undefined ? checks.keptSecrets.get(url) : undefined;
  if (kept !== undefined) return { type: 'webhook', url, sealedSecret: kept };
  const secret = step.secret ?? generateWebhookSecret();
  if (step.secret === undefined) checks.generatedSecrets[at] = secret;
  return { type: 'webhook', url, sealedSecret: checks.secrets.seal(secret).toString('base64') };
}

/** Every webhook step of a saved definition: its steps, branches and experiment arms. */
function webhookSteps(definition: PlaybookDefinition | undefined): Array<Extract<PlaybookStep, { type: 'webhook' }>> {
  const walk = (steps: readonly PlaybookStep[]): Array<Extract<PlaybookStep, { type: 'webhook' }>> =>
    steps.flatMap((step) => (step.type === 'webhook' ? [step] : step.type === 'branch' ? [...walk(step.then), ...walk(step.else)] : []));
  if (!definition) return [];
  return [...walk(definition.steps), ...(definition.experiment?.arms ?? []).flatMap((arm) => walk(arm.steps))];
}
