import { emojiValence } from './emoji-valence.js';
import { loadNlpLexicons, wordLexiconValence } from './nlpjs-lexicons.js';
import type { SentimentLanguage } from './sentiment-languages.js';
import { supportPhraseValence } from './support-phrases.js';

/** A text's sentiment score in -1..1 from the lexicons, in one of the supported languages. */
export type LexiconScorer = (text: string, language: SentimentLanguage) => number;

// VADER's normalisation of a valence sum into -1..1, and its inverse (VADER answers only the normalised score).
const vaderAlpha = 15;
export const normaliseValence = (sum: number): number => sum / Math.sqrt(sum * sum + vaderAlpha);
const valenceOf = (compound: number): number => {
  const c = Math.max(-0.9999, Math.min(0.9999, compound));
  return c * Math.sqrt(vaderAlpha / (1 - c * c));
};

// Words VADER scores that in support requests are politeness or the product's vocabulary, not mood:
// "please", "support", "help" (as in "can you help"), "like" in "would like".
const supportVocabulary = [/\bplease\b/gi, /\bsupport\b/gi, /\bhelp\b/gi, /\b(?:would|'d) like\b/gi, /\blike to\b/gi];

/**
 * The lexicon scorer measured best on support text (see docs/text-signals.md): VADER for English,
 * the @nlpjs lexicons for the others, plus emoji and support phrases, summed as valences and
 * normalised as VADER does. wink-nlp's score is not averaged in: on the labelled sets it lowered
 * macro-F1.
 */
export async function loadLexiconScorer(): Promise<LexiconScorer> {
  const [vader, lexicons] = await Promise.all([import('vader-sentiment'), loadNlpLexicons()]);
  return (text, language) => {
    const base =
      language === 'en'
        ? valenceOf(
            vader.default.SentimentIntensityAnalyzer.polarity_scores(supportVocabulary.reduce((t, word) => t.replace(word, ' '), text))
              .compound,
          )
        : wordLexiconValence(lexicons[language], text);
    return normaliseValence(base + emojiValence(text, language !== 'en') + supportPhraseValence(language, text));
  };
}
