import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const packagesDir = new URL('../../', import.meta.url);
const manifests = readdirSync(packagesDir).map((name) => ({
  name,
  dir: new URL(`${name}/`, packagesDir),
  manifest: JSON.parse(readFileSync(new URL(`${name}/package.json`, packagesDir), 'utf8')) as {
    exports?: Record<string, Record<string, string>>;
    bin?: Record<string, string>;
  },
}));

/** Every file an export condition names, as the source it comes from: `dist/x.js` and `dist/x.d.ts` are built from `src/x.ts`. */
function sourcesOf(exports: Record<string, Record<string, string>>): string[] {
  return Object.values(exports).flatMap((conditions) =>
    Object.values(conditions).map((target) => target.replace(/^\.\/dist\//, './src/').replace(/(\.d\.ts|\.js)$/, '.ts')),
  );
}

describe('package manifests', () => {
  it.each(manifests)('$name exports only files that exist', ({ dir, manifest }) => {
    const missing = sourcesOf(manifest.exports ?? {}).filter((source) => !existsSync(new URL(source, dir)));
    expect(missing).toEqual([]);
    for (const launcher of Object.values(manifest.bin ?? {})) expect(existsSync(new URL(launcher, dir)), launcher).toBe(true);
  });
});
