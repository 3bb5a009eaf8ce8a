import type { NormalisedText } from './normalise-text.js';

/** Where a message's language came from: its own text, or the requester's or account's `language` trait. */
export type LanguageSource = 'text' | 'requester' | 'account';

export interface DetectedLanguage {
  /** ISO 639-1 code, or null when neither the text nor a trait tells. */
  language: string | null;
  /** 0..1: for text, how far the best language's score stands above the next; 1 for a trait. */
  confidence: number | null;
  source: LanguageSource | null;
}

export interface LanguageFallbacks {
  requester?: string | null | undefined;
  account?: string | null | undefined;
}

interface EldResult {
  language: string;
  isReliable(): boolean;
  getScores(): Record<string, number>;
}
export type LanguageDetector = (text: string) => EldResult;

// Below this many letters eld guesses (a "Danke!" scores as German and Slovak alike).
const minimumLetters = 12;

/**
 * Detects the language of the subject and body together (more text, better odds), on the
 * normalised text; when the text is too short or mixed to tell, the requester's `language`
 * trait, then the account's, is used and the answer says so.
 */
export function detectLanguage(
  detect: LanguageDetector,
  text: NormalisedText,
  subject: string | null,
  fallbacks: LanguageFallbacks,
): DetectedLanguage {
  const sample = [subject ?? '', text.letters].join('\n').trim();
  if (sample.replace(/[^\p{L}]/gu, '').length >= minimumLetters) {
    const detected = detect(sample);
    if (detected.language !== '' && detected.isReliable()) {
      const [best = 0, next = 0] = Object.values(detected.getScores()).sort((a, b) => b - a);
      const confidence = best > 0 ? Math.round(((best - next) / best) * 100) / 100 : 0;
      return { language: detected.language, confidence, source: 'text' };
    }
  }
  const trait = (value: string | null | undefined) => {
    const code = value?.trim().toLowerCase().slice(0, 2);
    return code && /^[a-z]{2}$/.test(code) ? code : undefined;
  };
  const requester = trait(fallbacks.requester);
  if (requester) return { language: requester, confidence: 1, source: 'requester' };
  const account = trait(fallbacks.account);
  if (account) return { language: account, confidence: 1, source: 'account' };
  return { language: null, confidence: null, source: null };
}
