import type pg from 'pg';
import { expect } from 'vitest';

/**
 * A client of Strata that keeps sending while something is broken on purpose, and afterwards
 * proves what it was told: everything acknowledged is stored exactly once, and once it resends
 * what was not acknowledged, everything sent is stored exactly once. Each kind of traffic is one
 * workload; the disruption tests run every workload in `standardWorkloads` at the same time.
 */
export interface Workload {
  readonly name: string;
  /** Sends until `stop`, each request to the address `url()` gives at that moment. */
  start(url: () => string): void;
  /** Stops sending and waits for requests in flight. */
  stop(): Promise<void>;
  /** How many items were acknowledged so far. */
  acknowledged(): number;
  /** Answers other than a 2xx or a 503 with Retry-After (a dropped connection is not an answer). */
  unexpectedAnswers(): string[];
  /** How many 503 answers came with Retry-After. */
  unavailableAnswers(): number;
  /** Every acknowledged item is stored exactly once. */
  verifyAcknowledged(database: pg.Client): Promise<void>;
  /** Sends again everything not acknowledged (as a client library would), until all is acknowledged. */
  resendUnacknowledged(url: string): Promise<void>;
  /** After the resend: everything sent is stored, each exactly once. */
  verifyEverythingOnce(database: pg.Client): Promise<void>;
}

/** The keys the workloads authenticate with (bootstrap keys of workspace `default`). */
export interface WorkloadKeys {
  writeKey: string;
  adminKey: string;
}

type Answer = { status: number; retryAfter: string | null } | 'no-answer';

async function post(url: string, path: string, authorization: string, body: unknown): Promise<Answer> {
  try {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    await response.arrayBuffer();
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  } catch {
    return 'no-answer'; // the server died or restarted mid-request: nothing was acknowledged
  }
}

/** Shared bookkeeping: items are sent in units (a batch, a ticket); a unit is acknowledged or not. */
abstract class StreamingWorkload<Unit> implements Workload {
  abstract readonly name: string;
  private running: Promise<void>[] = [];
  private stopping = false;
  private readonly acked = new Set<string>();
  private readonly unacked = new Map<string, Unit>();
  private readonly unexpected: string[] = [];
  private unavailable = 0;
  private sequence = 0;

  constructor(
    protected readonly keys: WorkloadKeys,
    private readonly clients = 2,
  ) {}

  /** The next unit to send, numbered `n`, with the ids of the items it carries. */
  protected abstract makeUnit(n: number): { ids: string[]; unit: Unit };
  protected abstract send(url: string, unit: Unit): Promise<Answer>;
  protected abstract countStored(database: pg.Client, ids: string[]): Promise<Map<string, number>>;
  protected abstract countAll(database: pg.Client): Promise<{ total: number; distinct: number }>;

