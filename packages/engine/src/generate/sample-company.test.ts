import { describe, expect, it } from 'vitest';
import { createRandom, generateAccounts, generateEvents, sampleSizes } from './sample-company.js';

const anchor = Date.UTC(2026, 10, 24);

function summarise(seed: number) {
  const accounts = [...generateAccounts('xs', seed, anchor)];
  let events = 0;
  const names = new Map<string, number>();
  for (const account of accounts) {
    const random = createRandom(seed * 1_000_003 + account.index);
    for (const person of account.people) {
      for (const event of generateEvents(account, person, random, anchor, sampleSizes.xs.eventsPerPerson)) {
        events++;
        names.set(event.name, (names.get(event.name) ?? 0) + 1);
        expect(event.at).toBeLessThan(anchor);
      }
    }
  }
  return { accounts, events, names };
}

describe('the sample company', () => {
  it('is deterministic by seed and differs between seeds', () => {
    const a = summarise(7);
    const b = summarise(7);
    const c = summarise(8);
    expect(b.accounts).toEqual(a.accounts);
    expect(b.events).toBe(a.events);
    expect(c.accounts.map((x) => x.traits['name'])).not.toEqual(a.accounts.map((x) => x.traits['name']));
  });

  it('looks like a B2B SaaS company: plans, trials, churn, people with roles, about 50 events a person', () => {
    const { accounts, events, names } = summarise(1);
    expect(accounts).toHaveLength(100);
    const plans = new Set(accounts.map((a) => a.traits['plan']));
    expect([...plans]).toEqual(expect.arrayContaining(['starter', 'pro', 'enterprise']));
    expect(accounts.some((a) => a.traits['status'] === 'churned')).toBe(true);
    expect(accounts.every((a) => a.people.length >= 1 && a.people[0]!.role === 'admin')).toBe(true);
    const people = accounts.reduce((n, a) => n + a.people.length, 0);
    expect(people).toBeGreaterThan(800);
    expect(events / people).toBeGreaterThan(30);
    expect(events / people).toBeLessThan(80);
    expect(names.get('login')).toBeGreaterThan(0);
    expect(names.get('feature_used')).toBeGreaterThan(0);
  });

  it('quiets churned accounts: no activity after they churn', () => {
    const churned = [...generateAccounts('xs', 3, anchor)].filter((account) => account.traits['status'] === 'churned');
    // The seed must yield churned accounts and their events, or this test would check nothing.
    expect(churned.length).toBeGreaterThan(0);
    let checked = 0;
    for (const account of churned) {
      const random = createRandom(account.index);
      for (const person of account.people)
        for (const event of generateEvents(account, person, random, anchor, 80)) {
          expect(event.at).toBeLessThanOrEqual(account.endsAt! + 86_400_000);
          checked++;
        }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
