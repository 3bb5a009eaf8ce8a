import { metricDefinitions } from './metric-registry.js';
import { warningRules } from './warnings/warning-rules.js';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The metric table of docs/analytics.md, from the registry (a test keeps the two equal). */
export function renderMetricTable(): string {
  const rows = metricDefinitions.map((m) => `| \`${m.key}\` | ${cell(m.label)} | ${m.kind} | ${m.unit} | ${cell(m.formula)} |`);
  return ['| key | metric | kind | unit | formula |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** The warning table of docs/analytics.md, from the warning rules. */
export function renderWarningTable(): string {
  const rows = warningRules.map((w) => `| \`${w.code}\` | ${cell(w.description)} |`);
  return ['| code | when |', '| --- | --- |', ...rows].join('\n');
}