  start(url: () => string): void {
    this.stopping = false;
    this.running = Array.from({ length: this.clients }, async () => {
      let next: { ids: string[]; unit: Unit } | undefined;
      while (!this.stopping) {
        next ??= this.makeUnit(this.sequence++);
        const { ids, unit } = next;
        const key = ids.join(',');
        this.unacked.set(key, unit);
        const answer = await this.send(url(), unit);
        if (this.record(answer)) {
          this.unacked.delete(key);
          for (const id of ids) this.acked.add(id);
          next = undefined;
        } else {
          // What a client library does: wait a little and send the same unit again.
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  acknowledged(): number {
    return this.acked.size;
  }

  unexpectedAnswers(): string[] {
    return this.unexpected;
  }

  unavailableAnswers(): number {
    return this.unavailable;
  }

  async verifyAcknowledged(database: pg.Client): Promise<void> {
    const ids = [...this.acked];
    const counts = await this.countStored(database, ids);
    const missing = ids.filter((id) => !counts.has(id));
    const twice = ids.filter((id) => (counts.get(id) ?? 0) > 1);
    expect({ workload: this.name, missing: missing.slice(0, 10), twice: twice.slice(0, 10) }).toEqual({
      workload: this.name,
      missing: [],
      twice: [],
    });
  }

  async resendUnacknowledged(url: string): Promise<void> {
    for (const [key, unit] of this.unacked) {
      for (let attempt = 0; ; attempt++) {
        const answer = await this.send(url, unit);
        if (this.record(answer)) break;
        if (attempt >= 20) throw new Error(`${this.name}: ${key} was not acknowledged after 20 attempts: ${JSON.stringify(answer)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      this.unacked.delete(key);
      for (const id of key.split(',')) this.acked.add(id);
    }
  }

  async verifyEverythingOnce(database: pg.Client): Promise<void> {
    expect(this.unacked.size).toBe(0);
    await this.verifyAcknowledged(database);
    const { total, distinct } = await this.countAll(database);
    expect({ workload: this.name, total, distinct }).toEqual({ workload: this.name, total: this.acked.size, distinct: this.acked.size });
  }

  /** True when the answer acknowledges; notes answers a client must never see. */
  private record(answer: Answer): boolean {
    if (answer === 'no-answer') return false;
    if (answer.status >= 200 && answer.status < 300) return true;
    if (answer.status === 503 && answer.retryAfter !== null) this.unavailable++;
    else if (this.unexpected.length < 20) this.unexpected.push(`${this.name}: ${answer.status} retry-after=${answer.retryAfter}`);
    return false;
  }
}

/** The person of the `m`-th message: 41 people, person k sending about k times as much as person 1. */
function personOf(m: number): string {
  const spread = (m * 0.6180339887498949) % 1; // evenly spread over [0, 1)
  return `rel-${Math.floor(41 * Math.sqrt(spread))}`;
}

/** Segment-style `/v1/batch` calls of 20 `track "login"` messages, each with a messageId, over 41 people. */
export class BatchWorkload extends StreamingWorkload<unknown[]> {
  readonly name = 'batches';

  protected makeUnit(n: number) {
    const unit = Array.from({ length: 20 }, (_, i) => ({
      type: 'track',
      userId: personOf(n * 20 + i),
      event: 'login',
      messageId: `rel-batch-${n}-${i}`,
    }));
    return { ids: unit.map((m) => m.messageId), unit };
  }

  protected send(url: string, unit: unknown[]) {
    return post(url, '/v1/batch', `Basic ${Buffer.from(`${this.keys.writeKey}:`).toString('base64')}`, { batch: unit });
  }

  protected async countStored(database: pg.Client, ids: string[]) {
    const { rows } = await database.query<{ id: string; n: number }>(
      'SELECT message_id AS id, count(*)::int AS n FROM events WHERE message_id = ANY($1) GROUP BY message_id',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  protected async countAll(database: pg.Client) {
    const { rows } = await database.query<{ total: number; distinct: number }>(
      `SELECT count(*)::int AS total, count(DISTINCT message_id)::int AS distinct FROM events WHERE message_id LIKE 'rel-batch-%'`,
    );
    return rows[0]!;
  }
}

/** `POST /api/v1/tickets`, one ticket per call with an externalId, from the same 41 people. */
export class TicketWorkload extends StreamingWorkload<Record<string, unknown>> {
  readonly name = 'tickets';

  protected makeUnit(n: number) {
    const externalId = `rel-ticket-${n}`;
    return { ids: [externalId], unit: { externalId, userId: `rel-${n % 41}`, subject: `ticket ${n}`, priority: 'normal' } };
  }

  protected send(url: string, unit: Record<string, unknown>) {
    return post(url, '/api/v1/tickets', `Bearer ${this.keys.adminKey}`, unit);
  }

  protected async countStored(database: pg.Client, ids: string[]) {
    const { rows } = await database.query<{ id: string; n: number }>(
      'SELECT external_id AS id, count(*)::int AS n FROM tickets WHERE external_id = ANY($1) GROUP BY external_id',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  protected async countAll(database: pg.Client) {
    const { rows } = await database.query<{ total: number; distinct: number }>(
      `SELECT count(*)::int AS total, count(DISTINCT external_id)::int AS distinct FROM tickets WHERE external_id LIKE 'rel-ticket-%'`,
    );
    return rows[0]!;
  }
}

/** Every kind of traffic the disruption tests keep running while they break things. */
export function standardWorkloads(keys: WorkloadKeys): Workload[] {
  return [new BatchWorkload(keys), new TicketWorkload(keys)];
}

/** A number in [0, 1) fixed by `m`: which way the `m`-th message moves a profile. */
function coin(m: number): number {
  return (Math.imul(m + 1, 2654435761) >>> 0) / 2 ** 32;
}

/**
 * `/v1/batch` calls of 10 messages that keep moving people and accounts in and out of segments:
 * identify flips a person's `plan` between pro and free, group flips its account's `tier` between
 * gold and silver and keeps the person in it, track "login" counts toward activity. 30 people in
 * 6 accounts (person k in account k mod 6); see `membershipSegments` for the segments they move.
 */
export class MembershipWorkload extends StreamingWorkload<unknown[]> {
  readonly name = 'membership';

  protected makeUnit(n: number) {
    const unit = Array.from({ length: 10 }, (_, i) => {
      const m = n * 10 + i;
      const person = Math.floor(coin(m * 7 + 3) * 30);
      const base = { userId: `proc-${person}`, messageId: `proc-msg-${m}` };
      const account = `proc-acct-${person % 6}`;
      switch (m % 5) {
        case 0:
        case 1:
          return { ...base, type: 'track', event: 'login', context: { groupId: account } };
        case 2:
        case 3:
          return { ...base, type: 'identify', traits: { plan: coin(m) < 0.5 ? 'pro' : 'free' } };
        default:
          return { ...base, type: 'group', groupId: account, traits: { tier: coin(m) < 0.5 ? 'gold' : 'silver' } };
      }
    });
    return { ids: unit.map((m) => m.messageId), unit };
  }

  protected send(url: string, unit: unknown[]) {
    return post(url, '/v1/batch', `Basic ${Buffer.from(`${this.keys.writeKey}:`).toString('base64')}`, { batch: unit });
  }

  protected async countStored(database: pg.Client, ids: string[]) {
    const { rows } = await database.query<{ id: string; n: number }>(
      'SELECT message_id AS id, count(*)::int AS n FROM message_ids WHERE message_id = ANY($1) GROUP BY message_id',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  protected async countAll(database: pg.Client) {
    const { rows } = await database.query<{ total: number; distinct: number }>(
      `SELECT count(*)::int AS total, count(DISTINCT message_id)::int AS distinct FROM message_ids WHERE message_id LIKE 'proc-msg-%'`,
    );
    return rows[0]!;
  }
}

/** The segments `MembershipWorkload` moves profiles in and out of; `pro` and `gold` flip often. */
export const membershipSegments = [
  { key: 'pro', name: 'Pro', target: 'person', rule: 'plan = "pro"' },
  { key: 'frequent', name: 'Frequent', target: 'person', rule: 'count(events "login" within last 30 days) >= 4' },
  { key: 'gold', name: 'Gold', target: 'account', rule: 'tier = "gold"' },
  { key: 'team', name: 'Team', target: 'account', rule: 'count(people where did "login" within last 7 days) >= 3' },
] as const;

/**
 * Rules may only name fields the workspace has seen: one person and one account, outside every
 * `membershipSegments` segment, make `plan` and `tier` known before the segments are created.
 */
export async function seedMembershipFields(url: string, keys: WorkloadKeys): Promise<void> {
  const answer = await post(url, '/v1/batch', `Basic ${Buffer.from(`${keys.writeKey}:`).toString('base64')}`, {
    batch: [
      { type: 'identify', userId: 'proc-seed', traits: { plan: 'free' }, messageId: 'proc-seed-1' },
      { type: 'group', userId: 'proc-seed', groupId: 'proc-seed-acct', traits: { tier: 'silver' }, messageId: 'proc-seed-2' },
    ],
  });
  expect(answer).toMatchObject({ status: 200 });
}
