import type { SentimentLanguage } from './sentiment-languages.js';

/** A language's lexicon from @nlpjs: word (or stem) valences, its negation words and its tokenizer. */
export interface WordLexicon {
  valences: Readonly<Record<string, number>>;
  /** Multiplies a lexicon value onto VADER's -4..4 scale (senticon and pattern are -1..1, AFINN -5..5). */
  scale: number;
  negations: ReadonlySet<string>;
  tokens(text: string): string[];
}

interface NlpSentimentEntry {
  senticon?: Record<string, number>;
  pattern?: Record<string, number>;
  afinn?: Record<string, number>;
  negations: { words: string[] };
  stemmed?: boolean;
}
interface NlpTokenizer {
  tokenize(text: string, normalise: boolean): string[];
}
interface NlpStemmer {
  tokenizeAndStem(text: string, keepStops?: boolean): string[];
}

/** Loads the @nlpjs lexicons of the languages other than English (English is VADER's). */
export async function loadNlpLexicons(): Promise<Record<Exclude<SentimentLanguage, 'en'>, WordLexicon>> {
  const [core, de, fr, es, it, pt, nl] = await Promise.all([
    import('@nlpjs/core'),
    import('@nlpjs/lang-de'),
    import('@nlpjs/lang-fr'),
    import('@nlpjs/lang-es'),
    import('@nlpjs/lang-it'),
    import('@nlpjs/lang-pt'),
    import('@nlpjs/lang-nl'),
  ]);
  const container = new core.default.Container();
  for (const plugin of [de.default.LangDe, fr.default.LangFr, es.default.LangEs, it.default.LangIt, pt.default.LangPt, nl.default.LangNl])
    container.use(plugin);
  const lexiconOf = (language: Exclude<SentimentLanguage, 'en'>): WordLexicon => {
    const entry = container.get(`sentiment-${language}`) as NlpSentimentEntry;
    const tokenizer = container.get(`tokenizer-${language}`) as NlpTokenizer;
    const stemmer = container.get(`stemmer-${language}`) as NlpStemmer;
    // Senticon is the richest where a language has it, then pattern, then AFINN (as @nlpjs chooses).
    const [valences, scale] = entry.senticon ? [entry.senticon, 4] : entry.pattern ? [entry.pattern, 4] : [entry.afinn ?? {}, 0.8];
    return {
      valences,
      scale,
      negations: new Set(entry.negations.words.map((w) => w.toLowerCase())),
      tokens: (text) =>
        entry.stemmed
          ? // Stems for the lexicon, but negation words must survive: stem each token on its own.
            tokenizer.tokenize(text, true).map((t) => (entry.negations.words.includes(t) ? t : (stemmer.tokenizeAndStem(t, true)[0] ?? t)))
          : tokenizer.tokenize(text, true),
    };
  };
  return { de: lexiconOf('de'), fr: lexiconOf('fr'), es: lexiconOf('es'), it: lexiconOf('it'), pt: lexiconOf('pt'), nl: lexiconOf('nl') };
}

// A negation reverses (and dampens, as VADER does) the next few words, not the rest of the text.
const negationReach = 3;
const negationScalar = -0.74;

/** Sum of a text's word valences on VADER's scale, each negated within three words of a negation. */
export function wordLexiconValence(lexicon: WordLexicon, text: string): number {
  let total = 0;
  let negatedFor = 0;
  for (const token of lexicon.tokens(text)) {
    const word = token.toLowerCase();
    if (lexicon.negations.has(word)) {
      negatedFor = negationReach;
      continue;
    }
    const valence = lexicon.valences[word];
    if (valence !== undefined) total += valence * lexicon.scale * (negatedFor > 0 ? negationScalar : 1);
    if (negatedFor > 0) negatedFor -= 1;
  }
  return total;
}
