export {
  CannedResponseInputError,
  isLanguageCode,
  saveCannedResponse,
  type CannedResponseInput,
  type CannedResponseProblem,
} from './canned-responses.js';
export { checkResponseTemplate, renderResponseTemplate, TemplateRenderError, type TemplateProblem } from './response-template.js';
export { customerTemplateData, htmlChannels, repliesInHtml, ticketTemplateData } from './ticket-template-data.js';
export { suggestResponses, type ResponseSuggestion } from './suggest-responses.js';
export { previewCannedResponse, type PreviewTarget, type ResponsePreview } from './preview-response.js';
