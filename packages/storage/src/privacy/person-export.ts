import { sql } from 'kysely';
import type { WorkspaceScope } from '../workspace-scope.js';
import type { PersonIdentifiers } from './person-identifiers.js';

type Row = Record<string, unknown>;

/** One part of a person's export: a name and its rows, read lazily (events page by page). */
export interface ExportSection {
  name: string;
  rows(): AsyncIterable<Row>;
}

const eventPage = 1000;

/**
 * Everything held about a person, section by section, read in the order written: a caller
 * streams each row as it comes, so memory holds one page of events at a time. Where each
 * table's rows are found is listed in docs/security.md.
 */
export function personExportSections(scope: WorkspaceScope, person: PersonIdentifiers): ExportSection[] {
  const { db, workspaceId: ws } = scope;
  const ids = person.personIds;
  const userIds = person.identifiers.filter((i) => i.kind === 'user_id').map((i) => i.value);
  const all = (query: () => Promise<{ rows: Row[] }>) =>
    async function* () {
      yield* (await query()).rows;
    };
  return [
    {
      name: 'profile',
      rows: all(() =>
        sql<Row>`SELECT person_id AS "personId", user_id AS "userId", traits, first_seen_at AS "firstSeenAt",
        last_seen_at AS "lastSeenAt", created_at AS "createdAt" FROM people WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[])`.execute(
          db,
        ),
      ),
    },
    {
      name: 'identities',
      rows: all(() =>
        sql<Row>`SELECT kind, value, created_at AS "createdAt" FROM identities
        WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[]) ORDER BY created_at`.execute(db),
      ),
    },
    {
      name: 'accounts',
      rows: all(() =>
        sql<Row>`SELECT a.group_id AS "groupId", pa.traits, pa.created_at AS "since" FROM person_accounts pa
        JOIN accounts a ON a.workspace_id = pa.workspace_id AND a.account_id = pa.account_id
        WHERE pa.workspace_id = ${ws} AND pa.person_id = ANY(${ids}::uuid[])`.execute(db),
      ),
    },
    {
      name: 'events',
      // Keyset pages over the person index: one page in memory at a time, however many there are.
      // ORDER BY names the table's columns: the output column event_id is text, and would sort as text.
      async *rows() {
        let after: { timestamp: Date; eventId: string } | undefined;
        for (;;) {
          const { rows } = await sql<Row & { timestamp: Date; event_id: string }>`
            SELECT event_id::text AS event_id, message_id AS "messageId", type, name, properties, timestamp, received_at AS "receivedAt"
            FROM events WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[])
            ${after ? sql`AND (timestamp, event_id) > (${after.timestamp}, ${after.eventId}::bigint)` : sql``}
            ORDER BY events.timestamp, events.event_id LIMIT ${eventPage}`.execute(db);
          // The event id is Strata's own row number: the cursor, not the person's data.
          for (const row of rows) yield { ...row, event_id: undefined };
          const last = rows.at(-1);
          if (!last || rows.length < eventPage) return;
          after = { timestamp: last.timestamp, eventId: last.event_id };
        }
      },
    },
    {
      name: 'tickets',
      rows: all(() =>
        sql<Row>`SELECT t.ticket_id AS "ticketId", t.source, t.external_id AS "externalId", t.subject, t.description,
        t.status, t.priority, t.channel, t.tags, t.csat, t.csat_comment AS "csatComment", t.created_at AS "createdAt", t.solved_at AS "solvedAt",
        COALESCE((SELECT json_agg(json_build_object('author', m.author, 'public', m.public, 'body', m.body, 'createdAt', m.created_at)
          ORDER BY m.created_at) FROM ticket_messages m WHERE m.workspace_id = t.workspace_id AND m.ticket_id = t.ticket_id), '[]') AS messages
        FROM tickets t WHERE t.workspace_id = ${ws} AND t.person_id = ANY(${ids}::uuid[]) ORDER BY t.created_at`.execute(db),
      ),
    },
    {
      name: 'surveys',
      rows: all(() =>
        sql<Row>`SELECT survey_id AS "surveyId", kind, nps, csat, score, comment, category, source,
        ticket_id AS "ticketId", submitted_at AS "submittedAt" FROM surveys
        WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[]) ORDER BY submitted_at`.execute(db),
      ),
    },
    {
      name: 'segments',
      rows: all(() =>
        sql<Row>`SELECT segment_key AS "segment", entered_at AS "enteredAt" FROM segment_members
        WHERE workspace_id = ${ws} AND member_id = ANY(${ids}::uuid[]) ORDER BY segment_key`.execute(db),
      ),
    },
    {
      name: 'segmentHistory',
      rows: all(() =>
        sql<Row>`SELECT segment_key AS "segment", kind, at, version, cause FROM segment_changes
        WHERE workspace_id = ${ws} AND segment_key IN (SELECT segment_key FROM segments WHERE workspace_id = ${ws})
          AND member_id = ANY(${ids}::uuid[]) ORDER BY at, change_id`.execute(db),
      ),
    },
    {
      name: 'health',
      rows: all(() =>
        sql<Row>`SELECT model_key AS "model", score, band, trend, measures, computed_at AS "computedAt" FROM person_health
        WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[]) ORDER BY model_key`.execute(db),
      ),
    },
    {
      name: 'healthHistory',
      rows: all(() =>
        sql<Row>`SELECT model_key AS "model", day::text AS "day", score, band FROM person_health_days
        WHERE workspace_id = ${ws} AND person_id = ANY(${ids}::uuid[]) ORDER BY model_key, day`.execute(db),
      ),
    },
    {
      name: 'webhookMessages',
      rows: all(() =>
        sql<Row>`SELECT webhook_key AS "webhook", event, payload, status, created_at AS "createdAt",
        delivered_at AS "deliveredAt" FROM webhook_messages
        WHERE workspace_id = ${ws} AND payload->'data'->>'id' = ANY(${userIds}::text[]) ORDER BY created_at`.execute(db),
      ),
    },
  ];
}
