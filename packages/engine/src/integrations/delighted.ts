import { z } from 'zod';
import { recordSurveyAnswer, surveyScoreRange } from '../support/index.js';
import { header, hmac, sameDigest } from './signatures.js';
import { invalid, type WebhookProvider } from './webhook-provider.js';

const id = z.union([z.string(), z.number()]).transform(String);
const seconds = z.number().transform((s) => new Date(s * 1000));

/** A Delighted survey-response webhook, as in the real bodies under shared/data. */
const schema = z.object({
  event_type: z.string(),
  event_id: z.string().min(1),
  event_data: z.object({
    id: id,
    person: z.object({ id: id.nullish(), email: z.string().nullish(), name: z.string().nullish() }).loose(),
    score: z.number().int(),
    comment: z.string().nullish(),
    survey_type: z.string().nullish(),
    created_at: seconds,
    updated_at: seconds.nullish(),
    person_properties: z.record(z.string(), z.unknown()).nullish(),
  }),
});

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
}

/**
 * Delighted signs the body with HMAC-SHA256 of the webhook secret in
 * `X-Delighted-Webhook-Signature` (hex, optionally prefixed `sha256=`).
 */
export const delighted: WebhookProvider = {
  name: 'delighted',
  signs: true,
  verify(rawBody, headers, secret) {
    const signature = header(headers, 'x-delighted-webhook-signature');
    if (!signature) return { ok: false, reason: 'missing-signature' };
    const hex = signature.startsWith('sha256=') ? signature.slice(7) : signature;
    return sameDigest(hmac('sha256', secret, rawBody), hex, 'hex') ? { ok: true } : { ok: false, reason: 'bad-signature' };
  },
  async handle(scope, payload, _rawBody, suppressionKey) {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) return invalid(parsed.error.issues);
    const { event_type, event_id, event_data: response } = parsed.data;
    if (!event_type.startsWith('survey_response.')) return { status: 'ignored', detail: `${event_type} is not a survey response` };
    const kind = response.survey_type?.toLowerCase() === 'csat' ? 'csat' : 'nps';
    const [min, max] = surveyScoreRange[kind];
    if (response.score < min || response.score > max)
      return { status: 'invalid', field: 'event_data.score', message: `a ${kind} score is a whole number from ${min} to ${max}` };
    const properties = response.person_properties ?? {};
    const outcome = await recordSurveyAnswer(scope, {
      suppressionKey,
      source: 'delighted',
      externalId: response.id,
      requester: {
        userId: text(properties['user_id'] ?? properties['userId'] ?? properties['User ID']),
        email: response.person.email ?? null,
        name: response.person.name ?? null,
        groupId: text(properties['group_id'] ?? properties['groupId'] ?? properties['Group ID']),
        anonymousId: response.person.id ? `delighted:${response.person.id}` : null,
      },
      kind,
      score: response.score,
      comment: response.comment ?? null,
      submittedAt: response.updated_at ?? response.created_at,
      delivery: { provider: 'delighted', eventId: event_id },
    });
    if (outcome.kind === 'duplicate-delivery') return { status: 'duplicate' };
    if (outcome.kind !== 'stored') return { status: 'ignored', detail: outcome.kind };
    return outcome.applied
      ? { status: 'stored', detail: outcome.survey.id }
      : { status: 'ignored', detail: 'older than the stored answer' };
  },
};
