import { describe, expect, it } from 'vitest';
import { normaliseText, ownWords } from './normalise-text.js';

describe('normaliseText', () => {
  it('decodes HTML entities and markup', () => {
    expect(normaliseText('<p>Refund &amp; invoice&nbsp;please</p><br>thanks &#128512;').words).toBe('Refund & invoice please\n\nthanks 😀');
  });

  it('drops URLs, e-mail addresses and @handles and reads hashtags as words', () => {
    expect(normaliseText('@AcmeHelp see https://t.co/x1 or mail ops@acme.io #fail').words).toBe('see or mail fail');
  });

  it('keeps emoji and emoticons for sentiment but not for language detection', () => {
    const text = normaliseText('Works again 🙌 :) in 2 minutes');
    expect(text.words).toBe('Works again 🙌 :) in 2 minutes');
    expect(text.letters).toBe('Works again in minutes');
  });

  it('drops quoted replies in several languages and signatures', () => {
    expect(ownWords('Great, thank you!\n\nOn Mon, Jan 5, 2026 at 10:00 Support wrote:\n> This is awful')).toBe('Great, thank you!');
    expect(ownWords('Danke!\nAm 5. Januar schrieb Support <s@x.io>:\n> Schlecht')).toBe('Danke!');
    expect(ownWords('It is broken.\n> earlier text\nStill broken.')).toBe('It is broken.\nStill broken.');
    expect(ownWords('Fixed, thanks.\n-- \nDana Smith\nHead of Ops')).toBe('Fixed, thanks.');
    expect(ownWords('Fixed, thanks.\n\nBest regards,\nDana')).toBe('Fixed, thanks.');
    expect(ownWords('Nothing loads.\n\nSent from my iPhone')).toBe('Nothing loads.');
  });
});
