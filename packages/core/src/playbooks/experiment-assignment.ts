import type { PlaybookDefinition, PlaybookExperiment, PlaybookStep } from './playbook-model.js';

/** The arm of enrolments held out: they run no steps and are the baseline every arm is compared with. */
export const holdoutArm = 'holdout';

/**
 * cyrb53 (bryc, public domain): a 53-bit string hash with good avalanche, pure arithmetic so that
 * core stays free of node:crypto. Assignment needs an even spread, not secrecy.
 */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Where a person falls in [0, 1) for one version of one playbook: the same every time it is asked. */
export function assignmentBucket(playbookKey: string, version: number, personId: string): number {
  return hash53(`${playbookKey}\u0000${version}\u0000${personId}`) / 2 ** 53;
}

/**
 * The arm a person runs: the first `holdoutPercent` of buckets are held out, the rest are split
 * among the arms in order by weight. Deterministic in (playbook, version, person), so a person
 * enrolled again in the same version lands in the same arm.
 */
export function assignArm(playbookKey: string, version: number, personId: string, experiment: PlaybookExperiment): string {
  const bucket = assignmentBucket(playbookKey, version, personId);
  const held = experiment.holdoutPercent / 100;
  if (bucket < held) return holdoutArm;
  const total = experiment.arms.reduce((s, a) => s + a.weight, 0);
  // Rescale the rest of [held, 1) to [0, total) and walk the arms' cumulative weights.
  let point = ((bucket - held) / (1 - held)) * total;
  for (const arm of experiment.arms) {
    if (point < arm.weight) return arm.key;
    point -= arm.weight;
  }
  return experiment.arms[experiment.arms.length - 1]!.key;
}

/** The steps an enrolment runs: its arm's (none in the holdout), else the playbook's own. */
export function stepsOf(definition: PlaybookDefinition, arm: string | null): PlaybookStep[] {
  if (arm === null || !definition.experiment) return definition.steps;
  if (arm === holdoutArm) return [];
  return definition.experiment.arms.find((a) => a.key === arm)?.steps ?? [];
}
