import { randomUUID } from 'node:crypto';
import {
  copyRows,
  copyValue,
  ensureEventPartitions,
  monthKey,
  registerFields,
  setWorkspaceSql,
  type WorkspaceScope,
} from '@strata/storage';
import type { Pool } from 'pg';
import { createFieldSightings } from '../ingestion/index.js';
import { loadBusinessHours } from '../support/index.js';
import { textAnalyser } from '../support/index.js';
import { memoised, messageColumns, supportRows, surveyColumns, ticketColumns } from './support-rows.js';
import { createRandom, generateAccounts, generateEvents, historyDays, sampleSizes, type SampleSize } from './sample-company.js';
import { generateSupport } from './sample-support.js';

export interface LoadSampleOptions {
  size: SampleSize;
  seed: number;
  /** The generated history ends here; the default is the start of the scope's day (UTC), so a seed repeats within a day. */
  anchor?: Date;
  onProgress?: (progress: { accountsDone: number; accounts: number; events: number }) => void;
}

export interface LoadSampleResult {
  accounts: number;
  people: number;
  events: number;
  tickets: number;
  surveys: number;
}

const day = 86_400_000;

/**
 * Fills a workspace with a generated company using COPY, in one transaction: a crash leaves
 * nothing half-loaded. Events bypass the ingestion API and its counters.
 */
