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

export function quantiles(values: number[]): Quantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0) };
}

// Support-style messages of the kinds Strata reads: complaints, questions, thanks, social posts, other languages.
const benchMessages = [
  'This is terrible. The export has been broken for three days and nobody answers!',
  'How do I change the billing email on our account?',
  'Thanks so much, it works great now :)',
  '@AcmeHelp still waiting &amp; no reply 😡 https://t.co/x1y2z3',
  'Das ist wirklich schlecht, nichts funktioniert mehr seit dem letzten Update.',
  'Merci beaucoup, tout fonctionne parfaitement maintenant.',
  'You charged me twice this month. I want a refund now.\n\nOn Mon, Jan 5, 2026 at 10:00 Support wrote:\n> Hello',
  'Danke!',
];

/**
 * Tickets per second through POST /api/v1/tickets with text analysis on, each from a requester
 * Strata has not seen (so the write also creates the person), `concurrency` requests at a time.
 */
export async function measureTicketThroughput(url: string, writeKey: string, count: number, concurrency: number): Promise<number> {
  const headers = { authorization: `Bearer ${writeKey}`, 'content-type': 'application/json' };
  const run = `${Date.now()}`;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        const response = await fetch(`${url}/api/v1/tickets`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            userId: `ticket-bench-${run}-${n}`,
            email: `ticket-bench-${run}-${n}@bench.example`,
            subject: 'Bench ticket',
            description: benchMessages[n % benchMessages.length],
          }),
        });
        if (response.status >= 300) throw new Error(`POST /api/v1/tickets answered ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}
