import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from '@strata/storage';
import { strataBin } from '../../../test-support/strata-process.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/test-database.js';

const run = promisify(execFile);

let database: TestDatabase;
let scratch: string;

beforeAll(async () => {
  database = await createTestDatabase();
  scratch = await mkdtemp(join(tmpdir(), 'strata-import-rows-'));
});
afterAll(async () => {
  await database.drop();
  await rm(scratch, { recursive: true, force: true });
});

async function strata(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [strataBin(), ...args], {
      env: { ...process.env, ...database.env },
      maxBuffer: 1 << 24,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const header = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

/**
 * Order lines shaped like the UCI Online Retail file: invoices of a few lines, some listing the same
 * item twice (identical lines), customer ids written `17850.0` by a spreadsheet, and cancellations
 * (`C…` invoices) only after the first 1,000 lines.
 */
function retailLines(): { lines: string[]; repeated: number } {
  const lines: string[] = [];
  let repeated = 0;
  for (let invoice = 0; invoice < 300; invoice++) {
    const number = `${invoice >= 250 ? 'C' : ''}${536365 + invoice}`;
    const customer = `${17850 + (invoice % 40)}.0`;
    const date = `2010-12-${String(1 + (invoice % 28)).padStart(2, '0')} 08:${String(invoice % 60).padStart(2, '0')}:00`;
    for (let item = 0; item < 4; item++) {
      const quantity = invoice >= 250 ? -(item + 1) : item + 1;
      lines.push(`${number},2${item}725,LUNCH BAG ${item},${quantity},${date},1.65,${customer},United Kingdom`);
    }
    if (invoice % 3 === 0) {
      lines.push(lines[lines.length - 1]!);
      repeated++;
    }
  }
  return { lines, repeated };
}

const csv = (lines: string[]) => [header, ...lines, ''].join('\n');

async function countEvents(workspace: Workspace, name: string): Promise<number> {
  const row = await database.owner
    .selectFrom('events')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('workspace_id', '=', workspace.id)
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('strata import keeps every row of a file without an id column', () => {
  it('stores identical lines as distinct rows, and a re-run, a re-sorted copy or an appended file adds only what is new', async () => {
    const workspace = await createWorkspace(database.db, { slug: 'retail' });
    const { lines, repeated } = retailLines();
    expect(repeated).toBeGreaterThan(90);
    const file = join(scratch, 'online_retail.csv');
    await writeFile(file, csv(lines));
    const args = [
      'import',
      'events',
      file,
      '-w',
      'retail',
      '--user-id',
      'CustomerID',
      '--event',
      'order_line',
      '--timestamp',
      'InvoiceDate',
    ];

    const first = await strata(...args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(new RegExp(`${lines.length} rows: ${lines.length} stored, 0 already imported, 0 bad`));
    expect(await countEvents(workspace, 'order_line')).toBe(lines.length);

    const again = await strata(...args);
    expect(again.stderr).toMatch(new RegExp(`${lines.length} rows: 0 stored, ${lines.length} already imported, 0 bad`));

    // Re-sorted, the same rows are the same rows.
    await writeFile(file, csv([...lines].reverse()));
    expect((await strata(...args)).stderr).toMatch(new RegExp(`${lines.length} rows: 0 stored, ${lines.length} already imported`));

    // Appended to (with one more copy of a line already there), only the new rows are stored.
    const appended = [...lines, lines[0]!, 'C536999,22725,LUNCH BAG 0,-1,2011-01-04 10:00:00,1.65,17851.0,United Kingdom'];
    await writeFile(file, csv(appended));
    expect((await strata(...args)).stderr).toMatch(new RegExp(`${appended.length} rows: 2 stored, ${lines.length} already imported`));
    expect(await countEvents(workspace, 'order_line')).toBe(appended.length);
  }, 180_000);
});

describe('strata import types each column from all of its values', () => {
  it('keeps an invoice column whose later values start with "C" a string, so cancellations are reachable', async () => {
    const workspace = await createWorkspace(database.db, { slug: 'invoices' });
    const file = join(scratch, 'invoices.csv');
    await writeFile(file, csv(retailLines().lines));
    const imported = await strata('import', 'events', file, '-w', 'invoices', '--user-id', 'CustomerID', '--event', 'order_line');
    expect(imported.code, imported.stderr).toBe(0);

    const types = await database.owner
      .selectFrom('events')
      .select(sql<string>`jsonb_typeof(properties -> 'InvoiceNo')`.as('type'))
      .distinct()
      .where('workspace_id', '=', workspace.id)
      .execute();
    expect(types.map((t) => t.type)).toEqual(['string']);
    const registry = await database.owner
      .selectFrom('field_registry')
      .select(['field', 'type'])
      .where('workspace_id', '=', workspace.id)
      .where('event_name', '=', 'order_line')
      .orderBy('field')
      .execute();
    expect(Object.fromEntries(registry.map((r) => [r.field, r.type]))).toMatchObject({
      InvoiceNo: 'string',
      StockCode: 'number',
      Quantity: 'number',
      InvoiceDate: 'datetime',
      UnitPrice: 'number',
    });

    const segment = await strata(
      'segments',
      'create',
      'cancelled',
      '--workspace',
      'invoices',
      '--target',
      'person',
      '--rule',
      'did "order_line" where InvoiceNo = "C536615"',
    );
    expect(segment.stderr).toMatch(/created cancelled with 1 members/);
  });

  it('forces a type with --type, and reports each value the forced type cannot hold by line', async () => {
    const workspace = await createWorkspace(database.db, { slug: 'forced' });
    const file = join(scratch, 'forced.csv');
    await writeFile(
      file,
      csv([
        '536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom',
        '536366,71053,WHITE METAL LANTERN,six,2010-12-01 08:28:00,3.39,17850.0,United Kingdom',
        '536367,84406B,CREAM CUPID HEARTS,8,2010-12-01 08:34:00,2.75,13047.0,United Kingdom',
      ]),
    );
    const report = join(scratch, 'forced-bad.json');
    const forced = await strata(
      'import',
      'people',
      file,
      '-w',
      'forced',
      '--user-id',
      'CustomerID',
      '--id-column',
      'InvoiceNo',
      '--field',
      'invoice=InvoiceNo',
      '--field',
      'quantity=Quantity',
      '--type',
      'InvoiceNo=string',
      '--type',
      'Quantity=number',
      '--report',
      report,
    );
    expect(forced.code).toBe(1);
    expect(forced.stderr).toMatch(/3 rows: 2 stored, 0 already imported, 1 bad/);
    expect(forced.stderr).toMatch(/line 3: column "Quantity" holds "six", which is not a number \(--type Quantity=number\)/);
    const person = await database.owner
      .selectFrom('people')
      .select('traits')
      .where('workspace_id', '=', workspace.id)
      .where('user_id', '=', '13047')
      .executeTakeFirstOrThrow();
    expect(person.traits).toEqual({ invoice: '536367', quantity: 8 });

    const wrong = await strata('import', 'people', file, '-w', 'forced', '--user-id', 'CustomerID', '--type', 'Quantity=integer');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/--type takes COLUMN=string\|number\|boolean\|datetime; got "Quantity=integer"/);
  });
});

describe('strata import reads spreadsheet ids', () => {
  it('takes 17850.0 as the id 17850 for user, group, row and join ids, unless --keep-id-format', async () => {
    const workspace = await createWorkspace(database.db, { slug: 'sheets' });
    const accounts = join(scratch, 'accounts.csv');
    await writeFile(accounts, ['account,region', '12,EU', '13,US', ''].join('\n'));
    const people = join(scratch, 'customers.csv');
    await writeFile(people, ['CustomerID,account,row,plan', '17850.0,12.0,1.0,pro', '13047.00,13.0,2.0,free', ''].join('\n'));
    const imported = await strata(
      'import',
      'memberships',
      people,
      '-w',
      'sheets',
      '--user-id',
      'CustomerID',
      '--group-id',
      'account',
      '--id-column',
      'row',
      '--join',
      `${accounts}:account`,
      '--field',
      'plan=plan',
      '--field',
      'region=region',
    );
    expect(imported.code, imported.stderr).toBe(0);
    const links = await database.owner
      .selectFrom('person_accounts as pa')
      .innerJoin('people as p', (j) => j.onRef('p.person_id', '=', 'pa.person_id').onRef('p.workspace_id', '=', 'pa.workspace_id'))
      .innerJoin('accounts as a', (j) => j.onRef('a.account_id', '=', 'pa.account_id').onRef('a.workspace_id', '=', 'pa.workspace_id'))
      .select(['p.user_id', 'a.group_id', 'pa.traits'])
      .where('pa.workspace_id', '=', workspace.id)
      .orderBy('p.user_id')
      .execute();
    expect(links).toEqual([
      { user_id: '13047', group_id: '13', traits: { plan: 'free', region: 'US' } },
      { user_id: '17850', group_id: '12', traits: { plan: 'pro', region: 'EU' } },
    ]);

    const kept = await strata('import', 'people', people, '-w', 'sheets', '--user-id', 'CustomerID', '--keep-id-format');
    expect(kept.code, kept.stderr).toBe(0);
    const ids = await database.owner
      .selectFrom('people')
      .select('user_id')
      .where('workspace_id', '=', workspace.id)
      .orderBy('user_id')
      .execute();
    expect(ids.map((p) => p.user_id)).toEqual(['13047', '13047.00', '17850', '17850.0']);
  });
});
