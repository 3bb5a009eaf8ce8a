import { npsCategory, type TicketChannel, type TicketPriority, type TicketStatus } from '@strata/core';
import type { SampleAccount, SampleEvent, SamplePerson } from './sample-company.js';
import { nextRenewal, sampleMrrAt, sampleMrrHistory, type SampleMrrPoint } from './sample-mrr.js';

/**
 * Support, survey and billing history for a generated account, linked to how the account is
 * doing: unhappy accounts (most that drift away or churn, a few others) file more tickets, more
 * of them urgent, in angrier words, wait longer for answers, rate support lower and answer NPS
 * as detractors; lapsing trials never pay; some unhappy payers fall behind on payment.
 */
export type Mood = 'happy' | 'neutral' | 'unhappy';

export interface SampleMessage {
  author: 'customer' | 'agent';
  public: boolean;
  body: string;
  at: number;
}

export interface SampleTicket {
  externalId: string;
  person: SamplePerson;
  subject: string;
  tags: string[];
  priority: TicketPriority;
  channel: TicketChannel;
  status: TicketStatus;
  createdAt: number;
  solvedAt: number | null;
  reopenCount: number;
  messages: SampleMessage[];
  csat: { score: number; comment: string | null } | null;
}

export interface SampleSurvey {
  person: SamplePerson;
  kind: 'nps' | 'csat';
  score: number;
  comment: string | null;
  at: number;
  /** Index into the account's tickets, for CSAT about a ticket. */
  ticket: number | null;
}

export interface SampleSupport {
  mood: Mood;
  tickets: SampleTicket[];
  surveys: SampleSurvey[];
  /** Account traits kept by the billing integration. */
  billingTraits: Record<string, unknown>;
  /** Account events from billing (no person). */
  billingEvents: SampleEvent[];
  /** The account's MRR over time, oldest first; its last point is the `mrr` trait. */
  mrrHistory: SampleMrrPoint[];
}

const day = 86_400_000;
const hour = 3_600_000;

const topics = [
  { subject: 'Exports fail with an error', tag: 'bug', thing: 'the CSV export' },
  { subject: 'Dashboard is very slow', tag: 'performance', thing: 'the main dashboard' },
  { subject: 'How do I invite teammates?', tag: 'how-to', thing: 'inviting my team' },
  { subject: 'Question about our invoice', tag: 'billing', thing: 'our last invoice' },
  { subject: 'SSO login not working', tag: 'sso', thing: 'single sign-on' },
  { subject: 'Feature request: scheduled reports', tag: 'feature-request', thing: 'scheduled reports' },
  { subject: 'API returns 500 errors', tag: 'api', thing: 'the API' },
  { subject: 'Cannot change our plan', tag: 'billing', thing: 'changing our plan' },
] as const;

const openings: Record<'negative' | 'neutral' | 'positive', string[]> = {
  negative: [
    'This is unacceptable. {thing} has been broken for days and nobody has answered us.',
    'We are really frustrated: {thing} keeps failing and our team cannot work. Please fix this today.',
    'Terrible experience with {thing}. It crashed again this morning and we lost work.',
    'Honestly disappointed. {thing} is useless for us right now and we are considering other tools.',
  ],
  neutral: [
    'Hi, we have a question about {thing}. Could you tell us how it is supposed to work?',
    'Hello, {thing} shows something we did not expect. Can you take a look?',
    'Could you help us with {thing}? We could not find it in the documentation.',
  ],
  positive: [
    'Hi team, love the product! Quick question about {thing} when you have a moment.',
    'Thanks for the great work on the last release. One small thing about {thing}, if you can help.',
  ],
};
const agentReplies = [
  'Thanks for reaching out. We have looked into {thing} and a fix is on its way.',
  'Sorry for the trouble with {thing}. Here are the steps that should solve it.',
  'Good question! Here is how {thing} works, with a link to the guide.',
];
const followUps = {
  thanks: ['Thank you so much, that worked perfectly!', 'Great, thanks for the quick help.'],
  angry: [
    'It is still broken. This is the third time we report it and it is really annoying.',
    'No, this did not help at all. Very disappointing.',
  ],
};
const npsComments: Record<'promoter' | 'passive' | 'detractor', string[]> = {
  promoter: ['Great product, the team loves it.', 'Support is excellent and the dashboards save us hours.'],
  passive: ['Good overall, some features are missing.', 'Works fine, a bit slow at times.'],
  detractor: ['Too many bugs and slow support.', 'We are not happy with the reliability lately.'],
};

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function weighted<T extends string>(random: () => number, weights: Record<T, number>): T {
  let roll = random() * Object.values<number>(weights).reduce((a, b) => a + b, 0);
  for (const [key, weight] of Object.entries<number>(weights)) if ((roll -= weight) < 0) return key as T;
  return Object.keys(weights)[0] as T;
}

/** An instant in working hours (UTC) on or after `at`'s day. */
function workingTime(at: number, random: () => number): number {
  const start = Math.floor(at / day) * day;
  return start + (8 + random() * 9) * hour;
}

