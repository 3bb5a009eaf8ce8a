import { helpDeskPresets } from './presets.js';
import type { HelpDeskWebhookConfig, HelpDeskWebhookInput } from './helpdesk-config.js';

/** A problem with a help desk's configuration, named by its field. */
export interface ConfigIssue {
  field: string;
  message: string;
}

function lowerKeys<T>(map: Record<string, T> | undefined): Record<string, T> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k.trim().toLowerCase(), v]));
}

/**
 * The stored configuration and the secret to seal for a help desk connected by webhook: the
 * preset's mapping with the caller's fields and values laid over it. Every problem is reported.
 */
export function buildHelpDeskWebhook(
  input: HelpDeskWebhookInput,
): { ok: true; config: HelpDeskWebhookConfig; secret: string | null } | { ok: false; issues: ConfigIssue[] } {
  const preset = input.preset ? helpDeskPresets[input.preset] : undefined;
  const fields = { ...preset?.fields, ...input.fields };
  const issues: ConfigIssue[] = [];
  if (!fields.externalId) issues.push({ field: 'fields.externalId', message: "required: the path of the help desk's ticket id" });
  if (!fields.requesterEmail && !fields.requesterId && !fields.requesterUserId)
    issues.push({
      field: 'fields.requesterEmail',
      message: 'required: a path to the requester (requesterEmail, requesterId or requesterUserId)',
    });
  if (issues.length > 0) return { ok: false, issues };
  const auth = input.auth;
  const config: HelpDeskWebhookConfig = {
    preset: input.preset ?? null,
    auth:
      auth.type === 'hmac'
        ? { type: 'hmac', header: auth.header.toLowerCase(), algorithm: auth.algorithm, encoding: auth.encoding, prefix: auth.prefix }
        : { type: auth.type },
    items: input.items ?? preset?.items ?? null,
    fields,
    statusMap: { ...preset?.statusMap, ...lowerKeys(input.statusMap) },
    priorityMap: { ...preset?.priorityMap, ...lowerKeys(input.priorityMap) },
    channelMap: { ...preset?.channelMap, ...lowerKeys(input.channelMap) },
  };
  const secret =
    auth.type === 'hmac'
      ? auth.secret
      : auth.type === 'basic'
        ? JSON.stringify({ username: auth.username, password: auth.password })
        : null;
  return { ok: true, config, secret };
}
