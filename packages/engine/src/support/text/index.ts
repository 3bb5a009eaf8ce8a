export {
  textAnalyser,
  sentimentLabel,
  type SentimentLabel,
  type TextAnalyser,
  type TextContext,
  type TextSignals,
} from './text-analyser.js';
export { normaliseText, ownWords } from './normalise-text.js';
export { sentimentLanguages, isSentimentLanguage, type SentimentLanguage } from './sentiment-languages.js';
export type { LanguageSource } from './detect-language.js';
export { analyseTicketText } from './analyse-ticket-text.js';
export { correctTicketSentiment, type SentimentCorrection } from './correct-sentiment.js';
export { trainWorkspaceSentiment, type SentimentTrainingOutcome } from './train-sentiment.js';
export { requestSentimentTraining, trainTextModelsTask } from './train-text-models-task.js';
export { forgetWorkspaceTextSettings } from './workspace-text-settings.js';
