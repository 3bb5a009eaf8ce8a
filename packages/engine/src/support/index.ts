export {
  analyseTicketText,
  correctTicketSentiment,
  forgetWorkspaceTextSettings,
  requestSentimentTraining,
  sentimentLabel,
  sentimentLanguages,
  textAnalyser,
  trainTextModelsTask,
  trainWorkspaceSentiment,
  type SentimentCorrection,
  type SentimentLabel,
  type SentimentTrainingOutcome,
  type TextAnalyser,
  type TextContext,
  type TextSignals,
} from './text/index.js';
export {
  CannedResponseInputError,
  checkResponseTemplate,
  htmlChannels,
  isLanguageCode,
  previewCannedResponse,
  renderResponseTemplate,
  repliesInHtml,
  saveCannedResponse,
  suggestResponses,
  ticketTemplateData,
  type CannedResponseInput,
  type CannedResponseProblem,
  type PreviewTarget,
  type ResponsePreview,
  type ResponseSuggestion,
  type TemplateProblem,
} from './canned/index.js';
export { loadBusinessHours } from './business-hours-setting.js';
export { deriveTicket } from './ticket-derivation.js';
export {
  changeTicket,
  readTicket,
  writeTicket,
  type TicketFields,
  type TicketMessageInput,
  type TicketOutcome,
  type TicketView,
  type TicketWrite,
} from './tickets.js';
export {
  recordSurveyAnswer,
  surveyScoreRange,
  type SurveyAnswer,
  type SurveyKind,
  type SurveyOutcome,
  type SurveyView,
} from './surveys.js';
export { issueSurveyLink, verifySurveyLink, type SurveyLinkCheck, type SurveyLinkClaims } from './survey-links.js';
