import { beforeAll, describe, expect, it } from 'vitest';
import { textAnalyser, type TextAnalyser } from './text-analyser.js';

let analyse: TextAnalyser;
beforeAll(async () => {
  analyse = await textAnalyser();
});

describe('textAnalyser', () => {
  it('reads anger, thanks and plain questions', () => {
    expect(analyse('This is terrible. The export has been broken for three days and nobody answers!').sentiment?.label).toBe('negative');
    expect(analyse('Thanks so much, it works great now :)').sentiment?.label).toBe('positive');
    expect(analyse('How do I change the billing email on our account?').sentiment?.label).toBe('neutral');
  });

  it('reads support phrases a general lexicon misses, and politeness as no mood', () => {
    expect(analyse('Still waiting on an answer to my ticket from last week.').sentiment?.label).toBe('negative');
    expect(analyse('Please cancel my account.').sentiment?.label).toBe('negative');
    expect(analyse('Please add my colleague as an admin.').sentiment?.label).toBe('neutral');
  });

  it('reads emoji and entities in short social posts', () => {
    const post = analyse('@AcmeHelp order late again &amp; no reply 😡 https://t.co/abc');
    expect(post.sentiment?.label).toBe('negative');
    expect(post.language).toBe('en');
    expect(analyse('@AcmeHelp 🙌🙌').sentiment?.label).toBe('positive');
  });

  it.each([
    ['de', 'Das ist wirklich schlecht, nichts funktioniert mehr seit dem letzten Update.', 'negative'],
    ['de', 'Vielen Dank, jetzt funktioniert alles wieder super!', 'positive'],
    ['fr', "L'application ne marche pas du tout depuis la mise à jour.", 'negative'],
    ['fr', 'Merci beaucoup, tout fonctionne parfaitement maintenant.', 'positive'],
    ['es', 'Es horrible, no funciona nada desde ayer.', 'negative'],
    ['es', 'Muchas gracias, ahora funciona perfectamente.', 'positive'],
    ['it', 'È terribile, non funziona niente da ieri.', 'negative'],
    ['it', 'Grazie mille, ora funziona benissimo.', 'positive'],
    ['pt', 'Péssimo, nada funciona desde a atualização.', 'negative'],
    ['pt', 'Muito obrigado, agora funciona perfeitamente.', 'positive'],
    ['nl', 'Dit is slecht, niets werkt meer sinds de update.', 'negative'],
    ['nl', 'Heel erg bedankt, alles werkt perfect.', 'positive'],
  ])('scores %s: %s', (language, text, label) => {
    const signals = analyse(text);
    expect(signals).toMatchObject({ language, languageSource: 'text', languageSupported: true });
    expect(signals.sentiment?.label).toBe(label);
    expect(signals.languageConfidence).toBeGreaterThan(0);
  });

  it('marks a language without a lexicon as unsupported instead of guessing', () => {
    expect(analyse('Tämä on todella huono, mikään ei toimi päivityksen jälkeen.')).toMatchObject({
      language: 'fi',
      languageSupported: false,
      sentiment: null,
    });
  });

  it("falls back to the requester's language trait, then the account's, when the text is too short", () => {
    expect(analyse('Danke!', { fallbacks: { requester: 'de', account: 'fr' } })).toMatchObject({
      language: 'de',
      languageSource: 'requester',
      languageConfidence: 1,
    });
    expect(analyse('Merci !', { fallbacks: { requester: null, account: 'fr-FR' } })).toMatchObject({
      language: 'fr',
      languageSource: 'account',
    });
    expect(analyse('ok')).toMatchObject({ language: null, languageSource: null });
  });

  it('uses the subject to tell the language of a short body', () => {
    expect(analyse('Danke!', { subject: 'Rechnung für November fehlt noch' })).toMatchObject({ language: 'de', languageSource: 'text' });
  });

  it('gives no sentiment to a message with nothing of its own', () => {
    expect(analyse('').sentiment).toBeNull();
    expect(analyse('> quoted only').sentiment).toBeNull();
  });
});
