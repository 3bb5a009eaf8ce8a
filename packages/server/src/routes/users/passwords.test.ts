import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, newPasswordSchema, spendPasswordWork, verifyPassword } from './passwords.js';

describe('password hashes', () => {
  it('verify the password they were made from and no other, with a fresh salt each time', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{86}==$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
    expect(await hashPassword('correct horse battery staple')).not.toBe(hash);
  });

  it('carry their parameters, so a hash made with other ones still verifies', async () => {
    const salt = randomBytes(16);
    const key = scryptSync('an older password', salt, 64, { N: 2 ** 14, r: 8, p: 1 });
    const older = `scrypt$ln=14,r=8,p=1$${salt.toString('base64')}$${key.toString('base64')}`;
    expect(await verifyPassword('an older password', older)).toBe(true);
    expect(await verifyPassword('another password', older)).toBe(false);
  });

  it('refuse a stored value that is not one of theirs, rather than accept anything', async () => {
    await expect(verifyPassword('x', 'plaintext')).rejects.toThrow(/scrypt/);
    await expect(verifyPassword('x', 'scrypt$ln=40,r=8,p=1$AAAA$AAAA')).rejects.toThrow(/scrypt/);
  });

  it('spend the work of a verification for unknown accounts, and answer no', async () => {
    expect(await spendPasswordWork('anything at all')).toBe(false);
  });

  it('are made only from passwords of 12 characters or more', () => {
    expect(newPasswordSchema.safeParse('eleven char').success).toBe(false);
    expect(newPasswordSchema.safeParse('twelve chars').success).toBe(true);
  });
});
