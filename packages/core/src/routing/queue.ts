/**
 * Queues and agents (issue 17, routing). A queue is a list of agent seats and a way to pick one;
 * an agent is known by email and is online or away across every queue they sit in.
 */

export const assignmentMethods = ['round-robin', 'least-loaded', 'manual'] as const;
export type AssignmentMethod = (typeof assignmentMethods)[number];

/** What a queue does when none of its agents speaks the ticket's language. */
export const languageFallbacks = ['any-agent', 'unassigned'] as const;
export type LanguageFallback = (typeof languageFallbacks)[number];

export type AgentStatus = 'online' | 'away';

export interface AgentSeat {
  email: string;
  /** Skills a ticket may require (for instance `billing`). */
  skills: string[];
  /** Languages the agent answers in, as ISO 639-1 codes; none listed means any. */
  languages: string[];
  /** The most open tickets the agent holds (across queues) before this queue passes them over. */
  capacity: number;
}

/** Help desks a decision's queue is written back to, as their group (or team) of agents. */
export const queueHelpDesks = ['zendesk', 'freshdesk', 'intercom'] as const;
export type QueueHelpDesk = (typeof queueHelpDesks)[number];

export interface QueueDefinition {
  key: string;
  name: string;
  assignment: AssignmentMethod;
  languageFallback: LanguageFallback;
  /** In order: round-robin goes down this list, least-loaded breaks ties by it. */
  agents: AgentSeat[];
  /**
   * The queue's group in each help desk tickets come from: a Zendesk or Freshdesk group id, an
   * Intercom team id. A ticket decided into the queue is moved to that group there.
   */
  helpDeskGroups: { [desk in QueueHelpDesk]?: string | undefined };
}
