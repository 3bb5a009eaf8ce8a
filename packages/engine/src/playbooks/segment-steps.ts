import type { PlaybookStep } from '@strata/core';
import { findSegment, type PlaybookEnrolment, type SegmentDefinition, type WorkspaceScope } from '@strata/storage';
import { changeManualMembers } from '../segments/index.js';

type SegmentStep = Extract<PlaybookStep, { type: 'add-to-segment' | 'remove-from-segment' }>;

/** A segment step names a manual segment of people: a rule segment's members are its rule's to decide. */
export function checkedSegmentStep(
  step: SegmentStep,
  at: string,
  checks: { issue: (field: string, message: string) => void; segments: readonly SegmentDefinition[] },
): PlaybookStep | undefined {
  const segment = checks.segments.find((s) => s.key === step.segment);
  const manual = checks.segments.filter((s) => s.manual && s.target === 'person').map((s) => `"${s.key}"`);
  const known = manual.length > 0 ? `manual segments of people here: ${manual.join(', ')}` : 'no manual segment of people yet';
  const problem = !segment
    ? `unknown segment "${step.segment}" (${known}): create one with POST /api/v1/segments and "manual": true`
    : !segment.manual
      ? `segment "${step.segment}" is decided by its rule; ${step.type} needs a manual segment (${known})`
      : segment.target !== 'person'
        ? `segment "${step.segment}" is of accounts; ${step.type} adds the person, so it needs a segment of people`
        : undefined;
  if (!problem) return step;
  checks.issue(`${at}.segment`, problem);
  return undefined;
}

/**
 * Adds the run's person to (or removes them from) the step's manual segment, in the step's
 * transaction. Answers the step's outcome: `added`/`removed`, or `unchanged` when they already were.
 */
export async function changeSegmentOfRun(tx: WorkspaceScope, enrolment: PlaybookEnrolment, step: SegmentStep): Promise<string> {
  const segment = await findSegment(tx, step.segment);
  // Checked when saved; a segment deleted or redefined since fails the step, visibly.
  if (!segment?.manual || segment.target !== 'person')
    throw new Error(`${step.type}: "${step.segment}" is no longer a manual segment of people`);
  const kind = step.type === 'add-to-segment' ? 'enter' : 'exit';
  const changed = await changeManualMembers(tx, segment, [enrolment.personId], kind, {
    kind: 'manual',
    by: `playbook:${enrolment.playbookKey}`,
  });
  if (changed.length === 0) return 'unchanged';
  return kind === 'enter' ? 'added' : 'removed';
}
