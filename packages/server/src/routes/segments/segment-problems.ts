import type { SegmentProblem } from '@strata/engine';
import { AppError } from '../../http/app-error.js';

/** A segment request the engine refused, as the request failure it is. */
export function segmentProblemError(problem: SegmentProblem): AppError {
  switch (problem.code) {
    case 'invalid-rule':
      return new AppError(
        'INVALID_INPUT',
        `rule: ${problem.diagnostics.map((d) => d.message).join('; ')}`,
        problem.diagnostics.map((d) => ({ field: 'rule', ...d })),
      );
    case 'key-taken':
      return new AppError('CONFLICT', `a segment with key "${problem.key}" exists; choose another key or PUT to edit it`);
    case 'not-found':
      return new AppError('NOT_FOUND', `no segment "${problem.key}" in this workspace`);
    case 'predefined':
      return new AppError('CONFLICT', `"${problem.key}" is predefined and cannot be deleted; PUT a new rule to change it`);
    case 'evaluation-failed':
      return new AppError(
        'SEGMENT_EVALUATION_FAILED',
        `rule: segment "${problem.key}" could not be evaluated (${problem.error}); nothing was saved. Simplify the rule, or raise STRATA_WORK_STATEMENT_TIMEOUT_MS if it timed out`,
        { error: problem.error },
      );
    case 'manual-rule':
      return new AppError(
        'INVALID_INPUT',
        problem.manual
          ? `rule: "${problem.key}" is a manual segment: its members are set with POST /api/v1/segments/${problem.key}/members, not by a rule`
          : 'rule: give the rule that decides the members, or "manual": true for a segment whose members you set by hand',
        [{ field: 'rule', message: problem.manual ? 'a manual segment has no rule' : 'required unless manual is true' }],
      );
    case 'referenced':
      return new AppError(
        'CONFLICT',
        `segment "${problem.key}" is used by ${problem.by.map((k) => `"${k}"`).join(', ')}; change those first`,
        {
          referencedBy: problem.by,
        },
      );
  }
}
