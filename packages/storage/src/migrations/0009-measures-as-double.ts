import { sql, type Kysely } from 'kysely';

// Support measures (CSAT, NPS, scores, sentiment, minutes) are measurements, not amounts: they
// become double precision, which the driver reads as a number. `numeric` is left for exact
// quantities (money) and is no longer parsed into a float by a global type parser: it arrives as
// exact decimal text (see storage's CONTEXT.md, "Numbers and money").
const measures = {
  tickets: [
    'csat',
    'sentiment',
    'first_response_minutes',
    'resolution_minutes',
    'worst_sentiment',
    'first_response_business_minutes',
    'resolution_business_minutes',
  ],
  ticket_messages: ['sentiment'],
  surveys: ['nps', 'csat', 'score'],
};

async function retype(db: Kysely<unknown>, type: 'double precision' | 'numeric'): Promise<void> {
  for (const [table, columns] of Object.entries(measures))
    await sql`ALTER TABLE ${sql.table(table)} ${sql.join(
      columns.map((c) => sql`ALTER COLUMN ${sql.ref(c)} TYPE ${sql.raw(type)}`),
      sql`, `,
    )}`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await retype(db, 'double precision');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await retype(db, 'numeric');
}
