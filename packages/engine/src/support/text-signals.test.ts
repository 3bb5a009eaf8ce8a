import { beforeAll, describe, expect, it } from 'vitest';
import { ownWords, textAnalyser, type TextAnalyser } from './text-signals.js';

let textSignals: TextAnalyser;
beforeAll(async () => {
  textSignals = await textAnalyser();
});

describe('textSignals', () => {
  it('reads anger, thanks and plain questions', () => {
    expect(textSignals('This is terrible. The export has been broken for three days and nobody answers!').sentiment?.label).toBe(
      'negative',
    );
    expect(textSignals('Thanks so much, it works great now :)').sentiment?.label).toBe('positive');
    expect(textSignals('How do I change the billing email on our account?').sentiment?.label).toBe('neutral');
  });

  it('detects the language and gives no sentiment for languages the lexicons do not know', () => {
    const german = textSignals('Das ist wirklich schlecht, nichts funktioniert mehr seit dem letzten Update.');
    expect(german).toEqual({ sentiment: null, language: 'de' });
    expect(textSignals('The dashboard loads slowly for our whole team since Monday.').language).toBe('en');
  });

  it('ignores quoted replies', () => {
    expect(ownWords('Great, thank you!\n\nOn Mon, Jan 5, 2026 at 10:00 Support wrote:\n> This is awful')).toBe('Great, thank you!');
    expect(textSignals('').sentiment).toBeNull();
  });
});
