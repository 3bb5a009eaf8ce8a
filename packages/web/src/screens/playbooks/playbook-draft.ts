import type { PlainObject } from './form-fields';

export type Trigger = { on: string } & PlainObject;
export type Goal = { rule: string; withinDays: number } | { metric: string };
export interface Arm {
  key: string;
  weight: number;
  steps: PlainObject[];
}
export interface Experiment {
  arms: Arm[];
  holdoutPercent: number;
  goal: Goal;
}

/** The editor's playbook, as plain data: what PUT /api/v1/playbooks/{key} takes, with empty fields kept for the form. */
export interface PlaybookDraft {
  key: string;
  name: string;
  enabled: boolean;
  trigger: Trigger;
  filter: string;
  steps: PlainObject[];
  reenrollAfterDays: number | undefined;
  frequencyCap: { max: number; days: number } | undefined;
  quietHours: { start: string; end: string } | undefined;
  experiment: Experiment | undefined;
}

export const emptyDraft = (): PlaybookDraft => ({
  key: '',
  name: '',
  enabled: true,
  trigger: { on: 'segment-entered', segment: '' },
  filter: '',
  steps: [],
  reenrollAfterDays: undefined,
  frequencyCap: undefined,
  quietHours: undefined,
  experiment: undefined,
});

/**
 * A playbook as GET answers it, for the editor. Guards and experiments are read when the server
 * answers them (they come with other branches); a field it does not answer stays empty.
 */
export function draftOf(playbook: PlainObject & { key: string; name: string; enabled: boolean; trigger: Trigger }): PlaybookDraft {
  const object = <T>(name: string) => (playbook[name] && typeof playbook[name] === 'object' ? (playbook[name] as T) : undefined);
  return {
    key: playbook.key,
    name: playbook.name,
    enabled: playbook.enabled,
    trigger: { ...playbook.trigger },
    filter: typeof playbook.filter === 'string' ? playbook.filter : '',
    steps: Array.isArray(playbook.steps) ? (playbook.steps as PlainObject[]) : [],
    reenrollAfterDays: typeof playbook.reenrollAfterDays === 'number' ? playbook.reenrollAfterDays : undefined,
    frequencyCap: object('frequencyCap'),
    quietHours: object('quietHours'),
    experiment: object('experiment'),
  };
}

/** The PUT body: empty optional fields left out, so the server's defaults apply. */
export function bodyOf(draft: PlaybookDraft): PlainObject {
  const trimmedFilter = draft.filter.trim();
  return {
    name: draft.name,
    enabled: draft.enabled,
    trigger: draft.trigger,
    ...(trimmedFilter ? { filter: trimmedFilter } : {}),
    steps: draft.experiment ? [] : draft.steps,
    ...(draft.reenrollAfterDays !== undefined ? { reenrollAfterDays: draft.reenrollAfterDays } : {}),
    ...(draft.frequencyCap ? { frequencyCap: draft.frequencyCap } : {}),
    ...(draft.quietHours ? { quietHours: draft.quietHours } : {}),
    ...(draft.experiment ? { experiment: draft.experiment } : {}),
  };
}

/** A new experiment: the playbook's steps as arm a against an empty arm b, evenly, and a 10% holdout; the goal a rule to write. */
export const newExperiment = (steps: PlainObject[]): Experiment => ({
  arms: [
    { key: 'a', weight: 50, steps },
    { key: 'b', weight: 50, steps: [] },
  ],
  holdoutPercent: 10,
  goal: { rule: '', withinDays: 14 },
});

/** Webhook secrets the save generated, by field (`steps[2]`, `experiment.arms[0].steps[1]`): the one time they can be read. */
export function generatedSecretsOf(playbook: { steps: unknown[]; experiment?: unknown }): string[] {
  const arms = (playbook.experiment as { arms?: Array<{ steps?: unknown }> } | null | undefined)?.arms ?? [];
  return [
    ...generatedSecrets(playbook.steps),
    ...arms.flatMap((arm, a) => (Array.isArray(arm.steps) ? generatedSecrets(arm.steps, `experiment.arms[${a}].steps`) : [])),
  ];
}

function generatedSecrets(steps: unknown[], path = 'steps'): string[] {
  return steps.flatMap((s, i) => {
    const step = s as Record<string, unknown>;
    const here = `${path}[${i}]`;
    return [
      ...(step.type === 'webhook' && typeof step.secret === 'string' ? [`${here}: ${step.secret}`] : []),
      ...(Array.isArray(step.then) ? generatedSecrets(step.then, `${here}.then`) : []),
      ...(Array.isArray(step.else) ? generatedSecrets(step.else, `${here}.else`) : []),
    ];
  });
}
