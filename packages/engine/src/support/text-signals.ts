/** What a customer's words say: how they feel and in which language they wrote. */
export interface TextSignals {
  sentiment: { label: SentimentLabel; score: number } | null;
  /** ISO 639-1 code, or null when the text is too short or mixed to tell. */
  language: string | null;
}

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

// VADER's own thresholds on its compound score, applied to the combined score.
const positiveFrom = 0.05;
const negativeTo = -0.05;

export type TextAnalyser = (body: string) => TextSignals;

let analyser: Promise<TextAnalyser> | undefined;

/**
 * Sentiment and language of one message. Both analysers are lexicon-based and English-only, so
 * text reliably detected as another language gets no sentiment rather than a wrong "neutral".
 * wink-nlp splits sentences and scores with negation handling; VADER scores each sentence
 * (it is built for sentences) with its emphasis and emoticon rules; the score is their mean.
 *
 * The models load on first use: that takes over a second (eld's n-gram tables most of it),
 * which every command and server start would otherwise pay.
 */
export function textAnalyser(): Promise<TextAnalyser> {
  analyser ??= (async () => {
    const [{ eld }, vader, winkNLP, model] = await Promise.all([
      import('eld/medium'),
      import('vader-sentiment'),
      import('wink-nlp'),
      import('wink-eng-lite-web-model'),
    ]);
    const nlp = winkNLP.default(model.default);
    // wink's its.* helpers are passed to out() by reference, as its API asks; they use no `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const sentimentOfDoc = nlp.its.sentiment;
    return (body) => {
      const text = ownWords(body).slice(0, 20_000);
      if (text === '') return { sentiment: null, language: null };
      const detected = eld.detect(text);
      const language = detected.language !== '' && detected.isReliable() ? detected.language : null;
      if (language !== null && language !== 'en') return { sentiment: null, language };

      const doc = nlp.readDoc(text);
      const sentences = doc.sentences().out();
      const vaderScores = sentences.map((s) => vader.default.SentimentIntensityAnalyzer.polarity_scores(s).compound);
      const vaderMean = vaderScores.length > 0 ? vaderScores.reduce((a, b) => a + b, 0) / vaderScores.length : 0;
      const winkScore = doc.out(sentimentOfDoc) as number;
      const score = Math.round(((vaderMean + winkScore) / 2) * 1000) / 1000;
      return { sentiment: { label: sentimentLabel(score), score }, language };
    };
  })();
  return analyser;
}

/** Drops quoted replies and signatures, which repeat earlier messages or say nothing of mood. */
export function ownWords(body: string): string {
  const lines: string[] = [];
  for (const line of body.replace(/<[^>]+>/g, ' ').split(/\r?\n/)) {
    if (/^On .+wrote:\s*$/.test(line.trim()) || /^-- ?$/.test(line)) break;
    if (line.trimStart().startsWith('>')) continue;
    lines.push(line);
  }
  return lines
    .join('\n')
    .replace(/&nbsp;/g, ' ')
    .trim();
}

export function sentimentLabel(score: number): SentimentLabel {
  if (score >= positiveFrom) return 'positive';
  if (score <= negativeTo) return 'negative';
  return 'neutral';
}
