/** Languages Strata scores sentiment in; text in any other gets `languageSupported: false`. */
export const sentimentLanguages = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'] as const;
export type SentimentLanguage = (typeof sentimentLanguages)[number];

export function isSentimentLanguage(language: string | null): language is SentimentLanguage {
  return language !== null && (sentimentLanguages as readonly string[]).includes(language);
}
