import type { WorkspaceScope } from '@strata/storage';
import type { Headers, SignatureCheck } from './signatures.js';

/** What became of a verified delivery. */
export type WebhookResult =
  | { status: 'stored'; detail?: string }
  | { status: 'duplicate' }
  | { status: 'ignored'; detail: string }
  | { status: 'invalid'; field: string; message: string };

/** One help desk, survey tool or billing system that posts to `/webhooks/{name}/{token}`. */
export interface WebhookProvider {
  name: string;
  /** False for providers that do not sign: the URL's token alone authenticates them. */
  signs: boolean;
  verify(rawBody: Buffer, headers: Headers, secret: string, now: Date): SignatureCheck;
  /** Stores what a verified delivery says, in the workspace its URL names; people it names are checked against erased ones with `suppressionKey`. */
  handle(scope: WorkspaceScope, payload: unknown, rawBody: Buffer, suppressionKey?: Buffer): Promise<WebhookResult>;
}

/** Parses a payload with a schema, reporting the first problem as the offending field. */
export function invalid(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): WebhookResult {
  const first = issues[0];
  return {
    status: 'invalid',
    field: first ? first.path.map(String).join('.') || '(body)' : '(body)',
    message: first?.message ?? 'invalid payload',
  };
}
