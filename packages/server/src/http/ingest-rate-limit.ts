import { AppError } from './app-error.js';

/** Requests a second one write key may send, and how many it may send at once after a quiet spell. */
export interface IngestRateLimit {
  perSecond: number;
  burst: number;
}

/**
 * Far above what the benchmark sends under one key (at most four 500-message batches in flight,
 * each waiting for its answer; the soak ten batches a second per tenant) and above a busy website
 * whose visitors' browsers all send under one write key: the limit stops a leaked key's flood,
 * it does not shape normal traffic.
 */
export const defaultIngestRateLimit: IngestRateLimit = { perSecond: 1000, burst: 2000 };

/** Buckets kept before the full ones (keys quiet long enough to have refilled) are forgotten. */
const maxBuckets = 10_000;

/**
 * A token bucket per write key, in this process's memory: each request takes a token, tokens
 * come back at `perSecond` up to `burst`. Several processes each hold their own buckets, so
 * behind a load balancer a key may send up to the limit times the processes (docs/operations.md
 * says why that is the trade made).
 */
export class IngestRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Requests refused since the process started, for `/metrics`. */
  refused = 0;

  constructor(
    readonly limit: IngestRateLimit,
    private readonly now: () => Date,
  ) {}

  /** Takes a token for the key, or throws RATE_LIMITED with the whole seconds until one is there. */
  admit(keyId: string): void {
    const now = this.now().getTime();
    const bucket = this.buckets.get(keyId);
    // A clock that steps back refills nothing rather than taking tokens away.
    const elapsed = bucket ? Math.max(0, now - bucket.at) / 1000 : 0;
    const tokens = bucket ? Math.min(this.limit.burst, bucket.tokens + elapsed * this.limit.perSecond) : this.limit.burst;
    if (tokens >= 1) {
      this.remember(keyId, { tokens: tokens - 1, at: now });
      return;
    }
    this.remember(keyId, { tokens, at: now });
    this.refused++;
    const wait = Math.max(1, Math.ceil((1 - tokens) / this.limit.perSecond));
    throw new AppError(
      'RATE_LIMITED',
      `this write key sent more than ${this.limit.perSecond} requests a second (bursts of ${this.limit.burst}); nothing was stored, resend after ${wait} s (STRATA_INGEST_RATE_PER_SECOND raises the limit)`,
      undefined,
      wait,
    );
  }

  private remember(keyId: string, bucket: { tokens: number; at: number }): void {
    if (this.buckets.size >= maxBuckets && !this.buckets.has(keyId)) {
      for (const [id, held] of this.buckets)
        if (held.tokens + ((bucket.at - held.at) / 1000) * this.limit.perSecond >= this.limit.burst) this.buckets.delete(id);
      // All of them busy: forgetting one only gives that key a fresh burst.
      if (this.buckets.size >= maxBuckets) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(keyId, bucket);
  }
}
