import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMasterKey } from '@strata/engine';

/**
 * The master key of an embedded install: kept beside the database in the data directory
 * (readable by the owner only), created on first need. Losing it makes stored integration
 * secrets unreadable, so backups take the whole directory. `strata start` and `strata worker`
 * may both get here first: the key is written to a file of its own and linked into place, which
 * fails when the other got there first, so both end up with the same whole key.
 */
export function embeddedSecretKey(dataDir: string): Buffer {
  const path = join(dataDir, 'secret.key');
  if (!existsSync(path)) {
    const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(draft, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(draft, { force: true });
    }
  }
  const key = parseMasterKey(readFileSync(path, 'utf8'));
  if (!key) throw new Error(`${path} does not hold a 32-byte key in base64; restore it from a backup or set STRATA_SECRET_KEY`);
  return key;
}
