import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { addressLiteral, isPublicAddress } from './address-policy.js';

/**
 * Why Strata may not connect to a host a user configured outside a URL (an SMTP server), or
 * undefined when it may: the host, or every address its name resolves to, must be public, the
 * rule webhooks follow (`sendOutboundRequest`), unless private addresses are allowed
 * (STRATA_ALLOW_PRIVATE_WEBHOOKS). A name that does not resolve is left to the connection to report.
 */
export async function privateHostProblem(
  host: string,
  options: { allowPrivate: boolean; lookup?: (hostname: string) => Promise<LookupAddress[]> },
): Promise<string | undefined> {
  if (options.allowPrivate) return undefined;
  const refusal = (address: string) =>
    `${host}${address === host ? '' : ` resolves to ${address}, which`} is not a public address; Strata does not connect to private networks unless STRATA_ALLOW_PRIVATE_WEBHOOKS=true`;
  const literal = addressLiteral(host);
  if (literal !== undefined) return isPublicAddress(literal) ? undefined : refusal(host);
  const resolve = options.lookup ?? ((hostname: string) => lookup(hostname, { all: true, verbatim: true }));
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch {
    return undefined;
  }
  const refused = addresses.find((a) => !isPublicAddress(a.address));
  return refused && refusal(refused.address);
}
