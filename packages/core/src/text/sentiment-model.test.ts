import { describe, expect, it } from 'vitest';
import { classificationQuality } from './classification-metrics.js';
import { crossValidate } from './cross-validate.js';
import { minimumSentimentLabels, trainSentimentModel, type SentimentExample } from './sentiment-model.js';

// A team's own vocabulary the lexicon cannot know: "ETA?" and "kaput" are complaints here, "ship it" praise.
const teamLabels: SentimentExample[] = Array.from({ length: 15 }, (_, i): SentimentExample[] => [
  { text: `order ${i} ETA? kaput again`, label: 'negative', lexiconScore: 0 },
  { text: `ship it ${i}, sweet as`, label: 'positive', lexiconScore: 0 },
  { text: `which plan includes ${i} seats`, label: 'neutral', lexiconScore: 0 },
]).flat();

describe('trainSentimentModel', () => {
  it('puts a model in use when it beats the lexicon on the same labels', () => {
    const training = trainSentimentModel(teamLabels);
    expect(training.status).toBe('trained');
    if (training.status !== 'trained') return;
    expect(training.lexicon).toMatchObject({ samples: 45, accuracy: 0.333 });
    expect(training.model.macroF1).toBeGreaterThan(0.9);
    expect(training.inUse).toBe(true);
  });

  it('refuses a model trained on noise', () => {
    // Labels that follow nothing in the text, and a lexicon that already gets them right.
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'];
    const labels = ['negative', 'neutral', 'positive'] as const;
    const noise: SentimentExample[] = Array.from({ length: 60 }, (_, i) => {
      const label = labels[(i * 7 + (i >> 2)) % 3]!;
      return {
        text: `${words[i % 7]} ${words[(i * 3) % 7]} ${words[(i * 5) % 7]}`,
        label,
        lexiconScore: label === 'negative' ? -0.5 : label === 'positive' ? 0.5 : 0,
      };
    });
    const training = trainSentimentModel(noise);
    expect(training.status).toBe('trained');
    if (training.status !== 'trained') return;
    expect(training.lexicon.macroF1).toBe(1);
    expect(training.inUse).toBe(false);
  });

  it('asks for more labels below the minimum', () => {
    expect(trainSentimentModel(teamLabels.slice(0, minimumSentimentLabels - 1))).toMatchObject({
      status: 'too-few-labels',
      samples: minimumSentimentLabels - 1,
    });
  });
});

describe('classificationQuality and crossValidate', () => {
  it('computes accuracy, macro-F1 and a label F1 by hand', () => {
    // negative: tp 1, predicted 2, actual 2 -> F1 0.5; positive: tp 1, predicted 2, actual 2 -> 0.5.
    const quality = classificationQuality(
      [
        ['negative', 'negative'],
        ['negative', 'positive'],
        ['positive', 'positive'],
        ['positive', 'negative'],
      ],
      'negative',
    );
    expect(quality).toEqual({ samples: 4, accuracy: 0.5, macroF1: 0.5, focusF1: 0.5 });
  });

  it('tests every example exactly once, with labels spread over folds', () => {
    const examples = Array.from({ length: 10 }, (_, i) => ({ id: i, label: i < 5 ? 'a' : 'b' }));
    const testedIn: number[][] = [];
    crossValidate(
      examples,
      (e) => e.label,
      5,
      (train, test) => {
        testedIn.push(test.map((e) => e.id));
        expect(train.length + test.length).toBe(10);
        expect(new Set(test.map((e) => e.label))).toEqual(new Set(['a', 'b']));
        return test.map((e) => e.label);
      },
    );
    expect(testedIn.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
