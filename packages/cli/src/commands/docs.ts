import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderRuleLanguageDoc } from '@strata/core';

/** `strata docs rule-language`: writes the generated rule-language reference. */
export function registerDocsCommand(program: Command): void {
  program
    .command('docs')
    .description('generate reference documentation')
    .command('rule-language')
    .description('the segment rule-language reference, from the operator registry')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: { out?: string }) => {
      const text = renderRuleLanguageDoc();
      if (options.out) await writeFile(options.out, text);
      else process.stdout.write(text);
    });
}
