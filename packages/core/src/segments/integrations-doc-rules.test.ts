import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseFieldSchema } from './field-schema.js';
import { validateRule } from './validate-rule.js';

/** The example rules of docs/integrations.md ("Rules over support data") must all be valid account rules. */
const doc = readFileSync(new URL('../../../../docs/integrations.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## Rules over support data'));
const block = section.slice(section.indexOf('```\n') + 4, section.indexOf('\n```', section.indexOf('```\n') + 4));
const rules = block
  .split('\n')
  .map((line) => line.replace(/\s+#.*$/, '').trim())
  .filter(Boolean);

describe('the support-data rules in docs/integrations.md', () => {
  it('are there', () => expect(rules.length).toBeGreaterThan(10));
  it.each(rules)('%s', (text) => {
    const result = validateRule(text, { target: 'account', schema: baseFieldSchema() });
    expect(result.ok ? [] : result.diagnostics).toEqual([]);
  });
});
