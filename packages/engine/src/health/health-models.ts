import {
  defaultHealthModel,
  defaultHealthModelKey,
  defaultValueModel,
  peopleHealthModelKey,
  validateHealthModel,
  valueModelKey,
  type HealthModelInput,
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
import { ensureHealthFieldsRegistered } from './health-fields.js';

/** A model in force in a workspace, with its version (the built-in default is version 0 until edited). */
export interface WorkspaceHealthModel extends HealthModel {
  version: number;
  predefined: boolean;
}

/** Models every workspace has until it edits them: account health, and account value (the quadrant's other axis). */
const builtInModels: Record<string, HealthModelInput> = { [defaultHealthModelKey]: defaultHealthModel, [valueModelKey]: defaultValueModel };
/** Own keys only: `?model=toString` names no model, not Object.prototype's method. */
const isBuiltIn = (key: string) => Object.hasOwn(builtInModels, key);

/** A built-in model, checked against a workspace's fields (they read only fields every workspace knows). */
async function builtIn(scope: WorkspaceScope, key: string): Promise<WorkspaceHealthModel> {
  // They read computed fields too (`mrr_change_90d`): any program checking them knows those.
  ensureHealthFieldsRegistered();
  const checked = validateHealthModel(key, builtInModels[key], await loadFieldSchema(scope));
  if (!checked.ok) throw new Error(`invariant: the built-in health model ${key} is invalid: ${JSON.stringify(checked.issues)}`);
  return { ...checked.model, version: 0, predefined: true };
}

const fromStored = (key: string, version: number, definition: unknown): WorkspaceHealthModel => ({
  ...(definition as Omit<HealthModel, 'key'>),
  key,
  version,
  predefined: isBuiltIn(key),
});

/** A workspace's models, `default` first: the stored ones, and the built-in ones it has not edited. */
export async function workspaceHealthModels(scope: WorkspaceScope): Promise<WorkspaceHealthModel[]> {
  const stored = (await listHealthModels(scope)).map((m) => fromStored(m.key, m.version, m.definition));
  const missing = Object.keys(builtInModels).filter((key) => !stored.some((m) => m.key === key));
  const models = [...stored, ...(await Promise.all(missing.map((key) => builtIn(scope, key))))];
  return models.sort((a, b) => (a.key === defaultHealthModelKey ? -1 : b.key === defaultHealthModelKey ? 1 : a.key.localeCompare(b.key)));
}

export async function workspaceHealthModel(scope: WorkspaceScope, key: string): Promise<WorkspaceHealthModel | undefined> {
  const stored = await findHealthModel(scope, key);
  if (stored) return fromStored(stored.key, stored.version, stored.definition);
  return isBuiltIn(key) ? builtIn(scope, key) : undefined;
}

/** Account models whose scores rule fields read: a change of theirs concerns segments (`health_score`, `quadrant`). */
const accountFieldModelKeys: ReadonlySet<string> = new Set([defaultHealthModelKey, valueModelKey]);

/**
 * Whether rule fields read a model's scores, among the workspace's `models`: on accounts `default`
 * and `value`, on people the first person model by key. A change of its scores concerns segments.
 */
export function isFieldModel(model: HealthModel, models: readonly HealthModel[]): boolean {
  return model.target === 'account' ? accountFieldModelKeys.has(model.key) : model.key === peopleHealthModelKey(models);
}

/** Creates or replaces a model (a new version); mistakes come back as issues naming their field. */
export async function putHealthModel(
  scope: WorkspaceScope,
  key: string,
  input: unknown,
): Promise<{ ok: true; model: WorkspaceHealthModel; created: boolean } | { ok: false; issues: HealthModelIssue[] }> {
  const checked = validateHealthModel(key, input, await loadFieldSchema(scope));
  if (!checked.ok) return checked;
  const { key: modelKey, ...definition } = checked.model;
  const existing = await findHealthModel(scope, modelKey);
  const version = await saveHealthModel(scope, modelKey, definition);
  return { ok: true, model: fromStored(key, version, definition), created: !existing && !isBuiltIn(key) };
}

/**
 * Deletes a model with its scores. Deleting `default` or `value` restores the built-in one (its
 * scores are recomputed); returns false when there was no stored model.
 */
export async function deleteHealthModel(scope: WorkspaceScope, key: string): Promise<{ existed: boolean; builtIn: boolean }> {
  return { existed: await deleteHealthModelRows(scope, key), builtIn: isBuiltIn(key) };
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
