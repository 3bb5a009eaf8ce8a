import { describe, expect, it } from 'vitest';
import { builtInTopicRules, checkTopicRules, matchTopics } from './ticket-topics.js';

describe('matchTopics', () => {
  it('tags the built-in topics, most hits first', () => {
    expect(matchTopics('You charged me twice, I want a refund for the invoice', builtInTopicRules)).toEqual(['billing']);
    expect(matchTopics("I can't log in, the password reset link fails", builtInTopicRules)).toEqual(['account-access', 'bug']);
    expect(matchTopics('How do I export a segment?', builtInTopicRules)).toEqual(['how-to']);
    expect(matchTopics('Please cancel my subscription', builtInTopicRules)).toEqual(['cancellation']);
    expect(matchTopics('It would be nice to have dark mode', builtInTopicRules)).toEqual(['feature-request']);
    expect(matchTopics('Thanks for the call today', builtInTopicRules)).toEqual([]);
  });

  it('matches whole words only, and a workspace topic of its own', () => {
    expect(matchTopics('We cancelled the meeting', builtInTopicRules)).toEqual([]);
    const rules = [{ topic: 'shipping', keywords: ['parcel', 'tracking number'] }];
    expect(matchTopics('Where is my PARCEL? The tracking number is dead.', rules)).toEqual(['shipping']);
  });
});

describe('checkTopicRules', () => {
  it('reports every mistake with the rule it is in', () => {
    expect(
      checkTopicRules([
        { topic: 'Billing!', keywords: ['invoice'] },
        { topic: 'bug', keywords: [] },
        { topic: 'bug', keywords: ['crash'] },
      ]).map((issue) => [issue.code, issue.path]),
    ).toEqual([
      ['invalid-topic-name', 'rules[0].topic'],
      ['no-keywords', 'rules[1].keywords'],
      ['duplicate-topic', 'rules[2].topic'],
    ]);
    expect(checkTopicRules(builtInTopicRules)).toEqual([]);
  });
});
