import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { listSegments, upsertWebhook, type WebhookEvent, type WebhookRecord, type WorkspaceScope } from '@strata/storage';

/** A webhook as a user configures it. */
export interface WebhookInput {
  key: string;
  url: string;
  events: WebhookEvent[];
  segments?: string[] | undefined;
  /** A Standard Webhooks secret (`whsec_` + base64 of 24 to 64 bytes); generated when left out. */
  secret?: string | undefined;
}

/** A field the user must fix, named as in the request body. */
export class WebhookInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookInputError';
  }
}

export interface SavedWebhook {
  webhook: WebhookRecord;
  created: boolean;
  /** The signing secret: shown in this answer only (stored encrypted). */
  secret: string;
}

/** A fresh signing secret in the Standard Webhooks form. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Creates or replaces a membership webhook. Segments must exist; the secret must be one the
 * `standardwebhooks` package accepts, so receivers can verify with it as it is.
 */
export async function saveWebhook(
  scope: WorkspaceScope,
  secrets: { seal(plaintext: string): Buffer },
  input: WebhookInput,
): Promise<SavedWebhook> {
  const url = parseWebhookUrl(input.url);
  if (input.segments) {
    const known = new Set((await listSegments(scope)).map((s) => s.key));
    input.segments.forEach((key, index) => {
      if (!known.has(key))
        throw new WebhookInputError(`segments[${index}]`, `segment ${key} does not exist; GET /api/v1/segments lists the keys`);
    });
  }
  const secret = input.secret ?? generateWebhookSecret();
  checkSecret(secret);
  const { webhook, created } = await upsertWebhook(scope, {
    key: input.key,
    url,
    events: [...new Set(input.events)],
    segments: input.segments ? [...new Set(input.segments)] : null,
    secretCiphertext: secrets.seal(secret).toString('base64'),
  });
  return { webhook, created, secret };
}

function parseWebhookUrl(text: string): string {
  const problem = webhookUrlProblem(text);
  if (problem) throw new WebhookInputError('url', problem);
  return new URL(text).toString();
}

/** Why a webhook URL cannot be used, or undefined when it can (playbooks' webhook steps check theirs too). */
export function webhookUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'url is not an absolute URL; use https://receiver.example.com/path';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `url must be http or https, not ${url.protocol.replace(':', '')}`;
  if (url.username || url.password) return 'url must not carry a user name or password; the signature authenticates Strata';
  return undefined;
}

function checkSecret(secret: string): void {
  const problem = webhookSecretProblem(secret);
  if (problem) throw new WebhookInputError('secret', problem);
}

/** Why a signing secret is not one receivers' `standardwebhooks` accepts, or undefined when it is. */
export function webhookSecretProblem(secret: string): string | undefined {
  const base64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, 'base64').length : 0;
  if (bytes < 24 || bytes > 64)
    return 'secret must be whsec_ followed by base64 of 24 to 64 random bytes; leave it out to have one generated';
  try {
    new Webhook(secret);
  } catch (error) {
    return `secret is refused by standardwebhooks: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}
