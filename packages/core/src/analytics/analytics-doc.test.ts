import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { renderMetricTable, renderWarningTable } from './analytics-doc.js';

// Prettier pads table cells to align columns: compare with runs of spaces and dashes collapsed.
const normalized = (text: string) => text.replace(/ +/g, ' ').replace(/-{3,}/g, '---');

it('docs/analytics.md holds the metric and warning tables generated from the registries', async () => {
  const doc = normalized(await readFile(new URL('../../../../docs/analytics.md', import.meta.url), 'utf8'));
  expect(doc).toContain(normalized(renderMetricTable()));
  expect(doc).toContain(normalized(renderWarningTable()));
});
