import type { PlaybookTrigger } from '@strata/core';
import type { SegmentDefinition } from '@strata/storage';
import type { PlaybookIssue } from './playbook-checking.js';
import { cronProblem } from './schedule-enrolments.js';

/**
 * The mistakes in a trigger, by field: a segment it names must exist (of people, or of accounts:
 * their people are enrolled), a schedule's cron must be one, an event's `where` must name
 * properties.
 */
export function triggerIssues(trigger: PlaybookTrigger, segments: readonly SegmentDefinition[]): PlaybookIssue[] {
  switch (trigger.on) {
    case 'segment-entered':
    case 'segment-exited':
      return segmentIssues(trigger.segment, segments);
    case 'schedule': {
      const problem = cronProblem(trigger.cron);
      return [...(problem ? [{ field: 'trigger.cron', message: problem }] : []), ...segmentIssues(trigger.segment, segments)];
    }
    case 'event':
      return Object.keys(trigger.where ?? {})
        .filter((path) => path.split('.').some((step) => step === ''))
        .map((path) => ({
          field: `trigger.where.${path}`,
          message: `"${path}" is not a property path: name a property ("plan") or a nested one ("plan.name")`,
        }));
    case 'health-band-changed':
    case 'ticket-solved':
      return [];
  }
}

function segmentIssues(key: string, segments: readonly SegmentDefinition[]): PlaybookIssue[] {
  if (segments.some((s) => s.key === key)) return [];
  const known = segments.length > 0 ? `one of ${segments.map((s) => `"${s.key}"`).join(', ')}` : 'none yet';
  return [
    {
      field: 'trigger.segment',
      message: `unknown segment "${key}" (the workspace has ${known}): create it first with POST /api/v1/segments`,
    },
  ];
}
