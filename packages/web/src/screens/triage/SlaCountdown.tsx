import { Text } from '@mantine/core';
import { useEffect, useState } from 'react';

const milestoneName: Record<string, string> = {
  'first-response': 'first response',
  'next-response': 'next response',
  resolution: 'resolution',
};

/** Time left to an SLA target, ticking every second; red once it has passed. */
export function SlaCountdown({ dueAt, milestone }: { dueAt: string; milestone: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Date.parse(dueAt) - now;
  const what = milestoneName[milestone] ?? milestone;
  return (
    <Text
      size="sm"
      c={left <= 0 ? 'red.8' : undefined}
      fw={left <= 0 ? 700 : undefined}
      className="nowrap"
      title={new Date(dueAt).toLocaleString()}
    >
      {left <= 0 ? `${what} breached ${span(-left)} ago` : `${what} in ${span(left)}`}
    </Text>
  );
}

function span(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} days`;
}
