import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import vader from 'vader-sentiment';
import { classificationQuality, labelOfScore } from '@strata/core';
import { textAnalyser, type TextAnalyser } from './text-analyser.js';

/**
 * Strata's sentiment against VADER alone on the labelled support texts in test/fixtures (written
 * for this project: complaints, questions and thanks, with handles, entities and emoji, in the
 * seven languages). Prints the table docs/text-signals.md publishes.
 */
const labelledTexts = (file: string) =>
  readFileSync(new URL(`../../../test/fixtures/${file}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [language = '', label = '', text = ''] = line.split('\t');
      return { language, label, text };
    });
// The held-out English set was written after the support phrases were, and never tuned against.
const rows = [
  ...labelledTexts('support-sentiment.tsv'),
  ...labelledTexts('support-sentiment-holdout.tsv').map((r) => ({ ...r, language: `${r.language}-holdout` })),
];

let analyse: TextAnalyser;
beforeAll(async () => {
  analyse = await textAnalyser();
});

describe('sentiment on labelled support text', () => {
  it.each(['en', 'en-holdout', 'de', 'fr', 'es', 'it', 'pt', 'nl'])('is never worse than VADER alone in %s', (language) => {
    const labelled = rows.filter((r) => r.language === language);
    const vaderAlone = classificationQuality(
      labelled.map((r) => [r.label, labelOfScore(vader.SentimentIntensityAnalyzer.polarity_scores(r.text).compound)]),
      'negative',
    );
    // A message that gets no sentiment counts as neutral: that is what routing sees.
    const strata = classificationQuality(
      labelled.map((r) => [r.label, analyse(r.text).sentiment?.label ?? 'neutral']),
      'negative',
    );
    console.log(`${language}\tn=${labelled.length}\tVADER ${JSON.stringify(vaderAlone)}\tStrata ${JSON.stringify(strata)}`);
    expect(labelled.length).toBeGreaterThanOrEqual(12);
    expect(strata.macroF1).toBeGreaterThanOrEqual(vaderAlone.macroF1);
    expect(strata.focusF1).toBeGreaterThanOrEqual(vaderAlone.focusF1);
  });
});
