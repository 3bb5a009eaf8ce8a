import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { operatorSpecs } from './registry.js';
import { renderRuleLanguageDoc } from './rule-language-doc.js';
import { validateRule } from './validate-rule.js';
import { baseFieldSchema } from './field-schema.js';

it('docs/rule-language.md is the reference generated from the registry (run: npx strata docs rule-language --out docs/rule-language.md)', async () => {
  const committed = await readFile(new URL('../../../../docs/rule-language.md', import.meta.url), 'utf8');
  expect(committed).toBe(renderRuleLanguageDoc());
});

it('every operator example in the reference is a valid rule', () => {
  const schema = baseFieldSchema();
  schema.person['phone'] = 'string';
  for (const spec of operatorSpecs) {
    const targets = ['person', 'account'] as const;
    const valid = targets.some((target) => validateRule(spec.example, { target, schema }).ok);
    expect(valid, spec.example).toBe(true);
  }
});
