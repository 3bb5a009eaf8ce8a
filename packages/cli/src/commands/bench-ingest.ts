/** The shape of the benchmark's ingestion bursts: events per `POST /v1/batch`, and batches in flight. */
export const ingestBatch = { size: 500, concurrency: 4 } as const;

export interface IngestionRun {
  eventsPerSecond: number;
  /** From the first send to the last batch's answer. */
  seconds: number;
  /** Time per batch, from the send to its 200, in ms. */
  p50: number;
  p99: number;
}

/**
 * Sends `total` track events through `POST /v1/batch` as fast as the server answers
 * (`ingestBatch`), spread over `userIds`; each event's `messageId` starts with `messagePrefix`,
 * so two bursts of the same run never deduplicate each other.
 */
export async function driveIngestion(
  url: string,
  writeKey: string,
  userIds: string[],
  total: number,
  messagePrefix = 'bench-',
): Promise<IngestionRun> {
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const features = ['dashboards', 'reports', 'export', 'automations'];
  let sent = 0;
  let sequence = 0;
  const batchMs: number[] = [];
  const worker = async () => {
    while (sent < total) {
      const count = Math.min(ingestBatch.size, total - sent);
      sent += count;
      const batch = Array.from({ length: count }, () => {
        sequence++;
        return {
          type: 'track',
          messageId: `${messagePrefix}${sequence}`,
          userId: userIds[(sequence * 7919) % userIds.length],
          event: sequence % 3 === 0 ? 'login' : 'feature_used',
          properties: { feature: features[sequence % features.length], duration_s: sequence % 600 },
          timestamp: new Date().toISOString(),
        };
      });
      const started = performance.now();
      const response = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
      });
      if (response.status !== 200) throw new Error(`ingestion answered ${response.status}: ${await response.text()}`);
      batchMs.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: ingestBatch.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  batchMs.sort((a, b) => a - b);
  const at = (q: number) => batchMs[Math.min(batchMs.length - 1, Math.floor(q * batchMs.length))] ?? 0;
  return { eventsPerSecond: total / seconds, seconds, p50: at(0.5), p99: at(0.99) };
}
