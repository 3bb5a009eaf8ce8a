import { describe, expect, it } from 'vitest';
import { builtInTopicRules, matchTopics } from './ticket-topics.js';
import { classifiedTopic, trainTopicModel, type TopicExample } from './topic-model.js';

const example = (text: string, topic: string): TopicExample => ({ text, topic, keywordTopics: matchTopics(text, builtInTopicRules) });

describe('trainTopicModel', () => {
  // A workspace's own topic the keyword rules do not know, and billing in words they miss.
  const tagged = Array.from({ length: 12 }, (_, i) => [
    example(`parcel ${i} stuck at the depot, courier lost it`, 'shipping'),
    example(`courier never came with parcel ${i}`, 'shipping'),
    example(`our invoice ${i} is wrong`, 'billing'),
  ]).flat();

  it('is used when it finds the topics keyword rules miss', () => {
    const training = trainTopicModel(tagged);
    expect(training.status).toBe('trained');
    if (training.status !== 'trained') return;
    expect(training.keywords.samples).toBe(36);
    expect(training.model.macroF1).toBeGreaterThan(training.keywords.macroF1);
    expect(training.inUse).toBe(true);
    expect(classifiedTopic(training.trained, 'the courier left the parcel at the wrong house', [])).toBe('shipping');
    // Keyword rules that match still decide.
    expect(classifiedTopic(training.trained, 'the courier charged a refund', ['billing'])).toBe('billing');
  });

  it('is not used when keyword rules already get every ticket right', () => {
    const easy = Array.from({ length: 15 }, (_, i) => [
      example(`refund the invoice ${i}`, 'billing'),
      example(`the export has a bug ${i}`, 'bug'),
    ]).flat();
    const training = trainTopicModel(easy);
    expect(training).toMatchObject({ status: 'trained', inUse: false, keywords: { macroF1: 1 } });
  });

  it('asks for more labels below the minimum', () => {
    expect(trainTopicModel(tagged.slice(0, 10))).toMatchObject({ status: 'too-few-labels', samples: 10 });
  });
});
