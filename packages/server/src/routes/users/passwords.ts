import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';

/**
 * Passwords are hashed with scrypt (memory-hard, built into Node): N = 2^15, r = 8, p = 1, a
 * 16-byte salt and a 64-byte key, about 32 MiB and tens of milliseconds per hash. The encoding
 * carries its parameters (`scrypt$ln=15,r=8,p=1$salt$hash`), so they can be raised later and old
 * hashes still verify.
 */
const current = { ln: 15, r: 8, p: 1 };
const keyLength = 64;
const saltLength = 16;

export const minimumPasswordLength = 12;
/** Long enough for any passphrase; bounds the work an attacker can ask of one request. */
export const maximumPasswordLength = 1024;

function derive(password: string, salt: Buffer, params: { ln: number; r: number; p: number }): Promise<Buffer> {
  const N = 2 ** params.ln;
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly that at these parameters, so allow headroom.
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** The encoded hash of a password, to store. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, current);
  return `scrypt$ln=${current.ln},r=${current.r},p=${current.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function decode(encoded: string): { params: { ln: number; r: number; p: number }; salt: Buffer; key: Buffer } | undefined {
  const match = /^scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(encoded);
  if (!match) return undefined;
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Bounds keep a corrupt row from asking for gigabytes.
  if (ln < 10 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  return { params: { ln, r, p }, salt: Buffer.from(match[4]!, 'base64'), key: Buffer.from(match[5]!, 'base64') };
}

/** Whether the password matches the encoded hash, compared in constant time. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const stored = decode(encoded);
  if (!stored) throw new Error('a stored password hash is not in the scrypt$ln=…,r=…,p=…$salt$hash form');
  const key = await derive(password, stored.salt, stored.params);
  return key.length === stored.key.length && timingSafeEqual(key, stored.key);
}

let decoy: Promise<string> | undefined;

/**
 * Spends the work of one verification on nothing, for a sign-in whose email is unknown (or has
 * no password yet): it then takes as long as a wrong password, so timing does not tell which
 * emails have accounts.
 */
export async function spendPasswordWork(password: string): Promise<false> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await decoy);
  return false;
}

/** A new password as routes and the configuration accept it: the clear 400 names the minimum. */
export const newPasswordSchema = z
  .string()
  .min(minimumPasswordLength, `a password must be at least ${minimumPasswordLength} characters; a few unrelated words make a good one`)
  .max(maximumPasswordLength, `a password must be at most ${maximumPasswordLength} characters`);
