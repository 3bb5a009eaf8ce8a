import type { BenchProcesses } from './bench-processes.js';
import { driveIngestion } from './bench-ingest.js';
import { waitForLiveBacklog } from './bench-segments.js';

/** The queue left by ingestion alone can be large (500k events at size m): its catch-up may take long. */
const catchUpAfterPauseMs = 1_800_000;

/**
 * Ingestion alone: the server restarted with live evaluation paused takes `total` events (the
 * burst's shape and people, its own message ids), then is restarted as before and the live
 * queue emptied, untimed, so the next step starts with none.
 */
export async function measureIngestOnly(
  processes: BenchProcesses,
  userIds: string[],
  total: number,
  progress: (text: string) => void,
): Promise<{ eventsPerSecond: number }> {
  await processes.restart('paused');
  progress(`ingesting ${total} events with live evaluation paused (ingestion alone)`);
  const alone = await driveIngestion(processes.url, processes.keys.write, userIds, total, 'bench-ingest-only-');
  await processes.restart('on');
  progress(`${Math.round(alone.eventsPerSecond)} events/s; waiting for live evaluation to empty the queue it left (not timed)`);
  const catchUpSeconds = await waitForLiveBacklog(processes.url, catchUpAfterPauseMs);
  progress(`queue empty after ${Math.round(catchUpSeconds)} s`);
  return { eventsPerSecond: alone.eventsPerSecond };
}

/**
 * Live throughput sustained over a burst: events sent over the seconds from the first send until
 * the live queue was empty (ingestion, then catch-up), and as a share of ingestion alone.
 */
export function sustainedThroughput(burst: {
  events: number;
  ingestSeconds: number;
  catchUpSeconds: number;
  ingestOnlyEventsPerS: number;
}): { live_sustained_events_per_s: number; live_sustained_ratio: number } {
  const eventsPerS = burst.events / (burst.ingestSeconds + burst.catchUpSeconds);
  return {
    live_sustained_events_per_s: Math.round(eventsPerS),
    live_sustained_ratio: Math.round((eventsPerS / burst.ingestOnlyEventsPerS) * 100) / 100,
  };
}
