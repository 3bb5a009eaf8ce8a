import { describe, expect, it } from 'vitest';
import { naiveBayesProbabilities, trainNaiveBayes } from './naive-bayes.js';

describe('naive Bayes', () => {
  // Three texts, vocabulary {good, fast, bad} (3 features), alpha 1:
  // pos: {good, fast}, {good}  -> counts good 2, fast 1, total 3; denominator 3 + 3 = 6
  // neg: {bad}                 -> counts bad 1, total 1;           denominator 1 + 3 = 4
  // P(pos) = 2/3, P(neg) = 1/3.
  const model = trainNaiveBayes([
    { features: ['good', 'fast'], label: 'pos' },
    { features: ['good'], label: 'pos' },
    { features: ['bad'], label: 'neg' },
  ]);

  it('learns the smoothed likelihoods computed by hand', () => {
    expect(Math.exp(model.logLikelihoods.pos!.good!)).toBeCloseTo(3 / 6, 12);
    expect(Math.exp(model.logLikelihoods.pos!.fast!)).toBeCloseTo(2 / 6, 12);
    expect(Math.exp(model.logUnseen.pos!)).toBeCloseTo(1 / 6, 12);
    expect(Math.exp(model.logLikelihoods.neg!.bad!)).toBeCloseTo(2 / 4, 12);
    expect(Math.exp(model.logPriors.neg!)).toBeCloseTo(1 / 3, 12);
  });

  it('answers the posterior computed by hand', () => {
    // "good bad": pos = 2/3 * 3/6 * 1/6 = 1/18; neg = 1/3 * 1/4 * 2/4 = 1/24; P(pos) = (1/18) / (1/18 + 1/24) = 4/7.
    const p = naiveBayesProbabilities(model, ['good', 'bad']);
    expect(p.pos).toBeCloseTo(4 / 7, 12);
    expect(p.neg).toBeCloseTo(3 / 7, 12);
    // A feature neither label saw changes nothing: only the priors speak.
    expect(naiveBayesProbabilities(model, ['unknown']).pos).toBeCloseTo(2 / 3, 12);
  });

  it('does not underflow on long texts', () => {
    const p = naiveBayesProbabilities(model, Array.from({ length: 2000 }, () => 'good').concat(['bad']));
    expect(p.pos! + p.neg!).toBeCloseTo(1, 12);
    expect(p.pos).toBeGreaterThan(0.5);
  });
});
