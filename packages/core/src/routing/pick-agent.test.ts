import { describe, expect, it } from 'vitest';
import { pickAgent, type AgentSeat, type AssignmentInput, type QueueDefinition } from './index.js';

const seat = (email: string, extra: Partial<AgentSeat> = {}): AgentSeat => ({ email, skills: [], languages: [], capacity: 5, ...extra });
const queue = (agents: AgentSeat[], extra: Partial<QueueDefinition> = {}): QueueDefinition => ({
  key: 'tier-1',
  name: 'Tier 1',
  assignment: 'round-robin',
  languageFallback: 'any-agent',
  agents,
  helpDeskGroups: {},
  ...extra,
});
const input = (q: QueueDefinition, extra: Partial<AssignmentInput> = {}): AssignmentInput => ({
  queue: q,
  language: null,
  skills: [],
  status: new Map(),
  load: new Map(),
  lastAssigned: null,
  ...extra,
});

describe('round-robin', () => {
  const q = queue([seat('ana@x.io'), seat('ben@x.io'), seat('cy@x.io')]);
  it('goes down the list after the last pick, wrapping around', () => {
    expect(pickAgent(input(q)).assignee).toBe('ana@x.io');
    expect(pickAgent(input(q, { lastAssigned: 'ana@x.io' })).assignee).toBe('ben@x.io');
    expect(pickAgent(input(q, { lastAssigned: 'cy@x.io' })).assignee).toBe('ana@x.io');
    // A last pick no longer in the queue starts from the top.
    expect(pickAgent(input(q, { lastAssigned: 'gone@x.io' })).assignee).toBe('ana@x.io');
  });
  it('skips agents who are away, full, lack a skill, or are excluded', () => {
    const q2 = queue([
      seat('ana@x.io'),
      seat('ben@x.io', { capacity: 1 }),
      seat('cy@x.io', { skills: ['billing'] }),
      seat('di@x.io', { skills: ['billing'] }),
    ]);
    expect(pickAgent(input(q2, { lastAssigned: 'ana@x.io', load: new Map([['ben@x.io', 1]]) })).assignee).toBe('cy@x.io');
    expect(pickAgent(input(q2, { skills: ['billing'], status: new Map([['cy@x.io', 'away']]) })).assignee).toBe('di@x.io');
    expect(pickAgent(input(q2, { skills: ['billing'], exclude: new Set(['cy@x.io', 'di@x.io']) }))).toEqual({
      assignee: null,
      reason: 'no agent with billing in "tier-1" is online and under capacity',
      languageFallback: false,
    });
  });
});

describe('least-loaded', () => {
  it('takes the agent with the fewest open tickets, ties in the queue order', () => {
    const q = queue([seat('ana@x.io'), seat('ben@x.io'), seat('cy@x.io')], { assignment: 'least-loaded' });
    const load = new Map([
      ['ana@x.io', 3],
      ['ben@x.io', 1],
      ['cy@x.io', 1],
    ]);
    expect(pickAgent(input(q, { load }))).toEqual({
      assignee: 'ben@x.io',
      reason: 'fewest open tickets (1) in "tier-1"',
      languageFallback: false,
    });
  });
});

describe('languages', () => {
  const q = queue(
    [seat('ana@x.io', { languages: ['en'] }), seat('jonas@x.io', { languages: ['de', 'en'] }), seat('any@x.io', { languages: [] })],
    {
      assignment: 'least-loaded',
    },
  );
  it('routes to an agent who speaks the detected language (none listed means any)', () => {
    const load = new Map([['any@x.io', 2]]);
    expect(pickAgent(input(q, { language: 'de', load })).assignee).toBe('jonas@x.io');
    expect(pickAgent(input(q, { language: 'DE', load: new Map([['jonas@x.io', 3]]) })).assignee).toBe('any@x.io');
  });
  it('falls back to any agent, and says so, or leaves the ticket waiting, as the queue says', () => {
    const english = queue([seat('ana@x.io', { languages: ['en'] })]);
    expect(pickAgent(input(english, { language: 'fr' }))).toEqual({
      assignee: 'ana@x.io',
      reason: 'next in turn in "tier-1"; nobody available speaks fr, so any agent',
      languageFallback: true,
    });
    const waits = queue(english.agents, { languageFallback: 'unassigned' });
    expect(pickAgent(input(waits, { language: 'fr' }))).toEqual({
      assignee: null,
      reason: 'nobody available in "tier-1" speaks fr; the queue waits for one',
      languageFallback: false,
    });
  });
});

it('a manual queue assigns nobody', () => {
  expect(pickAgent(input(queue([seat('ana@x.io')], { assignment: 'manual' }))).assignee).toBeNull();
});
