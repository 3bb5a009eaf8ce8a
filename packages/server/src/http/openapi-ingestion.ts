import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { segmentMessageSchema, type MessageType } from '@strata/core';

/** One message as a client sends it (the single-message endpoints imply its `type`). */
const messageOf = (type: MessageType) => {
  const shape = segmentMessageSchema.options.find((option) => option.shape.type.value === type)!;
  return shape.extend({ type: shape.shape.type.optional() });
};

const batchBody = z.object({
  batch: z.array(segmentMessageSchema).max(2500),
  sentAt: z.union([z.string(), z.number()]).optional().describe("the client's clock when it sent the batch, for skew correction"),
  context: z.record(z.string(), z.unknown()).optional(),
  writeKey: z.string().optional().describe('instead of HTTP Basic'),
});

const operationIds: Record<MessageType | 'batch' | 'import', string> = {
  identify: 'ingestIdentify',
  track: 'ingestTrack',
  group: 'ingestGroup',
  page: 'ingestPage',
  screen: 'ingestScreen',
  alias: 'ingestAlias',
  batch: 'ingestBatch',
  import: 'ingestImport',
};

/**
 * The documented schema of a Segment-compatible endpoint. The body is documentation only
 * (`documentedBody`): the handler reads the raw bytes, since clients gzip and mislabel them.
 */
export function ingestionSchema(endpoint: MessageType | 'batch' | 'import'): FastifySchema {
  const single = endpoint !== 'batch' && endpoint !== 'import';
  return {
    operationId: operationIds[endpoint],
    summary: single
      ? `Segment ${endpoint}: one message`
      : endpoint === 'batch'
        ? 'Segment batch: up to 2,500 messages of any type, all stored or none'
        : 'Bulk import, the batch format: up to 2,500 messages, all stored or none',
    tags: ['ingestion'],
    security: [{ writeKey: [] }],
    errors: [429],
    documentedBody: single ? messageOf(endpoint) : batchBody,
    response: { 200: z.object({ success: z.literal(true) }).describe('committed (replays count as deduplicated)') },
  };
}
