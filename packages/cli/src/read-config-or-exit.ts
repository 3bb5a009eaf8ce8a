import { readConfig, type StrataConfig } from '@strata/server';

/** Reads the environment once; on any problem prints them all and exits with status 2. */
export function readConfigOrExit(): StrataConfig {
  const result = readConfig(process.env);
  if (result.ok) return result.config;
  process.stderr.write(`Strata cannot start; fix these settings:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(2);
}
