import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressLiteral, isPublicAddress } from './address-policy.js';

export type OutboundRefusal = 'invalid-url' | 'private-address' | 'dns-failure' | 'timeout' | 'connection-failed';

/**
 * An outbound request Strata would not or could not make. The message names the host and the
 * reason, never a header value or the body: those carry secrets and customer data.
 */
export class OutboundRequestError extends Error {
  constructor(
    readonly reason: OutboundRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundRequestError';
  }
}

export interface OutboundRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface OutboundOptions {
  /** STRATA_ALLOW_PRIVATE_WEBHOOKS=true: loopback and private addresses too (development and tests only). */
  allowPrivate: boolean;
  /** The whole request, connection to last byte; 10 s by default. */
  timeoutMs?: number;
  /** Bytes of the answer kept; the rest is not read. 64 KiB by default. */
  maxResponseBytes?: number;
  /** DNS resolution; tests inject names that resolve to what they need. */
  lookup?: (hostname: string) => Promise<LookupAddress[]>;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The answer as text, cut at maxResponseBytes. */
  body: string;
  truncated: boolean;
  durationMs: number;
}

const resolveAll = (hostname: string): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true } satisfies LookupAllOptions, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/**
 * Makes one HTTP request to a URL a user configured (a webhook, a help desk), refusing private
 * networks: the host is resolved, every address it resolves to must be public, and the
 * connection is made to an address that was checked (the check runs in the socket's own lookup,
 * so a DNS answer that changes between check and connect cannot slip through). Redirects are
 * never followed: a 3xx comes back as the answer, and callers treat it as a failure, so a public
 * URL cannot bounce the request to a private one.
 */
export async function sendOutboundRequest(request: OutboundRequest, options: OutboundOptions): Promise<OutboundResponse> {
  const url = parseTarget(request.url);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxResponseBytes ?? 65_536;
  const resolver = options.lookup ?? resolveAll;
  const literal = addressLiteral(url.hostname);
  if (literal !== undefined && !options.allowPrivate && !isPublicAddress(literal))
    throw new OutboundRequestError('private-address', `${url.hostname} is not a public address; Strata does not call private networks`);

  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolver(hostname).then(
      (addresses) => {
        const refused = options.allowPrivate ? undefined : addresses.find((a) => !isPublicAddress(a.address));
        if (addresses.length === 0) return callback(new OutboundRequestError('dns-failure', `${hostname} resolves to no address`), '', 4);
        if (refused)
          return callback(
            new OutboundRequestError(
              'private-address',
              `${hostname} resolves to ${refused.address}, not a public address; Strata does not call private networks`,
            ),
            '',
            4,
          );
        const family = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : undefined;
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        if (lookupOptions.all) return callback(null, usable);
        const first = usable[0] ?? addresses[0]!;
        return callback(null, first.address, first.family);
      },
      (error: unknown) =>
        callback(
          new OutboundRequestError(
            'dns-failure',
            `${hostname} could not be resolved (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
          ),
          '',
          4,
        ),
    );
  };

  const started = performance.now();
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<OutboundResponse>((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const req = client.request(
      url,
      {
        method: request.method ?? (body ? 'POST' : 'GET'),
        headers: { ...request.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        lookup: guardedLookup,
        // One request per connection: a pooled socket would skip the lookup, and its check, next time.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let truncated = false;
        res.on('data', (chunk: Buffer) => {
          if (kept >= maxBytes) {
            truncated = true;
            res.destroy();
            return;
          }
          const part = chunk.subarray(0, maxBytes - kept);
          if (part.length < chunk.length) truncated = true;
          chunks.push(part);
          kept += part.length;
          if (truncated) res.destroy();
        });
        const finish = () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            truncated,
            durationMs: performance.now() - started,
          });
        };
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', () => (truncated ? finish() : undefined));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new OutboundRequestError('timeout', `${url.host} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      if (error instanceof OutboundRequestError) reject(error);
      else
        reject(
          new OutboundRequestError(
            'connection-failed',
            `${url.host} could not be reached (${(error as NodeJS.ErrnoException).code ?? error.message})`,
          ),
        );
    });
    req.end(body);
  });
}

function parseTarget(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OutboundRequestError('invalid-url', 'the URL is not an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new OutboundRequestError('invalid-url', `only http and https URLs are called, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) throw new OutboundRequestError('invalid-url', 'the URL must not carry a user name or password');
  return url;
}
