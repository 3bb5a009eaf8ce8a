import { expect, it } from 'vitest';
import { assignArm, holdoutArm, stepsOf } from './experiment-assignment.js';
import type { PlaybookDefinition, PlaybookExperiment } from './playbook-model.js';

const experiment: PlaybookExperiment = {
  holdoutPercent: 20,
  arms: [
    { key: 'call', weight: 25, steps: [{ type: 'task', title: 'Call them' }] },
    { key: 'email', weight: 75, steps: [{ type: 'set-trait', trait: 'nudged', value: true }] },
  ],
  goal: { metric: 'retention', withinDays: 30 },
};
const ids = Array.from({ length: 10_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

it('assigns the same arm to the same person, version and playbook every time', () => {
  for (const id of ids.slice(0, 200)) expect(assignArm('renewal', 3, id, experiment)).toBe(assignArm('renewal', 3, id, experiment));
  // Another version is another draw: some people move.
  const moved = ids.slice(0, 1_000).filter((id) => assignArm('renewal', 3, id, experiment) !== assignArm('renewal', 4, id, experiment));
  expect(moved.length).toBeGreaterThan(100);
});

// Over 10,000 ids a share p has a standard deviation of sqrt(p (1 - p) / 10,000) <= 0.005: a
// tolerance of 0.02 is four of them, which a working hash passes and a skewed one does not.
it('splits 10,000 people as configured: 20% held out, the rest 25/75', () => {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const arm = assignArm('renewal', 1, id, experiment);
    counts.set(arm, (counts.get(arm) ?? 0) + 1);
  }
  expect(counts.get(holdoutArm)! / ids.length).toBeCloseTo(0.2, 1);
  expect(Math.abs(counts.get(holdoutArm)! / ids.length - 0.2)).toBeLessThan(0.02);
  expect(Math.abs(counts.get('call')! / ids.length - 0.8 * 0.25)).toBeLessThan(0.02);
  expect(Math.abs(counts.get('email')! / ids.length - 0.8 * 0.75)).toBeLessThan(0.02);
});

it('holds out nobody at 0% and runs the arm steps instead of the playbook steps', () => {
  const noHoldout = { ...experiment, holdoutPercent: 0 };
  expect(ids.slice(0, 2_000).some((id) => assignArm('renewal', 1, id, noHoldout) === holdoutArm)).toBe(false);
  const definition: PlaybookDefinition = {
    name: 'Renewal',
    enabled: true,
    trigger: { on: 'segment-entered', segment: 'renewing' },
    steps: [{ type: 'wait', days: 1 }],
    experiment,
  };
  expect(stepsOf(definition, 'call')).toEqual(experiment.arms[0]!.steps);
  expect(stepsOf(definition, holdoutArm)).toEqual([]);
  expect(stepsOf(definition, null)).toEqual(definition.steps);
});
