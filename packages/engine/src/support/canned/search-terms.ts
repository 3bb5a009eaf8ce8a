import { normaliseText } from '../text/normalise-text.js';

// Words too common to say what a text is about. In a collection of a few responses a shared
// "the" or "you" would otherwise earn a large idf merely by being in one response and not another.
// English only: responses in other languages are usually scoped by `languages`, where these lists matter less.
const stopWords = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its ' +
    'me my no not of on or our please she so than that the their them then there these they this to too us was we were ' +
    'what when where which who why will with would you your hi hello thanks thank'
  ).split(' '),
);

/**
 * The words of a text as BM25 compares them: the ticket text normalisation (markup, quoted
 * replies, signatures, links and e-mail addresses gone), lower-cased, letters and digits only,
 * without stop words and single letters. No stemming: "refund" and "refunds" are two terms.
 */
export function searchTerms(text: string): string[] {
  return normaliseText(text)
    .words.toLowerCase()
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 && !stopWords.has(word));
}
