import { describe, expect, it } from 'vitest';
import type { PlaybookStep } from './playbook-model.js';
import { enterBranch, firstStep, stepAfter, stepAt } from './step-path.js';

const rule = { text: 'plan = "pro"', rule: {} as never };
const steps: PlaybookStep[] = [
  { type: 'wait', days: 1 },
  {
    type: 'branch',
    if: rule,
    then: [
      { type: 'set-trait', trait: 'a', value: 1 },
      { type: 'set-trait', trait: 'b', value: 2 },
    ],
    else: [],
  },
  { type: 'task', title: 'call' },
];

describe('step paths', () => {
  it('walk a playbook in order, into a branch arm and out after the branch', () => {
    expect(firstStep(steps)).toBe('0');
    expect(stepAfter(steps, '0')).toBe('1');
    expect(enterBranch(steps, '1', 'then')).toBe('1.then.0');
    expect(stepAt(steps, '1.then.1')).toEqual({ type: 'set-trait', trait: 'b', value: 2 });
    expect(stepAfter(steps, '1.then.0')).toBe('1.then.1');
    expect(stepAfter(steps, '1.then.1')).toBe('2');
    expect(stepAfter(steps, '2')).toBeUndefined();
  });

  it('goes on after the branch when the chosen arm is empty', () => {
    expect(enterBranch(steps, '1', 'else')).toBe('2');
  });

  it('finds nothing at a path the playbook does not have', () => {
    expect(stepAt(steps, '7')).toBeUndefined();
    expect(stepAt(steps, '0.then.0')).toBeUndefined();
    expect(firstStep([])).toBeUndefined();
  });
});
