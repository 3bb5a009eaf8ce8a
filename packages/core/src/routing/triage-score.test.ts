import fc from 'fast-check';
import { expect, it } from 'vitest';
import { defaultTriageWeights, slaUrgency, triageScore } from './index.js';

const none = { priority: null, slaMinutesLeft: null, churnRisk: null, value: null, sentiment: null };

it('scores by hand: an urgent ticket an hour from its SLA, a risky valuable account, an angry customer', () => {
  // priority 1 x 40 + sla 0.5 x 30 + churn 0.8 x 15 + value 0.6 x 10 + sentiment 0.5 x 5 = 40 + 15 + 12 + 6 + 2.5
  const { score, why } = triageScore({ priority: 'urgent', slaMinutesLeft: 60, churnRisk: 0.8, value: 60, sentiment: -0.5 });
  expect(score).toBe(75.5);
  expect(why.map((p) => [p.term, p.points])).toEqual([
    ['priority', 40],
    ['sla', 15],
    ['churnRisk', 12],
    ['value', 6],
    ['sentiment', 2.5],
  ]);
});

it('a ticket with nothing known is a normal-priority one; happiness never lowers it; breach is the most the clock gives', () => {
  expect(triageScore(none).score).toBe(13.33);
  expect(triageScore({ ...none, sentiment: 0.9 }).score).toBe(13.33);
  expect(slaUrgency(-5)).toBe(1);
  expect(slaUrgency(0)).toBe(1);
  expect(slaUrgency(240)).toBe(0.2);
  expect(slaUrgency(null)).toBe(0);
});

it('weights are relative; zero weights score zero', () => {
  const input = { priority: 'high', slaMinutesLeft: 30, churnRisk: 0.2, value: 10, sentiment: -0.1 };
  const doubled = Object.fromEntries(Object.entries(defaultTriageWeights).map(([k, w]) => [k, w * 2])) as typeof defaultTriageWeights;
  expect(triageScore(input, doubled).score).toBe(triageScore(input).score);
  expect(triageScore(input, { priority: 0, sla: 0, churnRisk: 0, value: 0, sentiment: 0 }).score).toBe(0);
});

it('the parts add up to the score, which stays within 0..100 and rises as the SLA runs out', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('urgent', 'high', 'normal', 'low', null, 'odd'),
      fc.option(fc.integer({ min: -600, max: 6000 })),
      fc.option(fc.double({ min: -1, max: 2, noNaN: true })),
      fc.option(fc.double({ min: -50, max: 150, noNaN: true })),
      fc.option(fc.double({ min: -1, max: 1, noNaN: true })),
      (priority, slaMinutesLeft, churnRisk, value, sentiment) => {
        const input = { priority, slaMinutesLeft, churnRisk, value, sentiment };
        const { score, why } = triageScore(input);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
        expect(Math.abs(why.reduce((s, p) => s + p.points, 0) - score)).toBeLessThan(0.05);
        if (slaMinutesLeft !== null)
          expect(triageScore({ ...input, slaMinutesLeft: slaMinutesLeft - 10 }).score).toBeGreaterThanOrEqual(score);
      },
    ),
  );
});
