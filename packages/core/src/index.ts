export {
  ingestionLimits,
  messageTypes,
  parseSegmentMessages,
  segmentMessageSchema,
  type MessageIssue,
  type MessageType,
  type ParseMessagesResult,
  type SegmentMessage,
} from './ingestion/segment-message.js';
export { correctEventTime, futureTolerance, type MessageTimes } from './ingestion/event-time.js';
export { inferFieldType, type FieldType } from './ingestion/field-type.js';
export { applyTraits, mergeVersionedTraits, type TraitTimes, type VersionedTraits } from './ingestion/trait-merge.js';
