import {
  defaultHealthModel,
  defaultHealthModelKey,
  validateHealthModel,
  type HealthModel,
  type HealthModelIssue,
  type SegmentRule,
} from '@strata/core';
import {
  deleteHealthModel as deleteHealthModelRows,
  findHealthModel,
  listHealthModels,
  loadFieldSchema,
  saveHealthModel,
  type WorkspaceScope,
} from '@strata/storage';

/** A model in force in a workspace, with its version (the built-in default is version 0 until edited). */
export interface WorkspaceHealthModel extends HealthModel {
  version: number;
  predefined: boolean;
}

/** The built-in default model, checked against a workspace's fields (it reads only fields every workspace knows). */
async function builtInDefault(scope: WorkspaceScope): Promise<WorkspaceHealthModel> {
  const checked = validateHealthModel(defaultHealthModelKey, defaultHealthModel, await loadFieldSchema(scope));
  if (!checked.ok) throw new Error(`invariant: the built-in health model is invalid: ${JSON.stringify(checked.issues)}`);
  return { ...checked.model, version: 0, predefined: true };
}

const fromStored = (key: string, version: number, definition: unknown): WorkspaceHealthModel => ({
  ...(definition as Omit<HealthModel, 'key'>),
  key,
  version,
  predefined: key === defaultHealthModelKey,
});

/** A workspace's models, `default` first: the stored ones, and the built-in default unless it was edited. */
export async function workspaceHealthModels(scope: WorkspaceScope): Promise<WorkspaceHealthModel[]> {
  const stored = (await listHealthModels(scope)).map((m) => fromStored(m.key, m.version, m.definition));
  const models = stored.some((m) => m.key === defaultHealthModelKey) ? stored : [await builtInDefault(scope), ...stored];
  return models.sort((a, b) => (a.key === defaultHealthModelKey ? -1 : b.key === defaultHealthModelKey ? 1 : a.key.localeCompare(b.key)));
}

export async function workspaceHealthModel(scope: WorkspaceScope, key: string): Promise<WorkspaceHealthModel | undefined> {
  const stored = await findHealthModel(scope, key);
  if (stored) return fromStored(stored.key, stored.version, stored.definition);
  return key === defaultHealthModelKey ? builtInDefault(scope) : undefined;
}

/** Creates or replaces a model (a new version); mistakes come back as issues naming their field. */
export async function putHealthModel(
  scope: WorkspaceScope,
  key: string,
  input: unknown,
): Promise<{ ok: true; model: WorkspaceHealthModel; created: boolean } | { ok: false; issues: HealthModelIssue[] }> {
  const checked = validateHealthModel(key, input, await loadFieldSchema(scope));
  if (!checked.ok) return checked;
  const { key: _key, ...definition } = checked.model;
  const existing = await findHealthModel(scope, key);
  const version = await saveHealthModel(scope, key, definition);
  return { ok: true, model: fromStored(key, version, definition), created: !existing && key !== defaultHealthModelKey };
}

/**
 * Deletes a model with its scores. Deleting `default` restores the built-in one (its scores are
 * recomputed); returns false when there was no such model.
 */
export async function deleteHealthModel(scope: WorkspaceScope, key: string): Promise<boolean> {
  return deleteHealthModelRows(scope, key);
}

/**
 * One rule that reads everything a model's measures read (each condition, each value as
 * `VALUE is set`): what to load for an account, and the topics the model depends on.
 */
export function modelReadingRule(model: HealthModel): SegmentRule {
  const conditions = model.measures.flatMap((m) => (m.program ? programConditions(m.program) : []));
  return { version: 1, target: model.target, condition: { kind: 'and', conditions } };
}

function programConditions(program: NonNullable<HealthModel['measures'][number]['program']>): SegmentRule['condition'][] {
  if (program.kind === 'condition') return [program.condition];
  const values: SegmentRule['condition'][] = [];
  const walk = (e: typeof program.expression): void => {
    if (e.kind === 'value') values.push({ kind: 'predicate', subject: e.value, operator: 'is-set', operands: [] });
    if (e.kind === 'arithmetic') {
      walk(e.left);
      walk(e.right);
    }
  };
  walk(program.expression);
  return values;
}
