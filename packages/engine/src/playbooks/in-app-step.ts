import type { PlaybookStep } from '@strata/core';
import { insertInAppMessage, type PlaybookEnrolment, type WorkspaceScope } from '@strata/storage';

type InAppStep = Extract<PlaybookStep, { type: 'in-app' }>;

/** Days an in-app message is shown when its step gives none. */
export const inAppDefaultExpiryDays = 30;

/** An in-app step with its call to action checked: the product opens the URL, so only http(s). */
export function checkedInApp(
  step: InAppStep,
  at: string,
  checks: { issue: (field: string, message: string) => void },
): PlaybookStep | undefined {
  if (!step.cta) return step;
  let url: URL | undefined;
  try {
    url = new URL(step.cta.url);
  } catch {
    url = undefined;
  }
  if (url?.protocol === 'http:' || url?.protocol === 'https:') return { ...step, cta: { label: step.cta.label, url: url.toString() } };
  checks.issue(`${at}.cta.url`, `"${step.cta.url}" is not an http(s) URL: write a whole address, such as https://app.example.com/upgrade`);
  return undefined;
}

/**
 * Leaves the step's message for the person, in the step's transaction; the run and path are its
 * key, so it is stored once however often the step runs.
 */
export async function storeInAppMessage(tx: WorkspaceScope, enrolment: PlaybookEnrolment, path: string, step: InAppStep): Promise<void> {
  const days = step.expiresInDays ?? inAppDefaultExpiryDays;
  await insertInAppMessage(tx, {
    personId: enrolment.personId,
    enrolmentId: enrolment.id,
    stepPath: path,
    playbookKey: enrolment.playbookKey,
    title: step.title,
    body: step.body,
    cta: step.cta ?? null,
    expiresAt: new Date(tx.clock().getTime() + days * 86_400_000),
  });
}
