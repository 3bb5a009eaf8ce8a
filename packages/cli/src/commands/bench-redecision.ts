import { quantiles, type Quantiles } from './bench-support.js';

const segmentKey = 'bench-redecide';
const policyKey = 'bench-redecide';

/**
 * Membership change -> ticket decided again (issue 17's "within 2 s p99"). A support policy makes
 * tickets of people in `bench-redecide` urgent; each probe person files a low-priority ticket, then
 * sends the event that puts them in the segment. Two samples per probe:
 * - `change_ms`: from the membership change (its `enteredAt`) to the decision caused by it (its
 *   `decidedAt`), both stamped by the server: the change subscriber's share alone;
 * - `ack_ms`: from the event's acknowledgement until `GET /api/v1/tickets/{id}` answers the new
 *   priority: live evaluation, the change subscriber and the read, as an agent would see it.
 */
export async function measureTicketRedecision(
  url: string,
  keys: { write: string; admin: string },
  probes: number,
): Promise<{ change: Quantiles; ack: Quantiles }> {
  const admin = { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' };
  const write = { authorization: `Basic ${Buffer.from(`${keys.write}:`).toString('base64')}`, 'content-type': 'application/json' };
  const call = async <T>(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return response.json() as Promise<T>;
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    const started = performance.now();
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (performance.now() - started > 60_000) throw new Error(`${what} within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  await call('POST', '/api/v1/segments', admin, {
    key: segmentKey,
    name: 'Bench: re-decision probe',
    target: 'person',
    rule: 'count(events "bench_redecide") >= 1',
  });
  await call('PUT', `/api/v1/support-policies/${policyKey}`, admin, {
    name: 'Bench: probes in bench-redecide are urgent',
    position: 1000,
    when: `in segment "${segmentKey}"`,
    set: { priority: 'urgent' },
  });
  // A new policy decides every open ticket again: wait for that to end, so probes measure alone.
  await until('the new policy re-deciding open tickets', async () => {
    const policy = await call<{ redecision: { status: string } | null }>('GET', `/api/v1/support-policies/${policyKey}`, admin);
    return policy.redecision === null || policy.redecision.status === 'done' ? true : undefined;
  });

  const change: number[] = [];
  const ack: number[] = [];
  for (let n = 0; n < probes; n++) {
    const userId = `redecide-probe-${Date.now()}-${n}`;
    const ticket = await call<{ id: string }>('POST', '/api/v1/tickets', write, { userId, subject: 'Bench', priority: 'low' });
    await call('POST', '/v1/track', write, { userId, event: 'bench_redecide' });
    const acked = performance.now();
    await until(`ticket ${ticket.id} becoming urgent`, async () => {
      const current = await call<{ policy: { priority: string } | null }>('GET', `/api/v1/tickets/${ticket.id}`, admin);
      return current.policy?.priority === 'urgent' ? true : undefined;
    });
    ack.push(performance.now() - acked);
    const [membership] = (await call<Array<{ key: string; enteredAt: string }>>('GET', `/api/v1/people/${userId}/segments`, admin)).filter(
      (s) => s.key === segmentKey,
    );
    const decision = (await call<Array<{ cause: string; decidedAt: string }>>('GET', `/api/v1/tickets/${ticket.id}/decisions`, admin)).find(
      (d) => d.cause === `segment-entered:${segmentKey}`,
    );
    if (!membership || !decision) throw new Error(`probe ${userId}: no membership or no decision caused by it`);
    change.push(Date.parse(decision.decidedAt) - Date.parse(membership.enteredAt));
  }
  return { change: quantiles(change), ack: quantiles(ack) };
}