export function accountMood(account: SampleAccount, random: () => number): Mood {
  const status = account.traits['status'];
  const fading = account.fadesFrom !== null;
  if ((status === 'churned' || (fading && status === 'active')) && random() < 0.75) return 'unhappy';
  if (random() < 0.08) return 'unhappy';
  return random() < 0.4 ? 'happy' : 'neutral';
}

const ticketsPerPersonYear: Record<Mood, number> = { happy: 0.4, neutral: 0.7, unhappy: 2.2 };
const priorityWeights: Record<Mood, Record<TicketPriority, number>> = {
  happy: { low: 0.25, normal: 0.6, high: 0.13, urgent: 0.02 },
  neutral: { low: 0.2, normal: 0.55, high: 0.2, urgent: 0.05 },
  unhappy: { low: 0.08, normal: 0.35, high: 0.35, urgent: 0.22 },
};
const toneWeights: Record<Mood, Record<'negative' | 'neutral' | 'positive', number>> = {
  happy: { negative: 0.05, neutral: 0.6, positive: 0.35 },
  neutral: { negative: 0.2, neutral: 0.65, positive: 0.15 },
  unhappy: { negative: 0.65, neutral: 0.32, positive: 0.03 },
};
const channelWeights: Record<TicketChannel, number> = { email: 0.45, chat: 0.3, web: 0.15, phone: 0.07, social: 0.03 };
const csatMean: Record<Mood, number> = { happy: 4.6, neutral: 4, unhappy: 2.2 };

export function generateSupport(account: SampleAccount, random: () => number, anchor: number): SampleSupport {
  const mood = accountMood(account, random);
  const end = account.endsAt ?? anchor;
  const tickets: SampleTicket[] = [];
  const surveys: SampleSurvey[] = [];
  let ticketNumber = 0;

  for (const person of account.people) {
    const joined = Date.parse(person.traits['signed_up_at'] as string);
    if (end <= joined) continue;
    const years = (end - joined) / (365 * day);
    const expected = ticketsPerPersonYear[mood] * years * Math.min(2, person.intensity);
    const count = Math.floor(expected + random());
    for (let i = 0; i < count; i++) {
      // Unhappy accounts' tickets crowd towards the end, as things go wrong.
      const position = mood === 'unhappy' ? Math.sqrt(random()) : random();
      const createdAt = Math.min(anchor - hour, workingTime(joined + position * (end - joined), random));
      if (createdAt < joined) continue;
      const topic = pick(random, topics);
      const tone = weighted(random, toneWeights[mood]);
      const fill = (text: string) => text.replace('{thing}', topic.thing);
      const messages: SampleMessage[] = [{ author: 'customer', public: true, body: fill(pick(random, openings[tone])), at: createdAt }];
      // Unhappy accounts also wait longer for a first answer.
      const firstReplyAfter = (mood === 'unhappy' ? 120 : 30) * 60_000 * (0.3 + -Math.log(1 - random() * 0.999));
      const repliedAt = createdAt + firstReplyAfter;
      const recent = anchor - createdAt < 3 * day;
      if (repliedAt < anchor) messages.push({ author: 'agent', public: true, body: fill(pick(random, agentReplies)), at: repliedAt });
      if (random() < 0.15)
        messages.push({
          author: 'agent',
          public: false,
          body: 'Internal: checked the logs, escalating to engineering.',
          at: createdAt + firstReplyAfter / 2,
        });
      let status: TicketStatus = 'open';
      let solvedAt: number | null = null;
      let reopenCount = 0;
      if (recent && random() < 0.6) status = repliedAt < anchor ? pick(random, ['open', 'pending', 'on-hold'] as const) : 'new';
      else {
        solvedAt = Math.min(anchor - 1000, repliedAt + random() * 48 * hour);
        if (random() < (mood === 'unhappy' ? 0.18 : 0.04)) {
          reopenCount = 1;
          messages.push({ author: 'customer', public: true, body: pick(random, followUps.angry), at: solvedAt - 1000 });
        } else if (random() < (mood === 'unhappy' ? 0.1 : 0.45)) {
          messages.push({ author: 'customer', public: true, body: pick(random, followUps.thanks), at: solvedAt - 1000 });
        }
        status = anchor - solvedAt > 14 * day ? 'closed' : 'solved';
      }
      let csat: SampleTicket['csat'] = null;
      if (solvedAt !== null && random() < 0.4) {
        const score = Math.max(1, Math.min(5, Math.round(csatMean[mood] + (random() - 0.5) * 2)));
        csat = { score, comment: score <= 2 ? 'Slow and did not solve the problem.' : score >= 4 ? 'Helpful, thanks.' : null };
        surveys.push({ person, kind: 'csat', score, comment: csat.comment, at: solvedAt + hour, ticket: tickets.length });
      }
      ticketNumber++;
      tickets.push({
        externalId: `${account.groupId}-T${ticketNumber}`,
        person,
        subject: topic.subject,
        tags: [topic.tag],
        priority: weighted(random, priorityWeights[mood]),
        channel: weighted(random, channelWeights),
        status,
        createdAt,
        solvedAt,
        reopenCount,
        messages: messages.sort((a, b) => a.at - b.at),
        csat,
      });
    }
    // About a third of people answer an NPS survey, some twice.
    const answers = random() < 0.35 ? (random() < 0.3 ? 2 : 1) : 0;
    for (let a = 0; a < answers; a++) {
      const at = workingTime(joined + random() * (end - joined), random);
      if (at >= anchor || at < joined) continue;
      const score =
        mood === 'happy' ? 8 + Math.floor(random() * 3) : mood === 'neutral' ? 6 + Math.floor(random() * 5) : Math.floor(random() * 8);
      const category = npsCategory(score);
      surveys.push({ person, kind: 'nps', score, comment: random() < 0.5 ? pick(random, npsComments[category]) : null, at, ticket: null });
    }
  }
  return { mood, tickets, surveys, ...billing(account, mood, random, anchor) };
}

