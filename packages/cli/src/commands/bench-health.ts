import { quantiles, type Quantiles } from './bench-support.js';

/**
 * Write -> visible health score: each probe account gets a person who logs in, its first score is
 * awaited (untimed), then its `seats` change through `/v1/group`, which moves the default model's
 * usage measure (active people per seat); the time from that write's acknowledgement until
 * `GET /api/v1/accounts/{groupId}/health` answers the new score is the sample.
 */
export async function measureHealthLatency(url: string, keys: { write: string; admin: string }, probes: number): Promise<Quantiles> {
  const admin = { authorization: `Bearer ${keys.admin}` };
  const write = { authorization: `Basic ${Buffer.from(`${keys.write}:`).toString('base64')}`, 'content-type': 'application/json' };
  const send = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: write, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  };
  const scoreOf = async (groupId: string): Promise<number | undefined> => {
    const response = await fetch(`${url}/api/v1/accounts/${encodeURIComponent(groupId)}/health`, { headers: admin });
    if (response.status === 404) return undefined;
    if (response.status >= 300) throw new Error(`health of ${groupId} answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { score: number }).score;
  };
  const until = async (groupId: string, done: (score: number | undefined) => boolean, what: string) => {
    const started = performance.now();
    for (;;) {
      if (done(await scoreOf(groupId))) return performance.now() - started;
      if (performance.now() - started > 60_000) throw new Error(`${groupId}: ${what} within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const samples: number[] = [];
  for (let n = 0; n < probes; n++) {
    const groupId = `health-probe-${Date.now()}-${n}`;
    const userId = `${groupId}-user`;
    await send('/v1/group', { userId, groupId, traits: { name: groupId, seats: 1, mrr: 100 } });
    await send('/v1/track', { userId, event: 'login' });
    await until(groupId, (score) => score !== undefined, 'no first score');
    const before = await scoreOf(groupId);
    await send('/v1/group', { userId, groupId, traits: { seats: 50 } });
    samples.push(await until(groupId, (score) => score !== before, `the score stayed ${before} after seats changed`));
  }
  return quantiles(samples);
}
