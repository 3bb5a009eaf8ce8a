import type { SentimentLanguage } from './sentiment-languages.js';

/**
 * What support text says that general lexicons miss: waiting, things not working, money taken
 * twice, leaving. Valences are on VADER's -4..4 scale and are added to the lexicon's sum, so a
 * phrase tips a text the lexicon reads as neutral and outweighs polite words in a complaint.
 */
export const supportPhrases: Readonly<Record<SentimentLanguage, ReadonlyArray<readonly [RegExp, number]>>> = {
  en: [
    [/\bstill (?:waiting|not|no|nothing|hasn'?t|haven'?t|isn'?t|doesn'?t|broken|down)\b/gi, -2],
    [
      /\b(?:not|isn'?t|aren'?t|doesn'?t|does not|don'?t|do not|stopped|never) (?:work|working|load|loading|arrive|arrived|happen|happened)\b/gi,
      -2,
    ],
    [/\bnothing works\b|\bno longer (?:works|finds|loads)\b/gi, -2],
    [/\b(?:can'?t|cannot|could not|couldn'?t|unable to) (?:log ?in|sign ?in|access|login|do|use|save|open|find)\b/gi, -2],
    [/\blocked out\b/gi, -2],
    [/\b(?:charged|billed) (?:me )?(?:twice|double|again|after)\b|\bdouble[- ]charged\b|\bwrong again\b/gi, -2],
    [/\bcancel (?:my|our|the) (?:account|subscription|plan|contract)\b|\bi'?m done with\b/gi, -2],
    [/\b(?:want|need|demand) a refund\b|\bno refund\b/gi, -1.5],
    [
      /\b(?:nobody|no one|noone|no-one) (?:answers|answered|replies|replied|responds|responded|helps|helped|could help|can help|has fixed)\b/gi,
      -2,
    ],
    [/\b(?:haven'?t|have not|hasn'?t|never) (?:heard back|got an answer|received|gotten)\b|\bno (?:reply|response|answer)\b/gi, -2],
    [/\b(?:third|fourth|fifth|\d+(?:st|nd|rd|th)) time\b|\b(?:three|four|five|several|many) times\b/gi, -1.5],
    [/\b(?:crash|crashes|crashing|crashed|unusable|blocking|keeps? (?:closing|crashing|failing))\b/gi, -1.5],
    [/\b(?:error \d{3}|blank screen|is down|been down|on hold)\b/gi, -1.5],
    [/\b(?:waiting|waited) (?:for )?(?:\w+ )?(?:days|weeks|hours|a week|a month)\b/gi, -1.5],
    [/\b(?:is|was) a joke\b|\b(?:isn'?t|not|never been) fixed\b/gi, -1.5],
    [/\b(?:works|working) (?:again|now|like a charm|perfectly)\b|\b(?:problem|issue) (?:solved|resolved)\b|\bfixed it\b/gi, 2],
  ],
  de: [
    [/\b(?:funktioniert|geht|klappt) (?:\w+ )?(?:nicht|nichts)\b|\bnichts funktioniert\b|\bkaputt\b/gi, -2],
    [/\b(?:warte|warten) (?:seit|schon)\b|\bimmer noch\b|\bkeine antwort\b/gi, -2],
    [/\bdoppelt (?:abgebucht|berechnet)\b|\bgeld zurück\b/gi, -2],
    [/\b(?:kündigen|kündigung)\b/gi, -1.5],
    [/\bkann mich nicht (?:mehr )?anmelden\b/gi, -2],
    [/\bfunktioniert (?:wieder|jetzt)\b|\bproblem (?:wurde )?(?:schnell )?gelöst\b/gi, 2],
  ],
  fr: [
    [/\bne (?:marche|fonctionne)(?: plus| pas)?\b|\brien ne (?:marche|fonctionne)\b/gi, -2],
    [/\bj'?attends\b|\bpersonne ne (?:répond|m'aide)\b|\btoujours pas\b/gi, -2],
    [/\bfactur[ée] deux fois\b|\bremboursement\b/gi, -2],
    [/\b(?:résilier|annuler) mon (?:compte|abonnement)\b/gi, -2],
    [/\bfonctionne (?:parfaitement|à nouveau)\b|\bproblème résolu\b/gi, 2],
  ],
  es: [
    [/\bno funciona\b|\bno anda\b/gi, -2],
    [/\b(?:llevo|estoy) .{0,20}esperando\b|\bnadie (?:me )?(?:responde|ayuda|contesta)\b|\btodavía no\b/gi, -2],
    [/\bcobraron dos veces\b|\breembolso\b/gi, -2],
    [/\bcancelar mi (?:cuenta|suscripción)\b/gi, -2],
    [/\bfunciona (?:perfectamente|de nuevo)\b|\bproblema resuelto\b|\bresolvieron el problema\b/gi, 2],
  ],
  it: [
    [/\bnon funziona\b|\bnon va\b/gi, -2],
    [/\baspetto\b|\bnessuno (?:mi )?(?:risponde|aiuta)\b|\bancora niente\b/gi, -2],
    [/\baddebitato due volte\b|\brimborso\b/gi, -2],
    [/\bdisdire\b|\bannullare (?:il mio )?(?:account|abbonamento)\b/gi, -2],
    [/\bfunziona (?:benissimo|perfettamente|di nuovo)\b|\bproblema risolto\b/gi, 2],
  ],
  pt: [
    [/\bnão funciona\b|\bnada funciona\b/gi, -2],
    [/\besperando\b|\bninguém (?:me )?(?:responde|ajuda)\b|\bainda não\b/gi, -2],
    [/\bcobraram duas vezes\b|\breembolso\b/gi, -2],
    [/\bcancelar (?:minha|a) (?:conta|assinatura)\b/gi, -2],
    [/\bfunciona (?:perfeitamente|de novo)\b|\bproblema resolvido\b/gi, 2],
  ],
  nl: [
    [/\bwerkt (?:\w+ )?niet\b|\bniets werkt\b|\bkapot\b/gi, -2],
    [/\bwacht al\b|\bniemand (?:reageert|helpt|antwoordt)\b|\bnog steeds\b/gi, -2],
    [/\btwee keer afgeschreven\b|\bgeld terug\b/gi, -2],
    [/\bopzeggen\b/gi, -1.5],
    [/\bwerkt (?:perfect|weer)\b|\bprobleem (?:snel )?opgelost\b/gi, 2],
  ],
};

/** Sum of the support phrases' valences in a text of a language. */
export function supportPhraseValence(language: SentimentLanguage, text: string): number {
  let total = 0;
  for (const [pattern, valence] of supportPhrases[language]) total += (text.match(pattern)?.length ?? 0) * valence;
  return total;
}
