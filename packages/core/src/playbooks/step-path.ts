import type { PlaybookStep } from './playbook-model.js';

/**
 * Where a step sits in a playbook: indexes into step lists, with `then`/`else` to enter a
 * branch, written as text such as "2.then.0" (the third step's first `then` step). The text is
 * the step's identity within a version: an enrolment stores its next step by it, and the
 * idempotency key of a step that ran is the enrolment and this path.
 */
export type StepPath = string;

type Segment = number | 'then' | 'else';

function segmentsOf(path: StepPath): Segment[] {
  return path.split('.').map((part) => (part === 'then' || part === 'else' ? part : Number(part)));
}

/** The step at a path, or undefined when the path leads nowhere in these steps. */
export function stepAt(steps: readonly PlaybookStep[], path: StepPath): PlaybookStep | undefined {
  let list: readonly PlaybookStep[] = steps;
  let step: PlaybookStep | undefined;
  const segments = segmentsOf(path);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (typeof segment === 'number') {
      step = Number.isInteger(segment) ? list[segment] : undefined;
      if (!step) return undefined;
    } else {
      if (step?.type !== 'branch') return undefined;
      list = step[segment];
      step = undefined;
    }
  }
  return step;
}

/** The first step of a list at `prefix` (the playbook's own list when empty), else what follows the list's owner. */
function firstOrAfter(steps: readonly PlaybookStep[], list: readonly PlaybookStep[], prefix: string): StepPath | undefined {
  if (list.length > 0) return prefix ? `${prefix}.0` : '0';
  // An empty branch arm: go on after the branch step that owns it.
  const owner = prefix.split('.').slice(0, -1).join('.');
  return owner ? stepAfter(steps, owner) : undefined;
}

/** The path of the first step, or undefined for a playbook without steps. */
export function firstStep(steps: readonly PlaybookStep[]): StepPath | undefined {
  return firstOrAfter(steps, steps, '');
}

/** The step that runs after the one at `path` when it does not branch: its next sibling, else after the branch that holds it. */
export function stepAfter(steps: readonly PlaybookStep[], path: StepPath): StepPath | undefined {
  const parts = path.split('.');
  const index = Number(parts.pop());
  const parentPath = parts.join('.');
  const siblings = parentPath ? listAt(steps, parentPath) : steps;
  if (index + 1 < siblings.length) return [...parts, String(index + 1)].join('.');
  if (!parentPath) return undefined;
  // Leaving a branch arm: continue after the branch step itself.
  return stepAfter(steps, parts.slice(0, -1).join('.'));
}

/** The first step of a branch's arm (`then` or `else`), else what follows the branch. */
export function enterBranch(steps: readonly PlaybookStep[], branchPath: StepPath, arm: 'then' | 'else'): StepPath | undefined {
  const prefix = `${branchPath}.${arm}`;
  return firstOrAfter(steps, listAt(steps, prefix), prefix);
}

/** The step list at a path that ends in `then` or `else`. */
function listAt(steps: readonly PlaybookStep[], listPath: string): readonly PlaybookStep[] {
  const parts = listPath.split('.');
  const arm = parts.pop() as 'then' | 'else';
  const branch = stepAt(steps, parts.join('.'));
  if (branch?.type !== 'branch') throw new Error(`no branch at ${parts.join('.')}`);
  return branch[arm];
}
