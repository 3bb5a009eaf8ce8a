import { describe, expect, it } from 'vitest';
import { npsCategory } from '@strata/core';
import { createRandom, generateAccounts } from './sample-company.js';
import { generateSupport, type SampleSupport } from './sample-support.js';

const anchor = Date.UTC(2026, 10, 24);

function generate(seed: number) {
  return [...generateAccounts('s', seed, anchor)].slice(0, 2000).map((account) => ({
    account,
    support: generateSupport(account, createRandom(seed * 7919 + account.index + 17), anchor),
  }));
}

const share = (items: boolean[]) => items.filter(Boolean).length / Math.max(1, items.length);
const perPerson = (rows: Array<{ account: { people: unknown[] }; support: SampleSupport }>) =>
  rows.reduce((n, r) => n + r.support.tickets.length, 0) /
  Math.max(
    1,
    rows.reduce((n, r) => n + r.account.people.length, 0),
  );

describe('generated support, survey and billing data', () => {
  const rows = generate(1);
  const unhappy = rows.filter((r) => r.support.mood === 'unhappy');
  const others = rows.filter((r) => r.support.mood !== 'unhappy');

  it('has unhappy accounts file more tickets, more of them urgent, in more negative words', () => {
    expect(perPerson(unhappy)).toBeGreaterThan(2 * perPerson(others));
    const urgent = (rs: typeof rows) => share(rs.flatMap((r) => r.support.tickets.map((t) => t.priority === 'urgent')));
    expect(urgent(unhappy)).toBeGreaterThan(3 * urgent(others));
    const angry = (rs: typeof rows) =>
      share(rs.flatMap((r) => r.support.tickets.map((t) => /unacceptable|frustrated|terrible|disappointed/i.test(t.messages[0]!.body))));
    expect(angry(unhappy)).toBeGreaterThan(2 * angry(others));
  });

  it('never bills a lapsed trial, and has detractors churn more often than promoters', () => {
    const lapsed = rows.filter((r) => r.account.traits['status'] === 'trial_expired');
    expect(lapsed.length).toBeGreaterThan(0);
    for (const r of lapsed) {
      expect(r.support.billingTraits['first_invoice_at']).toBeUndefined();
      expect(r.support.billingEvents.some((e) => e.name === 'invoice_paid')).toBe(false);
      expect(r.support.billingTraits['subscription_status']).toBe('canceled');
    }
    const churnRate = (category: string) => {
      const answered = rows.filter((r) => r.support.surveys.some((s) => s.kind === 'nps' && npsCategory(s.score) === category));
      return share(answered.map((r) => r.account.traits['status'] === 'churned'));
    };
    expect(churnRate('detractor')).toBeGreaterThan(2 * churnRate('promoter'));
  });

  it('keeps every time in order and before the anchor', () => {
    for (const { account, support } of rows)
      for (const ticket of support.tickets) {
        expect(ticket.createdAt).toBeLessThan(anchor);
        expect(ticket.messages[0]!.author).toBe('customer');
        if (ticket.solvedAt !== null) expect(ticket.solvedAt).toBeGreaterThanOrEqual(ticket.createdAt);
        expect(ticket.externalId.startsWith(account.groupId)).toBe(true);
      }
  });
});
