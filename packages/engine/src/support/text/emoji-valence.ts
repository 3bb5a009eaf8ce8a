/**
 * Valence of the emoji and emoticons customers use, on VADER's -4..4 scale (VADER's JavaScript
 * port reads no emoji). Language-independent, so every language's score gets them.
 */
const pictographs: ReadonlyArray<readonly [RegExp, number]> = [
  [/😡|😠|🤬|👿/gu, -2.5],
  [/😤|😒|🙄|😑/gu, -1.5],
  [/😞|😔|😢|😭|😩|😫|🙁|☹|😕|💔|👎|😖|😣/gu, -2],
  [/😀|😃|😄|😁|😊|🙂|😌|☺/gu, 2],
  [/😍|🥰|❤|💕|💖|💙|💚|💜|🧡|💛/gu, 2.5],
  [/👍|🙌|👏|🎉|🥳|✅|💯|🙏|⭐|🌟|✨|😎|🤩/gu, 1.5],
];
// VADER's lexicon has these already, so English text counts them once, there.
const emoticons: ReadonlyArray<readonly [RegExp, number]> = [
  [/(?:^|\s)(?:[:=]-?\)+|:-?D|;-?\)|<3|\(:)(?=\s|$|[.!,])/g, 2],
  [/(?:^|\s)(?:[:=]-?\(+|:'\(|>:\(|:-?\/)(?=\s|$|[.!,])/g, -2],
];

/** Sum of the valences of the emoji (and, unless the scorer reads them itself, the emoticons) in a text. */
export function emojiValence(text: string, withEmoticons: boolean): number {
  let total = 0;
  for (const [pattern, valence] of withEmoticons ? [...pictographs, ...emoticons] : pictographs)
    total += (text.match(pattern)?.length ?? 0) * valence;
  return total;
}
