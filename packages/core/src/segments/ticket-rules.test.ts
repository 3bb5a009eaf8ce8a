import { describe, expect, it } from 'vitest';
import type { PersonRecord, AccountRecord } from './evaluate.js';
import { evaluateTicketRule, type TicketRecord } from './evaluate-ticket.js';
import { baseFieldSchema } from './field-schema.js';
import type { TicketRule } from './ir.js';
import { validateTicketRule } from './validate-rule.js';

const schema = baseFieldSchema();
const check = (text: string) => validateTicketRule(text, { schema });
const ruleOf = (text: string): TicketRule => {
  const result = check(text);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
  return result.rule;
};

describe('ticket rules', () => {
  for (const text of [
    'in segment "high-value" and channel = "email"',
    'account.plan = "enterprise" or sentiment = "negative"',
    'priority in ["high", "urgent"] and status != "solved"',
    'group = "billing" and tags is set and topic = "billing"',
    'language = "de" or person.language = "de"',
    'created_at within last 2 hours and source = "zendesk" and subject contains "refund"',
    'in segment "new" and not in segment "trial"',
  ]) {
    it(`validates and prints back: ${text}`, () => {
      const result = check(text);
      expect(result.ok ? [] : result.diagnostics).toEqual([]);
      if (!result.ok) return;
      expect(check(result.text)).toEqual(result);
    });
  }

  it('reads sentiment as its label and group as the help desk group', () => {
    const rule = ruleOf('sentiment = "negative" and group = "vip"');
    expect(JSON.stringify(rule.condition)).toContain('"column":"sentiment_label"');
    expect(JSON.stringify(rule.condition)).toContain('"column":"group_name"');
  });

  it.each([
    ['count(tickets) > 2', 'wrong-target', 'in segment'],
    ['did "login" within last 7 days', 'wrong-target', 'in segment'],
    ['plan = "pro"', 'unknown-field', 'did you mean "person.plan" or "account.plan"'],
    ['priorty = "high"', 'unknown-field', 'did you mean "priority"'],
    ['account.plna = "pro"', 'unknown-field', 'did you mean "account.plan"'],
    ['in segment "vipz"', 'unknown-segment', 'unknown segment "vipz"'],
    ['sentiment < 0', 'type-mismatch', '"sentiment" is a string'],
  ])('refuses %s with %s', (text, code, message) => {
    const result = check(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics[0]!.code).toBe(code);
    expect(result.diagnostics[0]!.message).toContain(message);
  });
});

const now = new Date('2026-03-10T12:00:00Z');
const person = (traits: Record<string, unknown>, segments: string[]): PersonRecord => ({
  id: 'p1',
  columns: {},
  traits,
  accounts: [],
  events: [],
  tickets: [],
  surveys: [],
  segments: new Set(segments),
});
const account = (traits: Record<string, unknown>, segments: string[]): AccountRecord => ({
  id: 'a1',
  columns: {},
  traits,
  people: [],
  events: [],
  tickets: [],
  surveys: [],
  segments: new Set(segments),
});
const ticket = (fields: Record<string, unknown>, owners: Pick<TicketRecord, 'person' | 'account'> = {}): TicketRecord => ({
  id: 't1',
  fields,
  ...owners,
});

describe('evaluating ticket rules', () => {
  it('reads the membership of the requester or of the account, whichever the segment is of', () => {
    const rule = ruleOf('in segment "high-value" and channel = "email"');
    const email = { channel: 'email' };
    expect(evaluateTicketRule(rule, ticket(email, { account: account({}, ['high-value']) }), now, 'UTC')).toBe(true);
    expect(evaluateTicketRule(rule, ticket(email, { person: person({}, ['high-value']) }), now, 'UTC')).toBe(true);
    expect(evaluateTicketRule(rule, ticket(email, { account: account({}, []) }), now, 'UTC')).toBe(false);
    expect(evaluateTicketRule(rule, ticket({ channel: 'chat' }, { account: account({}, ['high-value']) }), now, 'UTC')).toBe(false);
  });

  it('reads the account, the requester and the ticket label; missing owners make their fields missing', () => {
    const rule = ruleOf('account.plan = "enterprise" or sentiment = "negative"');
    expect(evaluateTicketRule(rule, ticket({}, { account: account({ plan: 'enterprise' }, []) }), now, 'UTC')).toBe(true);
    expect(evaluateTicketRule(rule, ticket({ sentiment_label: 'negative', sentiment: -0.8 }), now, 'UTC')).toBe(true);
    expect(evaluateTicketRule(rule, ticket({ sentiment_label: 'positive' }), now, 'UTC')).toBe(false);
    expect(evaluateTicketRule(ruleOf('person.plan is not set'), ticket({}), now, 'UTC')).toBe(true);
    expect(evaluateTicketRule(ruleOf('person.plan = "pro"'), ticket({}, { person: person({ plan: 'pro' }, []) }), now, 'UTC')).toBe(true);
  });
});
