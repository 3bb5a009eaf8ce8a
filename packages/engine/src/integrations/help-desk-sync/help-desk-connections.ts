import { z } from 'zod';
import { upsertHelpDeskConnection, type HelpDeskConnection, type HelpDeskProvider, type WorkspaceScope } from '@strata/storage';
import { helpDeskDefinitions } from './help-desk-providers.js';

/** Every mistake in a help-desk connection, named as in the request body; nothing was stored. */
export class HelpDeskConnectionInputError extends Error {
  constructor(readonly problems: Array<{ field: string; message: string }>) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'HelpDeskConnectionInputError';
  }
}

// Overrides where the help desk is (a proxy, a host mapping, a local test server): an absolute
// http(s) URL without credentials; the outbound guard still decides whether it may be called.
const baseUrlOverride = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'baseUrl must be an absolute http or https URL, such as https://acme.zendesk.com' })
    // Refinements run even after the URL check failed, so this one must not assume a URL.
    .refine(
      (text) => !URL.canParse(text) || (!new URL(text).username && !new URL(text).password),
      'baseUrl must not carry a user name or password',
    )
    .optional(),
});

/**
 * Checks a provider's connection settings and stores them, the credentials sealed. The body is
 * the provider's location fields (Zendesk `subdomain`, Freshdesk `domain`, Intercom `region`),
 * its credentials and an optional `baseUrl`.
 */
export async function saveHelpDeskConnection(
  scope: WorkspaceScope,
  secrets: { seal(plaintext: string): Buffer },
  provider: HelpDeskProvider,
  body: Record<string, unknown>,
): Promise<HelpDeskConnection> {
  const definition = helpDeskDefinitions[provider];
  // A baseUrl stands in for the location, so the location is optional then.
  const hasBaseUrl = typeof body['baseUrl'] === 'string';
  const schema = (hasBaseUrl ? definition.location.partial() : definition.location)
    .extend(definition.credentials.shape)
    .extend(baseUrlOverride.shape)
    .strict();
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new HelpDeskConnectionInputError(
      parsed.error.issues.map((issue) => ({
        field: issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(body)'),
        message: issue.code === 'unrecognized_keys' ? `${provider} takes no such field` : issue.message,
      })),
    );
  const values: Record<string, unknown> = parsed.data;
  const credentials = definition.credentials.parse(values);
  const baseUrl = typeof values['baseUrl'] === 'string' ? values['baseUrl'].replace(/\/+$/, '') : definition.baseUrl(values);
  return upsertHelpDeskConnection(scope, {
    provider,
    baseUrl,
    credentialsCiphertext: secrets.seal(JSON.stringify(credentials)).toString('base64'),
  });
}
