import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SMTPServer } from 'smtp-server';
import { owningPid } from './webhook-receiver.js';

/** One message's DATA as it reached the server: who sent it, its Message-ID, and whether the server accepted it. */
export interface SmtpArrival {
  senderPid: number | undefined;
  messageId: string | undefined;
  accepted: boolean;
}

/**
 * A real SMTP server on loopback that holds each message `delayMs` before accepting it, so a test
 * can kill the sending process while messages are in flight, and tells which process sent each.
 */
export class SmtpReceiver {
  readonly arrivals: SmtpArrival[] = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(options: { delayMs: number; watchedPids: () => readonly number[] }): Promise<SmtpReceiver> {
    let port = 0;
    const receiver: { current?: SmtpReceiver } = {};
    // A sender killed while the server held its message never hears the 250: not accepted.
    const closed = new Set<string>();
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onClose(session) {
        closed.add(session.id);
      },
      onData(stream, session, callback) {
        const arrival: SmtpArrival = { senderPid: undefined, messageId: undefined, accepted: false };
        receiver.current!.arrivals.push(arrival);
        const sender = owningPid({ remotePort: session.remotePort }, port, options.watchedPids());
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        stream.on('end', () => {
          void (async () => {
            arrival.senderPid = await sender;
            arrival.messageId = /^message-id:\s*(\S+)/im.exec(raw)?.[1];
            await sleep(options.delayMs);
            arrival.accepted = !closed.has(session.id);
            callback();
          })();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
    receiver.current = new SmtpReceiver(server, port);
    return receiver.current;
  }

  /** Message-IDs from `pid` whose DATA arrived and that the server has not accepted yet. */
  inFlightFrom(pid: number): string[] {
    return this.arrivals.filter((a) => a.senderPid === pid && !a.accepted && a.messageId).map((a) => a.messageId!);
  }

  /** How many times the server accepted each Message-ID. */
  acceptedCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const a of this.arrivals) if (a.accepted && a.messageId) counts.set(a.messageId, (counts.get(a.messageId) ?? 0) + 1);
    return counts;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
