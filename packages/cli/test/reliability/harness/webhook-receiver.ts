import { readdir, readFile, readlink } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request as it reached the receiver, before it answered (a sender killed meanwhile still counts). */
export interface Arrival {
  headers: IncomingHttpHeaders;
  body: string;
  /** The OS process that held the sending connection, among the watched ones; undefined when none did. */
  senderPid: number | undefined;
  /** Whether the receiver has answered it yet. */
  answered: boolean;
}

/** What the receiver got, checked against the change log. */
export interface DeliveryTally {
  raw: number;
  distinct: number;
  /** Arrivals whose signature did not verify, with the reason. */
  unverified: string[];
}

/**
 * A webhook receiver on 127.0.0.1, as a customer runs one: it records every request when its body
 * has arrived, then holds it `delayMs` before answering 200 (a slow receiver keeps deliveries in
 * flight). It also notes which watched OS process sent each request, by finding the process that
 * owns the other end of the connection (Linux /proc), so a test can tell which processes delivered.
 */
export class WebhookReceiver {
  readonly arrivals: Arrival[] = [];
  private readonly senders = new WeakMap<Socket, Promise<number | undefined>>();
  private gate: { promise: Promise<void>; open: () => void } | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly watched: () => readonly number[],
    public delayMs: number,
  ) {}

  static async start(options: { delayMs?: number; watchedPids: () => readonly number[] }): Promise<WebhookReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/hooks`, options.watchedPids, options.delayMs ?? 0);
    server.on('connection', (socket) => receiver.senders.set(socket, owningPid(socket, port, options.watchedPids())));
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        void (async () => {
          const senderPid = await receiver.senders.get(req.socket);
          const arrival: Arrival = { headers: req.headers, body: Buffer.concat(chunks).toString(), senderPid, answered: false };
          receiver.arrivals.push(arrival);
          await new Promise((resolve) => setTimeout(resolve, receiver.delayMs));
          await receiver.gate?.promise;
          arrival.answered = true;
          res.writeHead(200).end();
        })();
      });
    });
    return receiver;
  }

  /** Answers nothing from now until `release`: deliveries stay in flight as long as a test needs. */
  hold(): void {
    let open = () => undefined as void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
  }

  /** Answers what `hold` kept waiting, and everything after. */
  release(): void {
    this.gate?.open();
    this.gate = undefined;
  }

  /** The webhook-ids of requests from `pid` received and not answered yet. */
  inFlightFrom(pid: number): string[] {
    return this.arrivals.filter((a) => a.senderPid === pid && !a.answered).map((a) => String(a.headers['webhook-id']));
  }

  /** How many times each webhook-id arrived. */
  arrivalsOf(id: string): number {
    return this.arrivals.filter((a) => a.headers['webhook-id'] === id).length;
  }

  /** Arrivals per sending process. */
  arrivalsBySender(): Map<number | undefined, number> {
    const counts = new Map<number | undefined, number>();
    for (const a of this.arrivals) counts.set(a.senderPid, (counts.get(a.senderPid) ?? 0) + 1);
    return counts;
  }

  /**
   * Verifies every arrival with `standardwebhooks` and answers, per distinct webhook-id, the
   * membership change its payload carries (`data.cursor`, txid.changeId). The same id must carry
   * the same body every time: a retry is the same message, not a new one.
   */
  verify(secret: string): { tally: DeliveryTally; changeOfId: Map<string, string> } {
    const verifier = new Webhook(secret);
    const unverified: string[] = [];
    const changeOfId = new Map<string, string>();
    const bodyOfId = new Map<string, string>();
    for (const arrival of this.arrivals) {
      const id = String(arrival.headers['webhook-id']);
      try {
        const payload = verifier.verify(arrival.body, arrival.headers as Record<string, string>) as { data: { cursor: string } };
        if (bodyOfId.has(id) && bodyOfId.get(id) !== arrival.body) unverified.push(`${id}: a retry carried another body`);
        bodyOfId.set(id, arrival.body);
        changeOfId.set(id, payload.data.cursor);
      } catch (error) {
        unverified.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { tally: { raw: this.arrivals.length, distinct: bodyOfId.size, unverified }, changeOfId };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * The watched process that owns the client end of `socket`: the entry of /proc/net/tcp whose local
 * port is the socket's remote port names an inode, and a process's /proc/<pid>/fd links to it.
 * Looked up once per connection, while it is open; undefined off Linux or for other processes.
 */
export async function owningPid(
  socket: Pick<Socket, 'remotePort'>,
  serverPort: number,
  pids: readonly number[],
): Promise<number | undefined> {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  const table = await readFile('/proc/net/tcp', 'utf8').catch(() => '');
  const line = table
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[1]?.endsWith(`:${hex(socket.remotePort ?? 0)}`) && f[2]?.endsWith(`:${hex(serverPort)}`));
  const inode = line?.[9];
  if (!inode) return undefined;
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === `socket:[${inode}]`) return pid;
    }
  }
  return undefined;
}
