import { createReadStream } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse';
import { crossValidateChurnModel, labelledTableExamples, type ChurnAssessment } from '@strata/core';
import { normaliseSpreadsheetId } from '@strata/engine';
import { joinedRow, loadJoin } from './csv-join.js';

interface EvaluateFlags {
  label: string;
  positive?: string;
  id?: string;
  join: string[];
  keep: string[];
  folds: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const round = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);

/** `strata churn evaluate FILE.csv --label COLUMN`: the workspace churn model, cross-validated on any labelled CSV. */
export function registerChurnCommand(program: Command): void {
  program
    .command('churn')
    .description('churn risk model')
    .command('evaluate')
    .description('cross-validate the churn model on a labelled CSV: AUC, Brier score, lift in the top decile, leaks')
    .argument('<file>', 'CSV file with a header row, one example per row')
    .requiredOption('--label <column>', 'column holding the outcome')
    .option('--positive <value>', "the label's value meaning churned (default: true, yes or 1 in a two-valued column)")
    .option('--id <column>', 'column identifying the row, left out of the features')
    .option('--join <file:column>', 'add the columns of the row of another CSV whose <column> matches (repeatable)', collect, [])
    .option('--keep <feature>', 'keep a feature the leak guard would leave out (repeatable)', collect, [])
    .option('--folds <k>', 'folds of the cross-validation', '5')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: EvaluateFlags) => {
      const folds = Number(flags.folds);
      if (!Number.isInteger(folds) || folds < 2) throw new Error(`--folds takes a whole number of at least 2; got "${flags.folds}"`);
      const asId = (text: string) => normaliseSpreadsheetId(text.trim());
      const joins = await Promise.all(flags.join.map((spec) => loadJoin(spec, asId)));
      const records: Array<Record<string, string>> = [];
      for await (const record of createReadStream(file).pipe(parse({ columns: true, skip_empty_lines: true, bom: true })))
        records.push(joinedRow(record as Record<string, string>, joins, asId));
      const table = labelledTableExamples(records, { label: flags.label, positive: flags.positive, id: flags.id });
      if ('issues' in table) throw new Error(table.issues.map((issue) => issue.message).join('\n'));
      const assessed = crossValidateChurnModel(table.examples, { folds, keep: flags.keep });
      const report = evaluationReport(assessed, table.skipped, folds);
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : readableReport(report));
    });
}

type EvaluationReport = ReturnType<typeof evaluationReport>;

function evaluationReport(assessed: ChurnAssessment, skipped: number, folds: number) {
  const { quality, model } = assessed;
  return {
    n: quality.n,
    positives: quality.positives,
    auc: round(quality.auc),
    brier: round(quality.brier),
    lift_top_decile: round(quality.liftTopDecile),
    calibration: quality.calibration.map((bin) => ({
      decile: bin.decile,
      n: bin.n,
      mean_predicted: round(bin.meanPredicted),
      observed_rate: round(bin.observedRate),
    })),
    leaks: assessed.leaks.map((leak) => ({ feature: leak.feature, auc: round(leak.auc), kept: leak.kept })),
    identifiers: assessed.identifiers,
    warnings: assessed.warnings,
    skipped_unlabelled: skipped,
    folds,
    model: {
      kind: model.kind,
      features: assessed.features,
      l2: model.l2,
      intercept: round(model.intercept),
      // Weights on standardised columns: comparable with each other, largest first.
      coefficients: model.columns
        .map((column, j) => ({ column, weight: round(model.weights[j]!)! }))
        .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)),
    },
  };
}

function readableReport(report: EvaluationReport): string {
  const lines = [
    `examples ${report.n} (churned ${report.positives}), ${report.folds}-fold cross-validated`,
    `ROC AUC ${report.auc ?? 'undefined'}   Brier ${report.brier}   lift in the top decile ${report.lift_top_decile ?? 'undefined'}`,
    ...report.leaks.map(
      (leak) => `leak: ${leak.feature} alone reaches AUC ${leak.auc} (${leak.kept ? 'kept, as asked' : 'left out; --keep to use it'})`,
    ),
    ...report.identifiers.map((name) => `left out: ${name} has about one value per row (an identifier)`),
    ...report.warnings.map((warning) => `warning (${warning.code}): ${warning.message}`),
    'strongest coefficients (standardised):',
    ...report.model.coefficients.slice(0, 10).map((c) => `  ${c.weight >= 0 ? '+' : ''}${c.weight}  ${c.column}`),
  ];
  return `${lines.join('\n')}\n`;
}
