/**
 * Latency from an acknowledged ticket write or survey answer to the membership change it causes,
 * seen through the API as a client would: a probe person files an urgent ticket (entering
 * `bench-urgent-ticket`), then answers NPS 3 (entering `bench-detractor`).
 */
export async function measureSupportLatency(
  url: string,
  keys: { write: string; admin: string },
  probes: number,
): Promise<{ ticket: Quantiles; survey: Quantiles }> {
  const admin = { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' };
  // Basic with the write key, as ingestion wants it; the tickets and surveys API take it too.
  const write = { authorization: `Basic ${Buffer.from(`${keys.write}:`).toString('base64')}`, 'content-type': 'application/json' };
  const call = async (path: string, headers: Record<string, string>, body?: unknown) => {
    const response = await fetch(`${url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  };
  for (const segment of [
    {
      key: 'bench-urgent-ticket',
      name: 'Bench: urgent open ticket',
      target: 'person',
      rule: 'count(tickets where priority = "urgent" and is_open = true) >= 1',
    },
    { key: 'bench-detractor', name: 'Bench: detractor', target: 'person', rule: 'last(surveys.category) = "detractor"' },
  ])
    await call('/api/v1/segments', admin, segment);

  const enters = async (userId: string, key: string, write: () => Promise<unknown>) => {
    await write();
    const acked = performance.now();
    for (;;) {
      const segments = (await call(`/api/v1/people/${userId}/segments`, admin)) as Array<{ key: string }>;
      if (segments.some((s) => s.key === key)) return performance.now() - acked;
      if (performance.now() - acked > 30_000) throw new Error(`${userId} never entered ${key}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const ticket: number[] = [];
  const survey: number[] = [];
  for (let n = 0; n < probes; n++) {
    const userId = `support-probe-${Date.now()}-${n}`;
    await call('/v1/identify', write, { userId, traits: { email: `${userId}@bench.example` } });
    ticket.push(
      await enters(userId, 'bench-urgent-ticket', () =>
        call('/api/v1/tickets', write, { userId, subject: 'Bench', description: 'It is down and we are furious.', priority: 'urgent' }),
      ),
    );
    survey.push(await enters(userId, 'bench-detractor', () => call('/api/v1/surveys/responses', write, { userId, kind: 'nps', score: 3 })));
  }
  return { ticket: quantiles(ticket), survey: quantiles(survey) };
}

export interface Quantiles {
  p50: number;
  p99: number;
  max: number;
}

function quantiles(values: number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) };
}
