export { composeEmail, emailOf, type ComposedEmail, type LinkSigning } from './compose-email.js';
export { emailTemplateProblems, renderEmail, stepTemplates, type EmailTemplates, type RenderedEmail } from './email-templates.js';
export { smtpProblem, smtpTransport, type SmtpConnection } from './email-transport.js';
export { issueUnsubscribeToken, unsubscribeUrl, verifyUnsubscribeToken, type UnsubscribeClaims } from './unsubscribe-links.js';