/** What Stripe would have said about the account: subscription state and the invoices behind it. */
function billing(
  account: SampleAccount,
  mood: Mood,
  random: () => number,
  anchor: number,
): Pick<SampleSupport, 'billingTraits' | 'billingEvents' | 'mrrHistory'> {
  const status = account.traits['status'];
  const plan = account.traits['plan'];
  const signedUp = account.startsAt;
  const traits: Record<string, unknown> = {
    stripe_customer_id: `cus_sample${String(account.index + 1).padStart(6, '0')}`,
    currency: 'usd',
    delinquent: false,
  };
  const events: SampleEvent[] = [{ name: 'subscription_started', type: 'track', at: signedUp, properties: { plan } }];
  const trialEnd = signedUp + 14 * day;
  // Nothing paid yet: the MRR has been 0 since sign-up.
  const unpaid = [{ at: signedUp, mrr: 0 }];
  if (status === 'trialing') {
    traits['subscription_status'] = 'trialing';
    // A trialing subscription's period ends with the trial.
    traits['renews_at'] = new Date(trialEnd).toISOString();
    return { billingTraits: traits, billingEvents: events, mrrHistory: unpaid };
  }
  if (status === 'trial_expired') {
    // Lapsing trials never pay: the trial ends, the subscription is canceled, no invoice is paid.
    traits['subscription_status'] = 'canceled';
    traits['canceled_at'] = new Date(account.endsAt ?? trialEnd).toISOString();
    if (trialEnd - 3 * day < anchor) events.push({ name: 'trial_will_end', type: 'track', at: trialEnd - 3 * day, properties: {} });
    events.push({
      name: 'subscription_canceled',
      type: 'track',
      at: Math.min(anchor - 1000, account.endsAt ?? trialEnd),
      properties: { reason: 'trial_ended' },
    });
    return { billingTraits: traits, billingEvents: events, mrrHistory: unpaid };
  }
  if (plan === 'free') return { billingTraits: { ...traits, subscription_status: 'active' }, billingEvents: events, mrrHistory: unpaid };
  const seats = Number(account.traits['seats'] ?? 1);
  const amount = Number(account.traits['mrr']) || seats * 30;
  const end = account.endsAt ?? anchor;
  traits['first_invoice_at'] = new Date(trialEnd).toISOString();
  for (let at = trialEnd; at < end; at += 30 * day)
    events.push({ name: 'invoice_paid', type: 'track', at, properties: { amount, currency: 'usd' } });
  if (status === 'churned') {
    traits['subscription_status'] = 'canceled';
    traits['canceled_at'] = new Date(end).toISOString();
    events.push({
      name: 'subscription_canceled',
      type: 'track',
      at: Math.min(anchor - 1000, end),
      properties: { reason: mood === 'unhappy' ? 'unhappy' : 'budget' },
    });
  } else if (random() < (mood === 'unhappy' ? 0.15 : 0.03)) {
    traits['subscription_status'] = 'past_due';
    traits['delinquent'] = true;
    events.push({ name: 'payment_failed', type: 'track', at: anchor - random() * 10 * day, properties: { amount, currency: 'usd' } });
  } else traits['subscription_status'] = 'active';
  const churned = status === 'churned';
  const mrrHistory = sampleMrrHistory(
    { mrr: Number(account.traits['mrr']) || 0, paid: amount, from: trialEnd, end, churned, mood },
    random,
  );
  for (const event of events) if (event.name === 'invoice_paid') event.properties['amount'] = sampleMrrAt(mrrHistory, event.at) ?? amount;
  // Enterprise contracts renew yearly, the others monthly.
  if (!churned) traits['renews_at'] = new Date(nextRenewal(trialEnd, plan === 'enterprise' ? 365 : 30, anchor)).toISOString();
  return { billingTraits: traits, billingEvents: events, mrrHistory };
}
