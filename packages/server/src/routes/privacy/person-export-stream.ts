import type { ExportSection } from '@strata/storage';

/**
 * A person's export as JSON text, written piece by piece: `{"userId": …, "exportedAt": …,
 * "<section>": [rows…], …}`. Rows are serialised as they are read, so the whole export is never
 * in memory (events come a page at a time).
 */
export async function* personExportJson(header: Record<string, unknown>, sections: ExportSection[]): AsyncGenerator<string> {
  yield JSON.stringify(header).slice(0, -1);
  for (const section of sections) {
    yield `,${JSON.stringify(section.name)}:[`;
    let first = true;
    for await (const row of section.rows()) {
      yield `${first ? '' : ','}${JSON.stringify(row)}`;
      first = false;
    }
    yield ']';
  }
  yield '}\n';
}
