/** The shared vocabulary of tickets, whatever help desk they come from. */
export const ticketChannels = ['email', 'chat', 'phone', 'web', 'social'] as const;
export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export const ticketStatuses = ['new', 'open', 'pending', 'on-hold', 'solved', 'closed'] as const;
export const ticketSources = ['api', 'zendesk', 'freshdesk', 'intercom'] as const;

export type TicketChannel = (typeof ticketChannels)[number];
export type TicketPriority = (typeof ticketPriorities)[number];
export type TicketStatus = (typeof ticketStatuses)[number];
export type TicketSource = (typeof ticketSources)[number];

/** Statuses in which the customer is still waiting on an answer or a fix. */
export function isOpenStatus(status: TicketStatus): boolean {
  return status !== 'solved' && status !== 'closed';
}

export type NpsCategory = 'promoter' | 'passive' | 'detractor';

/** Promoters answer 9-10, passives 7-8, detractors 0-6. */
export function npsCategory(score: number): NpsCategory {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}
