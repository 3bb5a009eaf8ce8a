import type { PlaybookStep } from '@strata/core';
import { readEmailSettings, type WorkspaceScope } from '@strata/storage';
import { emailTemplateProblems, stepTemplates } from '../email/index.js';
import type { PlaybookStepInput } from './playbook-checking.js';

type EmailStep = Extract<PlaybookStep, { type: 'email' | 'survey' }>;

/** An email or survey step whose templates parse; each that does not is reported at its field (`steps[0].subject`). */
export function checkedEmailStep(step: EmailStep, at: string, issue: (field: string, message: string) => void): PlaybookStep | undefined {
  const problems = emailTemplateProblems(
    step.type === 'email' ? stepTemplates(step) : { subject: step.subject, ...(step.text !== undefined ? { text: step.text } : {}) },
  );
  for (const problem of problems) issue(`${at}.${problem.field}`, problem.message);
  return problems.length === 0 ? step : undefined;
}

/**
 * An enabled playbook that sends email needs the workspace's SMTP settings: without them each
 * email step is reported, and nothing is stored (a disabled playbook may be saved first).
 */
export async function checkEmailSettingsFor(
  scope: WorkspaceScope,
  input: {
    enabled: boolean;
    steps: readonly PlaybookStepInput[];
    experiment?: { arms: ReadonlyArray<{ steps: readonly PlaybookStepInput[] }> } | undefined;
  },
  issue: (field: string, message: string) => void,
  canSign = true,
): Promise<void> {
  if (!input.enabled) return;
  const fields = [
    ...emailStepFields(input.steps, 'steps'),
    ...(input.experiment?.arms ?? []).flatMap((arm, i) => emailStepFields(arm.steps, `experiment.arms[${i}].steps`)),
  ];
  if (fields.length === 0) return;
  if (!canSign) {
    // Unsubscribe links are signed with a key derived from it: without it every send would fail for good.
    for (const field of fields)
      issue(
        field,
        'this step sends email, whose unsubscribe links are signed with STRATA_SECRET_KEY, and it is not set: set it and restart',
      );
    return;
  }
  if (await readEmailSettings(scope)) return;
  for (const field of fields)
    issue(
      field,
      'this step sends email and the workspace has no email settings: set the SMTP server with PUT /api/v1/settings/email first, or save the playbook with enabled: false',
    );
}

function emailStepFields(steps: readonly PlaybookStepInput[], path: string): string[] {
  return steps.flatMap((step, i) => {
    const at = `${path}[${i}]`;
    if (step.type === 'email' || step.type === 'survey') return [at];
    if (step.type === 'branch') return [...emailStepFields(step.then, `${at}.then`), ...emailStepFields(step.else, `${at}.else`)];
    return [];
  });
}
