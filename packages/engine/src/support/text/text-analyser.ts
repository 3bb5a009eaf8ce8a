import { detectLanguage, type LanguageFallbacks, type LanguageSource } from './detect-language.js';
import { loadLexiconScorer } from './lexicon-sentiment.js';
import { normaliseText } from './normalise-text.js';
import { isSentimentLanguage } from './sentiment-languages.js';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

/** What a customer's words say: how they feel and in which language they wrote. */
export interface TextSignals {
  /** Null when the text says nothing or is in a language Strata has no lexicon for. */
  sentiment: { label: SentimentLabel; score: number } | null;
  /** ISO 639-1 code, or null when neither the text nor the requester's traits tell. */
  language: string | null;
  languageConfidence: number | null;
  languageSource: LanguageSource | null;
  /** False when the language is known but has no sentiment lexicon: no sentiment rather than a guess. */
  languageSupported: boolean;
}

/** What besides the body helps read a message: the ticket's subject and the requester's `language` traits. */
export interface TextContext {
  subject?: string | null | undefined;
  fallbacks?: LanguageFallbacks | undefined;
  /** A workspace's trained model, in use: its score is blended with the lexicon's (see sentiment-model). */
  blend?: ((text: string, lexiconScore: number) => number) | undefined;
}

export type TextAnalyser = (body: string, context?: TextContext) => TextSignals;

// VADER's own thresholds on its compound score.
const positiveFrom = 0.05;
const negativeTo = -0.05;
// Longer texts add nothing to a mood and only cost time.
const maxLength = 20_000;

let analyser: Promise<TextAnalyser> | undefined;

/**
 * Sentiment and language of one customer message. The lexicons load on first use: that takes
 * over a second (eld's n-gram tables most of it), which every command and server start would
 * otherwise pay.
 */
export function textAnalyser(): Promise<TextAnalyser> {
  analyser ??= (async () => {
    const [{ eld }, lexiconScore] = await Promise.all([import('eld/medium'), loadLexiconScorer()]);
    return (body, context = {}) => {
      const text = normaliseText(body.slice(0, maxLength));
      const detected = detectLanguage((t) => eld.detect(t), text, context.subject ?? null, context.fallbacks ?? {});
      const base = { language: detected.language, languageConfidence: detected.confidence, languageSource: detected.source };
      // Too short to tell and no trait: scored as English, the lexicon most short support texts match
      // (words it does not know score 0, so another language reads as neutral rather than a mood).
      const scoredAs = detected.language ?? 'en';
      if (!isSentimentLanguage(scoredAs)) return { ...base, sentiment: null, languageSupported: false };
      if (text.words === '') return { ...base, sentiment: null, languageSupported: true };
      const lexicon = lexiconScore(text.words, scoredAs);
      const blended = context.blend ? context.blend(text.words, lexicon) : lexicon;
      const score = Math.round(blended * 1000) / 1000;
      return { ...base, sentiment: { label: sentimentLabel(score), score }, languageSupported: true };
    };
  })();
  return analyser;
}

export function sentimentLabel(score: number): SentimentLabel {
  if (score >= positiveFrom) return 'positive';
  if (score <= negativeTo) return 'negative';
  return 'neutral';
}
