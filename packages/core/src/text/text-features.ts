/**
 * The features a text classifier reads: lower-cased word unigrams and bigrams, and character
 * 3- to 5-grams inside word boundaries (they carry misspellings, inflections and emoji that
 * words miss). Each feature counts once per text (binary), as short texts warrant.
 */
export function textFeatures(text: string): string[] {
  const words = text
    .toLowerCase()
    .normalize('NFC')
    .split(/[^\p{L}\p{N}\p{Extended_Pictographic}']+/u)
    .filter((w) => w !== '');
  const features = new Set<string>();
  words.forEach((word, i) => {
    features.add(`w:${word}`);
    const next = words[i + 1];
    if (next !== undefined) features.add(`b:${word} ${next}`);
    const padded = ` ${word} `;
    for (let n = 3; n <= 5; n += 1) for (let at = 0; at + n <= padded.length; at += 1) features.add(`c:${padded.slice(at, at + n)}`);
  });
  return [...features];
}
