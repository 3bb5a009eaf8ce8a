import { decodeHTML } from 'entities';

/**
 * A message as the analysers should read it. `words` is what the customer wrote in this message
 * (markup, entities, quoted replies and signatures gone; URLs, e-mail addresses and @handles
 * dropped, hashtags read as words) with emoji and emoticons kept for sentiment; `letters` is the
 * same without emoji, emoticons and digits, for language detection, which they only confuse.
 */
export interface NormalisedText {
  words: string;
  letters: string;
}

// A reply quotes what came before from one of these lines on; nothing below is the customer's own.
const quoteHeaders = [
  /^On .+wrote:\s*$/i,
  /^-{2,}\s*Original Message\s*-{2,}$/i,
  /^From: .+$/,
  /^Am .+ schrieb .+:\s*$/i,
  /^Le .+ a écrit\s*:\s*$/i,
  /^El .+ escribió:\s*$/i,
  /^Op .+ schreef .+:\s*$/i,
];
// A signature starts with the conventional "-- " line, a phone's footer or a sign-off alone on its line.
const signatureStarts = [
  /^-- ?$/,
  /^Sent from my /i,
  /^(best|kind|warm)? ?regards,?$/i,
  /^(mit freundlichen grüßen|viele grüße|cordialement|bien à vous|saludos( cordiales)?|atentamente|cordiali saluti|distinti saluti|atenciosamente|met vriendelijke groet(en)?)[,.]?$/i,
];

const url = /\b(?:https?:\/\/|www\.)\S+/gi;
const email = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const handle = /(^|[^\w])@\w+/g;
const hashtag = /(^|[^\w&])#(\w+)/g;
// Emoji (pictographs with their modifiers and joiners) and the common ASCII emoticons.
const emoji = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u{FE0F}\u{200D}]/gu;
const emoticon = /(?:^|\s)(?:[:;=]-?[()DPpO/\\|]+|[)(]-?[:;=]|<3)(?=\s|$)/g;

/** Normalises a message's body for sentiment and language detection. */
export function normaliseText(body: string): NormalisedText {
  const own = ownWords(body);
  const words = own
    .replace(url, ' ')
    .replace(email, ' ')
    .replace(handle, '$1 ')
    .replace(hashtag, '$1$2')
    .replace(/[ \t]+/g, ' ')
    .trim();
  const letters = words.replace(emoji, ' ').replace(emoticon, ' ').replace(/\d+/g, ' ').replace(/\s+/g, ' ').trim();
  return { words, letters };
}

/** The lines of a message the customer wrote in it: no markup, quoted replies or signature. */
export function ownWords(body: string): string {
  const lines: string[] = [];
  const plain = body.replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n').replace(/<[^>]+>/g, ' ');
  for (const raw of decodeHTML(plain).split(/\r?\n/)) {
    const line = raw.replace(/\u00a0/g, ' ');
    const trimmed = line.trim();
    if (quoteHeaders.some((header) => header.test(trimmed)) || signatureStarts.some((start) => start.test(trimmed))) break;
    if (trimmed.startsWith('>')) continue;
    lines.push(line);
  }
  return lines.join('\n').trim();
}
