import { z } from 'zod';
import { findJsonHazard, formatJsonPath } from './storable-json.js';

/** Message types of Segment's HTTP Tracking API. */
export const messageTypes = ['identify', 'track', 'group', 'page', 'screen', 'alias'] as const;
export type MessageType = (typeof messageTypes)[number];

/** Segment's size limits, which clients already respect. */
export const ingestionLimits = {
  maxEventBytes: 32 * 1024,
  maxRequestBytes: 500 * 1024,
  maxBatchEvents: 2500,
} as const;

const id = z.union([z.string().min(1).max(512), z.number().finite()]).transform(String);
// A JSON object passed through as sent. Not z.record: that copies the object and drops an own
// `__proto__` key, and a trait may be called anything.
const object = z.custom<Record<string, unknown>>().superRefine((value, ctx) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    ctx.addIssue({ code: 'invalid_type', expected: 'record', message: 'must be a JSON object' });
});
const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(2100, 0, 1);
const time = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const date = new Date(value);
  const ms = date.getTime();
  if (Number.isNaN(ms) || ms < MIN_TIME || ms >= MAX_TIME) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 date between 1970 and 2100' });
    return z.NEVER;
  }
  return date;
});

const common = {
  messageId: z.string().min(1).max(512).optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  timestamp: time.nullish(),
  originalTimestamp: time.nullish(),
  sentAt: time.nullish(),
  context: object.nullish(),
  integrations: z.unknown().optional(),
  writeKey: z.string().optional(),
};

const shapes = {
  identify: z.object({
    ...common,
    type: z.literal('identify'),
    traits: object.nullish(),
    // Not Segment's: PostHog's `$set_once` arrives as this, so both clients take one path.
    traitsOnce: object.nullish().describe('Strata extension: traits set only where the person has none yet'),
  }),
  track: z.object({ ...common, type: z.literal('track'), event: z.string().min(1).max(256), properties: object.nullish() }),
  group: z.object({ ...common, type: z.literal('group'), groupId: id, traits: object.nullish() }),
  page: z.object({
    ...common,
    type: z.literal('page'),
    name: z.string().max(256).nullish(),
    category: z.string().nullish(),
    properties: object.nullish(),
  }),
  screen: z.object({
    ...common,
    type: z.literal('screen'),
    name: z.string().max(256).nullish(),
    category: z.string().nullish(),
    properties: object.nullish(),
  }),
  alias: z.object({ ...common, type: z.literal('alias'), previousId: id }),
} satisfies Record<MessageType, z.ZodType>;

export const segmentMessageSchema = z.discriminatedUnion('type', [
  shapes.identify,
  shapes.track,
  shapes.group,
  shapes.page,
  shapes.screen,
  shapes.alias,
]);

/** A message that passed validation, before clock correction. */
export type SegmentMessage = z.output<typeof segmentMessageSchema>;

/** One thing wrong with one message of a request. */
export interface MessageIssue {
  /** Position in the batch; 0 for a single-message endpoint. */
  index: number;
  /** Dotted path of the offending field, such as `traits.plan` or `userId`. */
  field: string;
  code:
    'invalid-type' | 'missing-field' | 'unknown-type' | 'too-large' | 'invalid-value' | 'invalid-character' | 'too-deep' | 'out-of-range';
  message: string;
}

export type ParseMessagesResult = { ok: true; messages: SegmentMessage[] } | { ok: false; issues: MessageIssue[] };

// Core runs in browsers too: TextEncoder, not Buffer, counts a message's UTF-8 bytes.
const utf8 = new TextEncoder();

/**
 * Validates raw messages, reporting every problem of every message rather than the first.
 * `impliedType` is the type of a single-message endpoint, which overrides the body's.
 */
export function parseSegmentMessages(
  raw: readonly unknown[],
  impliedType?: MessageType,
  options: { allowAccountOnly?: boolean } = {},
): ParseMessagesResult {
  const issues: MessageIssue[] = [];
  const messages: SegmentMessage[] = [];
  raw.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      issues.push({ index, field: '', code: 'invalid-type', message: 'each message must be a JSON object' });
      return;
    }
    const candidate = impliedType ? { ...item, type: impliedType } : item;
    // Before anything recursive (JSON.stringify below, Zod) reads the message.
    const hazard = findJsonHazard(candidate);
    if (hazard) {
      const field = formatJsonPath(hazard.code === 'too-deep' ? hazard.path.slice(0, 1) : hazard.path);
      issues.push({ index, field, code: hazard.code, message: `${field} ${hazard.problem}` });
      return;
    }
    const bytes = utf8.encode(JSON.stringify(candidate)).length;
    if (bytes > ingestionLimits.maxEventBytes) {
      issues.push({ index, field: '', code: 'too-large', message: `message is ${bytes} bytes; the limit is 32 KB per message` });
      return;
    }
    const type = (candidate as { type?: unknown }).type;
    if (typeof type !== 'string' || !(messageTypes as readonly string[]).includes(type)) {
      issues.push({
        index,
        field: 'type',
        code: 'unknown-type',
        message: `type must be one of ${messageTypes.join(', ')}; got ${JSON.stringify(type ?? null)}`,
      });
      return;
    }
    const parsed = segmentMessageSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.');
        const missing = valueAt(candidate, issue.path) === undefined;
        const wrongType = issue.code === 'invalid_type' || issue.code === 'invalid_union';
        issues.push({
          index,
          field,
          code: missing ? 'missing-field' : wrongType ? 'invalid-type' : 'invalid-value',
          message: missing
            ? `${field} is required`
            : issue.code === 'invalid_union'
              ? `${field} must be a string or a number`
              : `${field}: ${issue.message}`,
        });
      }
      return;
    }
    const message = parsed.data;
    // Imports may speak of an account alone (its traits, a subscription started), with no person.
    const accountOnly =
      options.allowAccountOnly === true && (message.type === 'group' || (message.type === 'track' && message.context?.['groupId'] != null));
    if (message.type !== 'alias' && message.userId == null && message.anonymousId == null && !accountOnly) {
      issues.push({ index, field: 'userId', code: 'missing-field', message: 'userId or anonymousId is required' });
      return;
    }
    if (message.type === 'alias' && message.userId == null) {
      issues.push({ index, field: 'userId', code: 'missing-field', message: 'userId is required for alias' });
      return;
    }
    messages.push(message);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, messages };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