export async function loadSampleData(scope: WorkspaceScope, pool: Pool, options: LoadSampleOptions): Promise<LoadSampleResult> {
  const anchor = (options.anchor ?? new Date(Math.floor(scope.clock().getTime() / day) * day)).getTime();
  const months: string[] = [];
  for (let t = anchor - (historyDays + 62) * day; t <= anchor + 31 * day; t += 28 * day) months.push(monthKey(new Date(t)));
  await ensureEventPartitions(scope.db, months);

  const ws = scope.workspaceId;
  const total = sampleSizes[options.size].accounts;
  const eventsPerPerson = sampleSizes[options.size].eventsPerPerson;
  const client = await pool.connect();
  const result: LoadSampleResult = { accounts: 0, people: 0, events: 0, tickets: 0, surveys: 0 };
  const hours = await loadBusinessHours(scope);
  const analyse = memoised(await textAnalyser());
  const traitTimes = (traits: Record<string, unknown>, at: string) =>
    JSON.stringify(Object.fromEntries(Object.keys(traits).map((k) => [k, [at, 'generated']])));
  try {
    // COPY runs on a client of its own, so it sets the workspace for row-level security itself.
    await client.query(`BEGIN; ${setWorkspaceSql(ws)}`);
    // Accounts are generated in slices so memory stays flat at size m.
    const slice = 1000;
    const accounts = generateAccounts(options.size, options.seed, anchor);
    const sightings = createFieldSightings();
    const see = sightings.see;
    see('membership', '', { role: 'admin' });
    for (;;) {
      const batch = [];
      for (let i = 0; i < slice; i++) {
        const next = accounts.next();
        if (next.done) break;
        batch.push(next.value);
      }
      if (batch.length === 0) break;
      const accountLines: string[] = [];
      const personLines: string[] = [];
      const identityLines: string[] = [];
      const membershipLines: string[] = [];
      const eventLines: string[] = [];
      const ticketLines: string[] = [];
      const messageLines: string[] = [];
      const surveyLines: string[] = [];
      const mrrLines: string[] = [];
      for (const account of batch) {
        const accountId = randomUUID();
        const support = generateSupport(account, createRandom(options.seed * 7919 + account.index + 17), anchor);
        const traits = { ...account.traits, ...support.billingTraits };
        see('account', '', traits);
        const accountAt = new Date(account.startsAt).toISOString();
        accountLines.push(
          [ws, accountId, account.groupId, JSON.stringify(traits), traitTimes(traits, accountAt), accountAt].map(copyValue).join('\t'),
        );
        for (const point of support.mrrHistory)
          mrrLines.push([ws, accountId, new Date(point.at).toISOString(), 'generated', point.mrr].map(copyValue).join('\t'));
        const random = createRandom(options.seed * 1_000_003 + account.index);
        const personIds = new Map<string, string>();
        for (const person of account.people) {
          const personId = randomUUID();
          personIds.set(person.userId, personId);
          see('person', '', person.traits);
          const joined = person.traits['signed_up_at'] as string;
          let first = Number.POSITIVE_INFINITY;
          let last = Date.parse(joined);
          for (const event of generateEvents(account, person, random, anchor, eventsPerPerson)) {
            see('event', event.name, event.properties);
            if (event.at < first) first = event.at;
            if (event.at > last) last = event.at;
            const at = new Date(event.at).toISOString();
            eventLines.push(
              [ws, randomUUID(), event.type, event.name, personId, accountId, JSON.stringify(event.properties), at, at]
                .map(copyValue)
                .join('\t'),
            );
          }
          const firstSeen = new Date(Math.min(first, Date.parse(joined))).toISOString();
          personLines.push(
            [
              ws,
              personId,
              person.userId,
              JSON.stringify(person.traits),
              traitTimes(person.traits, joined),
              firstSeen,
              new Date(last).toISOString(),
            ]
              .map(copyValue)
              .join('\t'),
          );
          identityLines.push([ws, 'user_id', person.userId, personId].map(copyValue).join('\t'));
          identityLines.push([ws, 'email', person.traits['email'] as string, personId].map(copyValue).join('\t'));
          membershipLines.push(
            [ws, personId, accountId, JSON.stringify({ role: person.role }), traitTimes({ role: 1 }, joined)].map(copyValue).join('\t'),
          );
          result.people++;
        }
        for (const event of support.billingEvents) {
          see('event', event.name, event.properties);
          const at = new Date(event.at).toISOString();
          eventLines.push(
            [ws, randomUUID(), event.type, event.name, null, accountId, JSON.stringify(event.properties), at, at].map(copyValue).join('\t'),
          );
        }
        const rows = supportRows(ws, account.groupId, accountId, personIds, support, hours, analyse);
        ticketLines.push(...rows.tickets);
        messageLines.push(...rows.messages);
        surveyLines.push(...rows.surveys);
        result.tickets += support.tickets.length;
        result.surveys += support.surveys.length;
      }
      await copyRows(client, 'accounts', ['workspace_id', 'account_id', 'group_id', 'traits', 'trait_times', 'created_at'], accountLines);
      await copyRows(client, 'account_mrr_history', ['workspace_id', 'account_id', 'at', 'message_id', 'mrr'], mrrLines);
      await copyRows(
        client,
        'people',
        ['workspace_id', 'person_id', 'user_id', 'traits', 'trait_times', 'first_seen_at', 'last_seen_at'],
        personLines,
      );
      await copyRows(client, 'identities', ['workspace_id', 'kind', 'value', 'person_id'], identityLines);
      await copyRows(client, 'person_accounts', ['workspace_id', 'person_id', 'account_id', 'traits', 'trait_times'], membershipLines);
      await copyRows(
        client,
        'events',
        ['workspace_id', 'message_id', 'type', 'name', 'person_id', 'account_id', 'properties', 'timestamp', 'received_at'],
        eventLines,
      );
      await copyRows(client, 'tickets', ticketColumns, ticketLines);
      await copyRows(client, 'ticket_messages', messageColumns, messageLines);
      await copyRows(client, 'surveys', surveyColumns, surveyLines);
      result.accounts += batch.length;
      result.events += eventLines.length;
      options.onProgress?.({ accountsDone: result.accounts, accounts: total, events: result.events });
    }
    await client.query('COMMIT');
    await registerFields(scope, sightings.list());
    // Statistics for the planner at once, through the owner's function (the runtime role may not
    // ANALYZE, and PostgreSQL only warns); autovacuum sets the visibility map soon after.
    await client.query(
      `SELECT strata_analyze(ARRAY['people', 'accounts', 'person_accounts', 'identities', 'events', 'tickets', 'ticket_messages', 'surveys'])`,
    );
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
