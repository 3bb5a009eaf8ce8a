import { expect, it } from 'vitest';
import { evaluateRule, type PersonRecord } from './evaluate.js';
import { baseFieldSchema } from './field-schema.js';
import { validateRule } from './validate-rule.js';

const now = new Date('2026-03-15T12:00:00Z');
const day = 86_400_000;
const rule = 'count(events "page" where context.campaign.source = "newsletter" within last 30 days) >= 1';

function personWith(events: PersonRecord['events']): PersonRecord {
  return { id: 'p', columns: {}, traits: {}, accounts: [], events, tickets: [], surveys: [], segments: new Set() };
}

it('reads an event context path in where: it validates, prints back as written, and names the context', () => {
  const result = validateRule(rule, { target: 'person', schema: baseFieldSchema() });
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  expect(result.text).toBe(rule);
  expect(JSON.stringify(result.rule)).toContain('"scope":"event-context","name":"campaign.source"');
});

it('evaluates the path in the context, missing when a step is missing or of another type', () => {
  const checked = validateRule(rule, { target: 'person', schema: baseFieldSchema() });
  if (!checked.ok) throw new Error('invalid rule');
  const page = (context: Record<string, unknown> | undefined, ago = day) => ({
    messageId: `m${ago}`,
    name: 'page',
    at: now.getTime() - ago,
    properties: { campaign: { source: 'newsletter' } },
    context,
  });
  expect(evaluateRule(checked.rule, personWith([page({ campaign: { source: 'newsletter' } })]), now, 'UTC')).toBe(true);
  // The property of the same name is not the context.
  expect(evaluateRule(checked.rule, personWith([page(undefined)]), now, 'UTC')).toBe(false);
  expect(evaluateRule(checked.rule, personWith([page({ campaign: 'newsletter' })]), now, 'UTC')).toBe(false);
  expect(evaluateRule(checked.rule, personWith([page({ campaign: { source: 3 } })]), now, 'UTC')).toBe(false);
  expect(evaluateRule(checked.rule, personWith([page({ campaign: { source: 'newsletter' } }, 40 * day)]), now, 'UTC')).toBe(false);
});

it('is a field of events only: a person rule has no context', () => {
  const result = validateRule('context.campaign.source = "newsletter"', { target: 'person', schema: baseFieldSchema() });
  expect(result.ok).toBe(false);
});
