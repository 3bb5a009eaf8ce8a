import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../http/app-error.js';
import { bearerSecret } from '../../http/authenticate.js';

/** Who may scrape `/metrics`: a bearer token, and addresses or CIDR ranges. */
export interface MetricsAccess {
  /** STRATA_METRICS_TOKEN: a scraper sending `Authorization: Bearer <token>` is let in from anywhere. */
  token?: string;
  /** STRATA_METRICS_ALLOW: addresses and ranges let in without the token. */
  allow: readonly string[];
}

/** Loopback only: a scraper on the same machine, or behind an SSH tunnel or a sidecar. */
export const defaultMetricsAllow = ['127.0.0.0/8', '::1'] as const;

/** The problem with one STRATA_METRICS_ALLOW entry (an address, or an address/prefix), else undefined. */
export function metricsAllowProblem(entry: string): string | undefined {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return `"${entry}" is not an address or a CIDR range such as 10.0.0.0/8 or fd00::/8`;
  if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)))
    return `"${entry}" has a prefix length outside 0-${family === 4 ? 32 : 128}`;
  return undefined;
}

/** An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d; the list names it as a.b.c.d. */
const unmapped = (address: string) => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address);

/**
 * The check `/metrics` runs first: the metrics name no workspace, but they tell the load, the
 * queues and the processes of every tenant, which is no one's business outside operations.
 * Behind a reverse proxy every request comes from the proxy's address: use the token there.
 */
export function metricsGate(access: MetricsAccess): (request: FastifyRequest) => void {
  const allowed = new BlockList();
  for (const entry of access.allow) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) allowed.addAddress(address, family);
    else allowed.addSubnet(address, Number(prefix), family);
  }
  const token = access.token === undefined ? undefined : Buffer.from(access.token);
  return (request) => {
    const sent = bearerSecret(request);
    if (token && sent !== undefined) {
      const given = Buffer.from(sent);
      if (given.length === token.length && timingSafeEqual(given, token)) return;
    }
    const address = unmapped(request.ip);
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(address) !== 0 && allowed.check(address, family)) return;
    throw new AppError(
      'FORBIDDEN',
      `metrics are served to the addresses in STRATA_METRICS_ALLOW (${access.allow.join(', ') || 'none'})${access.token ? ' and to Authorization: Bearer <STRATA_METRICS_TOKEN>' : '; set STRATA_METRICS_TOKEN to let a scraper in from elsewhere with a bearer token'}`,
    );
  };
}
