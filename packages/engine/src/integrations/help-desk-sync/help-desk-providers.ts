import { z } from 'zod';
import type { HelpDeskProvider } from '@strata/storage';
import { freshdeskCredentials, syncFreshdeskTicket } from './freshdesk-sync.js';
import { intercomCredentials, syncIntercomConversation } from './intercom-sync.js';
import type { HelpDeskUpdate, SendRequest, SyncCallResult } from './sync-call.js';
import { syncZendeskTicket, zendeskCredentials } from './zendesk-sync.js';

/** The help desks Strata writes decisions back to, as `tickets.source` names them. */
export const helpDeskProviders = ['zendesk', 'freshdesk', 'intercom'] as const satisfies readonly HelpDeskProvider[];

export function isHelpDeskProvider(source: string): source is HelpDeskProvider {
  return (helpDeskProviders as readonly string[]).includes(source);
}

/** How one help desk is reached: the fields that say where, the credentials, and the call. */
interface HelpDeskDefinition {
  /** Where the account lives, as the user gives it; never secret. */
  location: z.ZodObject;
  /** The API credentials; stored sealed. */
  credentials: z.ZodObject;
  baseUrl(location: Record<string, unknown>): string;
  sync(
    send: SendRequest,
    baseUrl: string,
    credentials: Record<string, unknown>,
    update: HelpDeskUpdate,
    now: Date,
  ): Promise<SyncCallResult>;
}

const subdomain = (example: string) => z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, `the account's subdomain, such as ${example}`);

export const helpDeskDefinitions: Readonly<Record<HelpDeskProvider, HelpDeskDefinition>> = {
  zendesk: {
    location: z.object({ subdomain: subdomain('acme for acme.zendesk.com') }),
    credentials: zendeskCredentials,
    baseUrl: (l) => `https://${String(l['subdomain'])}.zendesk.com`,
    sync: (send, baseUrl, credentials, update, now) => syncZendeskTicket(send, baseUrl, zendeskCredentials.parse(credentials), update, now),
  },
  freshdesk: {
    location: z.object({ domain: subdomain('acme for acme.freshdesk.com') }),
    credentials: freshdeskCredentials,
    baseUrl: (l) => `https://${String(l['domain'])}.freshdesk.com`,
    sync: (send, baseUrl, credentials, update, now) =>
      syncFreshdeskTicket(send, baseUrl, freshdeskCredentials.parse(credentials), update, now),
  },
  intercom: {
    location: z.object({ region: z.enum(['us', 'eu', 'au']).default('us').describe("the workspace's data region") }),
    credentials: intercomCredentials,
    baseUrl: (l) =>
      l['region'] === 'eu' ? 'https://api.eu.intercom.io' : l['region'] === 'au' ? 'https://api.au.intercom.io' : 'https://api.intercom.io',
    sync: (send, baseUrl, credentials, update, now) =>
      syncIntercomConversation(send, baseUrl, intercomCredentials.parse(credentials), update, now),
  },
};
