import { describe, expect, it } from 'vitest';
import { baseFieldSchema } from '../segments/field-schema.js';
import { validateTicketRule } from '../segments/validate-rule.js';
import { defaultBusinessHours } from '../support/business-hours.js';
import { decideTicket, sameDecision, type DecisionInput } from './decide-ticket.js';
import type { SlaPolicy, SupportPolicy } from './policy-model.js';

const policy = (key: string, position: number, set: SupportPolicy['set']): SupportPolicy => {
  const checked = validateTicketRule('channel = "email"', { schema: baseFieldSchema() });
  if (!checked.ok) throw new Error('rule');
  return { key, name: key, position, whenText: checked.text, when: checked.rule, set };
};
const gold: SlaPolicy = {
  key: 'gold',
  name: 'Gold',
  businessHours: true,
  targets: { urgent: { firstResponseMinutes: 60, resolutionMinutes: 480 }, normal: { firstResponseMinutes: 240, resolutionMinutes: 960 } },
};
const clockwise: SlaPolicy = { ...gold, key: 'clock', businessHours: false };
// Friday 2026-03-06 16:30 UTC; the team works 09:00-17:00 UTC on weekdays; Monday 9 March is a holiday.
const hours = { ...defaultBusinessHours('UTC'), holidays: ['2026-03-09'] };
const createdAt = new Date('2026-03-06T16:30:00Z');
const input = (policies: SupportPolicy[], matching: string[]): DecisionInput => ({
  policies,
  matching: new Set(matching),
  unit: 'acme',
  ticket: { priority: 'low', createdAt, firstResponseAt: null, solvedAt: null },
  slaPolicies: new Map([
    ['gold', gold],
    ['clock', clockwise],
  ]),
  hours,
  now: new Date('2026-03-06T16:45:00Z'),
});

describe('deciding a ticket', () => {
  it('takes each attribute from the first matching policy by position, whatever order they come in', () => {
    const policies = [
      policy('late', 20, { priority: 'high', queue: 'general', tags: ['late'] }),
      policy('vip', 10, { priority: 'urgent', sla: 'gold' }),
      policy('unmatched', 5, { priority: 'low', queue: 'nobody' }),
    ];
    const decision = decideTicket(input(policies, ['late', 'vip']));
    expect(decision.priority).toBe('urgent');
    expect(decision.queue).toBe('general');
    expect(decision.tags).toEqual(['late']);
    expect(decision.matched).toEqual([
      { policy: 'vip', attribute: 'priority' },
      { policy: 'vip', attribute: 'sla' },
      { policy: 'late', attribute: 'queue' },
      { policy: 'late', attribute: 'tags' },
    ]);
  });

  it('keeps the ticket its own priority and no SLA when nothing matches', () => {
    const decision = decideTicket(input([policy('vip', 1, { priority: 'urgent', sla: 'gold' })], []));
    expect(decision).toMatchObject({ priority: 'low', sla: null, queue: null, matched: [] });
  });

  it('counts due times in business hours, over a weekend and a holiday', () => {
    const decision = decideTicket(input([policy('vip', 1, { priority: 'urgent', sla: 'gold' })], ['vip']));
    // 30 minutes on Friday, then Monday is a holiday: the next 30 are on Tuesday from 09:00.
    expect(decision.sla).toEqual({
      key: 'gold',
      firstResponseDueAt: '2026-03-10T09:30:00.000Z',
      nextResponseDueAt: null,
      resolutionDueAt: '2026-03-10T16:30:00.000Z',
      breached: [],
    });
  });

  it('counts around the clock when the SLA is not in business hours, and reports missed targets', () => {
    const late = input([policy('vip', 1, { priority: 'urgent', sla: 'clock' })], ['vip']);
    const decision = decideTicket({ ...late, now: new Date('2026-03-06T18:00:00Z') });
    expect(decision.sla).toMatchObject({ firstResponseDueAt: '2026-03-06T17:30:00.000Z', breached: ['first-response'] });
    const answeredInput = {
      ...late,
      now: new Date('2026-03-06T18:00:00Z'),
      ticket: { ...late.ticket, firstResponseAt: new Date('2026-03-06T17:00:00Z') },
    };
    const answered = decideTicket(answeredInput);
    expect(answered.sla?.breached).toEqual([]);
    expect(sameDecision(decision, answered)).toBe(false);
    expect(sameDecision(answered, decideTicket(answeredInput))).toBe(true);
  });
});
