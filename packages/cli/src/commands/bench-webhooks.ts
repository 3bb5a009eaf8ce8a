import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Database } from '@strata/storage';

/** The webhook the benchmark registers: every enter and exit of every segment, posted to its receiver. */
export const benchWebhookKey = 'bench-receiver';

interface Delivery {
  /** The `webhook-id` header: the message's id. */
  id: string;
  /** When the membership change happened (the payload's `data.at`), ms since the epoch. */
  changeAt: number;
  receivedAt: number;
}

/**
 * A receiver on 127.0.0.1 that answers every delivery 204 and remembers when each message first
 * arrived, so the benchmark can tell how long membership changes take to reach a webhook while
 * the job runner is under the live step's load.
 */
export class WebhookReceiver {
  private readonly deliveries = new Map<string, Delivery>();
  private repeats = 0;
  private readonly server: Server;
  /** Where the receiver listens, once started. */
  url = '';

  private constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.record(request.headers['webhook-id'], Buffer.concat(chunks).toString());
        response.writeHead(204).end();
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve, reject) => {
      receiver.server.once('error', reject);
      receiver.server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = receiver.server.address() as AddressInfo;
    receiver.url = `http://127.0.0.1:${port}/strata`;
    return receiver;
  }

  private record(id: string | string[] | undefined, body: string): void {
    const receivedAt = Date.now();
    if (typeof id !== 'string') return;
    if (this.deliveries.has(id)) {
      this.repeats++;
      return;
    }
    let changeAt = Number.NaN;
    try {
      changeAt = Date.parse((JSON.parse(body) as { data?: { at?: string } }).data?.at ?? '');
    } catch {
      // Not a Strata payload: counted, without a change time.
    }
    this.deliveries.set(id, { id, changeAt, receivedAt });
  }

  /** Messages received at least once. */
  get received(): number {
    return this.deliveries.size;
  }

  /** Deliveries of a message already received (a retry after a lost answer). */
  get repeated(): number {
    return this.repeats;
  }

  list(): Delivery[] {
    return [...this.deliveries.values()];
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Registers the benchmark's membership webhook (PUT, so a second run replaces it). */
export async function registerBenchWebhook(url: string, adminKey: string, receiverUrl: string): Promise<void> {
  const response = await fetch(`${url}/api/v1/webhooks/${benchWebhookKey}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ url: receiverUrl, events: ['segment.entered', 'segment.exited'] }),
  });
  if (response.status !== 201 && response.status !== 200)
    throw new Error(`registering the benchmark webhook answered ${response.status}: ${await response.text()}`);
}

async function countPending(db: Kysely<Database>, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('webhook_messages')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('webhook_key', '=', benchWebhookKey)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Waits until no message of the benchmark's webhook is pending; answers the seconds it took and what is left. */
export async function waitForWebhookDeliveries(
  db: Kysely<Database>,
  workspaceId: string,
  timeoutMs: number,
): Promise<{ seconds: number; pending: number }> {
  const started = performance.now();
  for (;;) {
    const pending = await countPending(db, workspaceId);
    const seconds = (performance.now() - started) / 1000;
    if (pending === 0 || performance.now() - started > timeoutMs) return { seconds, pending };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Quantiles {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

function quantiles(values: number[]): Quantiles {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0, n: sorted.length };
}

export interface WebhookDeliveryStats {
  /** Membership change (its `at`) to the receiver getting the message, changes made from `since` on. */
  delivery: Quantiles;
  /**
   * Message created (the subscriber's transaction that also enqueues the `deliver-webhook` job) to
   * the receiver getting it: the job runner's pickup and the delivery itself.
   */
  job: Quantiles;
  /** The same two, for every message of the run (the ingestion burst included). */
  deliveryAll: Quantiles;
  jobAll: Quantiles;
  messages: number;
}

/**
 * Delivery latencies of what the receiver got, joined to the stored messages (their creation
 * time); `since` (ms since the epoch) selects the changes made during the latency step.
 */
export async function webhookDeliveryStats(
  db: Kysely<Database>,
  workspaceId: string,
  receiver: WebhookReceiver,
  since: number,
): Promise<WebhookDeliveryStats> {
  const rows = await db
    .selectFrom('webhook_messages')
    .select(['message_id', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('webhook_key', '=', benchWebhookKey)
    .execute();
  const created = new Map(rows.map((r) => [r.message_id, r.created_at.getTime()]));
  const deliveries = receiver.list();
  const recent = deliveries.filter((d) => d.changeAt >= since);
  const job = (list: Delivery[]) => list.map((d) => d.receivedAt - (created.get(d.id) ?? Number.NaN));
  return {
    delivery: quantiles(recent.map((d) => d.receivedAt - d.changeAt)),
    job: quantiles(job(recent)),
    deliveryAll: quantiles(deliveries.map((d) => d.receivedAt - d.changeAt)),
    jobAll: quantiles(job(deliveries)),
    messages: rows.length,
  };
}
