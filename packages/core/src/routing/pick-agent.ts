import type { AgentSeat, AgentStatus, QueueDefinition } from './queue.js';

/** What an assignment needs to know about the ticket and the agents at this moment. */
export interface AssignmentInput {
  queue: QueueDefinition;
  /** The ticket's detected language, if known. */
  language: string | null;
  /** Skills the ticket requires: every one must be among the agent's. */
  skills: readonly string[];
  /** Agents' statuses; an agent never set is online. */
  status: ReadonlyMap<string, AgentStatus>;
  /** Open tickets each agent holds now. */
  load: ReadonlyMap<string, number>;
  /** The queue's last round-robin pick: the next one starts after it. */
  lastAssigned: string | null;
  /** Agents not to pick (the one going away, when their tickets move). */
  exclude?: ReadonlySet<string>;
}

export interface Assignment {
  /** Null: nobody can take it now (it waits in the queue). */
  assignee: string | null;
  /** Why, in words a team lead reads in the decision. */
  reason: string;
  /** Set when no agent speaks the ticket's language and the queue fell back to any agent. */
  languageFallback: boolean;
}

const speaks = (agent: AgentSeat, language: string | null) =>
  language === null || agent.languages.length === 0 || agent.languages.some((l) => l.toLowerCase() === language.toLowerCase());

/**
 * Picks the agent for a ticket in a queue: among agents who are online, under capacity and have
 * the required skills, those who speak the ticket's language; if none does, the queue's
 * fallback (any of them, or nobody). Then round-robin takes the next after the last pick, in
 * the queue's order, and least-loaded the one holding fewest open tickets (ties in order).
 */
export function pickAgent(input: AssignmentInput): Assignment {
  const { queue, language, skills, status, load } = input;
  if (queue.assignment === 'manual') return { assignee: null, reason: `queue "${queue.key}" assigns by hand`, languageFallback: false };
  const available = queue.agents.filter(
    (a) =>
      !input.exclude?.has(a.email) &&
      (status.get(a.email) ?? 'online') === 'online' &&
      (load.get(a.email) ?? 0) < a.capacity &&
      skills.every((s) => a.skills.includes(s)),
  );
  if (available.length === 0) {
    const needing = skills.length > 0 ? ` with ${skills.join(', ')}` : '';
    return { assignee: null, reason: `no agent${needing} in "${queue.key}" is online and under capacity`, languageFallback: false };
  }
  const speaking = available.filter((a) => speaks(a, language));
  let pool = speaking;
  let fallback = false;
  if (speaking.length === 0) {
    if (queue.languageFallback === 'unassigned')
      return {
        assignee: null,
        reason: `nobody available in "${queue.key}" speaks ${language}; the queue waits for one`,
        languageFallback: false,
      };
    pool = available;
    fallback = true;
  }
  const chosen = queue.assignment === 'round-robin' ? nextAfter(queue.agents, pool, input.lastAssigned) : leastLoaded(pool, load);
  const how = queue.assignment === 'round-robin' ? 'next in turn' : `fewest open tickets (${load.get(chosen.email) ?? 0})`;
  const tongue = fallback ? `; nobody available speaks ${language}, so any agent` : language !== null ? ` speaking ${language}` : '';
  return { assignee: chosen.email, reason: `${how} in "${queue.key}"${tongue}`, languageFallback: fallback };
}

function nextAfter(order: readonly AgentSeat[], pool: readonly AgentSeat[], last: string | null): AgentSeat {
  const start = last === null ? -1 : order.findIndex((a) => a.email === last);
  for (let step = 1; step <= order.length; step++) {
    const candidate = order[(start + step + order.length) % order.length]!;
    if (pool.includes(candidate)) return candidate;
  }
  return pool[0]!;
}

function leastLoaded(pool: readonly AgentSeat[], load: ReadonlyMap<string, number>): AgentSeat {
  return pool.reduce((best, a) => ((load.get(a.email) ?? 0) < (load.get(best.email) ?? 0) ? a : best));
}
